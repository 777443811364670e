"""The two end-of-day summaries mailed every business day (R-N2), registered in
esp.mailing.registry through `TbtConfig.mailed_reports`: Call Cert → ops leadership; TBT
completion → carrier leadership (R-B4)."""

from __future__ import annotations

from datetime import date

from esp.mailing.messages import make_message, table_attachments
from esp.mailing.registry import LIST, MailedReport, Outgoing, to_list
from esp.programs.models import Program

from . import selectors
from .tables import callcert_table, tbt_completion_table


def callcert_summary_mail(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    lines = selectors.callcert_summary(program, day)
    message = make_message(
        "callcert-summary",
        {"program": program, "day": day, "lines": lines},
        table_attachments(
            f"callcert-summary-{day.isoformat()}", {"Call Cert": callcert_table(lines)}
        ),
    )
    return to_list(distribution_list, message)


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
        table_attachments(
            f"tbt-completion-{day.isoformat()}", {"TBT completion": tbt_completion_table(lines)}
        ),
    )
    return to_list(distribution_list, message)


CALLCERT_SUMMARY = MailedReport(
    "callcert_summary", "End-of-day Call Cert summary", LIST, callcert_summary_mail
)
TBT_COMPLETION = MailedReport(
    "tbt_completion", "End-of-day TBT completion", LIST, tbt_completion_mail
)
