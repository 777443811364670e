"""The two end-of-day summaries mailed every business day (R-N2), registered in
esp.reports.mailed.MAILED_REPORTS: Call Cert → ops leadership; TBT completion → carrier
leadership (R-B4)."""

from __future__ import annotations

from datetime import date

from esp.mailing.messages import make_message
from esp.programs.models import Program
from esp.reports.mailed import Outgoing, _attachments

from . import selectors
from .tables import callcert_table, tbt_completion_table


def callcert_summary_mail(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    lines = selectors.callcert_summary(program, day)
    message = make_message(
        "callcert-summary",
        {"program": program, "day": day, "lines": lines},
        _attachments(f"callcert-summary-{day.isoformat()}", {"Call Cert": callcert_table(lines)}),
    )
    return [Outgoing(distribution_list.key, distribution_list.addresses, message)]


def tbt_completion_mail(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    lines = selectors.tbt_completion(program, day)
    message = make_message(
        "tbt-completion",
        {
            "program": program,
            "day": day,
            "lines": lines,
            "done": sum(1 for line in lines if line["tbt_done"]),
            "behind": sum(1 for line in lines if line["behind_pace"]),
        },
        _attachments(
            f"tbt-completion-{day.isoformat()}", {"TBT completion": tbt_completion_table(lines)}
        ),
    )
    return [Outgoing(distribution_list.key, distribution_list.addresses, message)]
