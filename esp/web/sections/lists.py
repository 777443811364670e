"""The Today lists of agents: late tasks and due actions, who has not self-reported, the
TL's evening checklist, transfers and red flags, proctored last attempts. Each list is a
`Preview`: its count, its first items most urgent first, and the page listing them all."""

from __future__ import annotations

from dataclasses import dataclass, field

from esp.access.writes import may_write
from esp.lib.display import label
from esp.pace.selectors import proctored_arranged, proctored_to_arrange
from esp.rules.checklist import evening_checklist
from esp.rules.report_lines import TODAY
from esp.upkeep.selectors import checklist_mail_state, tickets_confirmed

from .. import selectors
from . import sources
from .basis import Basis
from .preview import Preview, own_page, preview


@dataclass
class Work:
    """Every staff role: the late tasks (R-I1), the due corrective actions, proofs waiting."""

    late_sections: list[dict]  # key, heading (Today's and its own page's), agents (a Preview)
    late_count: int
    actions: Preview
    proofs_waiting: int


def work(base: Basis) -> Work:
    late = [
        {
            "key": section.key,
            "heading": f"{label(section.key, 'section')} — after {section.threshold_days}+ "
            "business days",  # the section's name as the report page titles it
            "agents": sources.late(
                base, section.key, own_page("late", base.as_of, part=section.key)
            ),
        }
        for section in base.policy.sections
        if section.key != base.policy.transfer_section
    ]
    return Work(
        late_sections=late,
        late_count=sum(s["agents"].total for s in late),
        actions=sources.actions(base, own_page("actions", base.as_of)),
        proofs_waiting=_proofs_to_decide(base),
    )


def _proofs_to_decide(base: Basis) -> int:
    """The proofs waiting that the user may decide (the review queue's), or, for a role
    that decides none, every proof waiting for their agents (said as waiting for others)."""
    waiting = selectors.proofs_waiting(base.seen)
    mine = sum(n for item, n in waiting.items() if may_write(base.user, "proof_review", item))
    return mine or (0 if may_write(base.user, "proof_review") else sum(waiting.values()))


@dataclass
class NotReported:
    """The agents without a self-report on the day, by class then name, and whether the user
    may send them a new link."""

    not_reported: Preview
    can_send_links: bool


def not_reported(base: Basis) -> NotReported:
    return NotReported(
        sources.not_reported(base, own_page("not_reported", base.as_of)),
        may_write(base.user, "self_report_link"),
    )


@dataclass
class ChecklistCounts:
    not_touched: int
    due: int
    not_reported: int
    tickets: int
    agents: int
    not_updated: list[dict] = field(default_factory=list)  # named (issue 15 item 12)
    tickets_confirmed: bool = False  # seed 001: the tickets of the five forms submitted
    can_confirm: bool = False
    mail_state: str = ""  # today's checklist e-mail in the outbox: "queued", "sent" ("": not)


@dataclass
class TlChecklist:
    """The TL's evening checklist (R-N5), as counts."""

    checklist: ChecklistCounts


def checklist(base: Basis) -> TlChecklist:
    confirmed = tickets_confirmed(base.user, base.as_of)
    found = evening_checklist(base.flying, base.ctx, base.marks, tickets_confirmed=confirmed)
    return TlChecklist(
        ChecklistCounts(
            not_touched=len(found.not_touched),
            due=len(found.due),
            not_reported=len(found.not_reported),
            tickets=selectors.tickets_recorded(base.user, base.as_of),
            agents=found.agents,
            not_updated=sorted(found.not_touched, key=lambda a: (a["class_code"], a["name"])),
            tickets_confirmed=confirmed,
            can_confirm=base.as_of == base.now.date(),
            mail_state=checklist_mail_state(base.user, base.as_of),
        )
    )


@dataclass
class Transfers:
    """The ESP-complete agents to transfer (R-I1a: flagged once late), longest waiting first,
    and the open red flags (R-N4b), oldest first."""

    transfers: Preview
    flags: Preview


def transfers(base: Basis) -> Transfers:
    return Transfers(
        sources.transfers(base, own_page("transfers", base.as_of)),
        sources.flags(base, own_page("flags", base.as_of)),
    )


@dataclass
class Proctored:
    """R-N4a: agents one fail away from the last attempt of an exam: licensing arranges a
    proctored attempt."""

    proctored: Preview
    # issue 15 item 13: the ones Licensing arranged, with the day ("arranged for MM/DD/YYYY")
    proctored_arranged: Preview


def proctored(base: Basis) -> Proctored:
    url = own_page("proctored", base.as_of)
    program = base.program
    return Proctored(
        sources.proctored(
            base,
            url,
            lambda lines: proctored_to_arrange(lines, program),
            named=("to_arrange", program.exam_attempts),  # the arrangements' fails
        ),
        preview(_proctored_arranged(base), url, base.first),
    )


def _proctored_arranged(base: Basis) -> list[dict]:
    lines = lambda: base.lines(TODAY, section="proctored")  # noqa: E731
    key = sources.key(base, "proctored_arranged")
    return proctored_arranged(lines if key else lines(), base.program, key=key)
