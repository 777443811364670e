"""The licensing pace list mailed every business day at midday to the licensing list (R-I1b,
R-N2), registered in esp.reports.mailed.MAILED_REPORTS."""

from __future__ import annotations

from datetime import date

from esp.mailing.messages import make_message
from esp.programs.models import Program
from esp.reports.mailed import Outgoing, _attachments

from . import selectors


def licensing_pace_mail(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """Nothing to send (an empty outbox row) on a day no agent is in the paced phase."""
    _, lines = selectors.pace_lines(program, day)
    in_phase = len(lines)
    if not in_phase:
        return [Outgoing(distribution_list.key, distribution_list.addresses, None)]
    lines = [line for line in lines if line["behind"]]
    message = make_message(
        "licensing-pace",
        {"program": program, "day": day, "lines": lines, "in_phase": in_phase},
        _attachments(
            f"licensing-pace-{day.isoformat()}", {"Behind pace": selectors.behind_table(lines)}
        ),
    )
    return [Outgoing(distribution_list.key, distribution_list.addresses, message)]
