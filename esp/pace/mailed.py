"""The licensing pace list mailed every business day at midday to the licensing list (R-I1b,
R-N2), registered in esp.mailing.registry through `PaceConfig.mailed_reports`."""

from __future__ import annotations

from datetime import date

from esp.mailing.messages import make_message, table_attachments
from esp.mailing.registry import LIST, MailedReport, Outgoing, to_list
from esp.programs.models import Program

from . import selectors


def licensing_pace_mail(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """Nothing to send (an empty outbox row) on a day no agent is in the paced phase."""
    _, lines = selectors.pace_lines(program, day)
    in_phase = len(lines)
    if not in_phase:
        return to_list(distribution_list, None)
    lines = [line for line in lines if line["behind"]]
    message = make_message(
        "licensing-pace",
        {"program": program, "day": day, "lines": lines, "in_phase": in_phase},
        table_attachments(
            f"licensing-pace-{day.isoformat()}", {"Behind pace": selectors.behind_table(lines)}
        ),
    )
    return to_list(distribution_list, message)


LICENSING_PACE = MailedReport("licensing_pace", "Licensing: behind pace", LIST, licensing_pace_mail)
