"""The Today lists of agents: late tasks and due actions, who has not self-reported, the
TL's evening checklist, transfers and red flags, proctored last attempts. Each list is a
`Preview`: its count, its first items most urgent first, and the page listing them all."""

from __future__ import annotations

from dataclasses import dataclass

from esp.access.writes import may_write
from esp.progress.services import open_flags
from esp.reports.render import SECTION_TITLES
from esp.rules.checklist import evening_checklist
from esp.rules.exams import last_attempts_to_arrange
from esp.rules.upkeep import not_transferred

from .. import selectors
from .basis import Basis
from .preview import Preview, own_page, preview, report_page


@dataclass
class Work:
    """Every staff role: the late tasks (R-I1), the due corrective actions, proofs waiting."""

    late_sections: list[dict]  # key, title, threshold_days, agents (a Preview)
    late_count: int
    actions: Preview
    proofs_waiting: int


def _oldest_first(line: dict) -> int:
    return -line["age_business_days"]


def _overdue_first(action: dict) -> tuple:
    return (action["status"] != "overdue", action["due_on"])


def work(base: Basis) -> Work:
    late = [
        {
            "key": s["key"],
            "title": SECTION_TITLES.get(s["key"], s["key"]),
            "threshold_days": s["threshold_days"],
            "agents": preview(
                s["agents"],
                report_page("incompletions", base.as_of, section=s["key"]),
                base.first,
                key=_oldest_first,
            ),
        }
        for s in base.late_sections()
    ]
    return Work(
        late_sections=late,
        late_count=sum(s["agents"].total for s in late),
        actions=preview(
            base.actions, report_page("actions", base.as_of), base.first, key=_overdue_first
        ),
        proofs_waiting=selectors.proofs_waiting(base.seen),
    )


@dataclass
class NotReported:
    """The agents without a self-report on the day, by class then name, and whether the user
    may send them a new link."""

    not_reported: Preview
    can_send_links: bool


def not_reported(base: Basis) -> NotReported:
    rows = [
        {
            "employee_id": p.record.employee_id,
            "name": p.record.name,
            "class_code": p.class_dates(base.as_of).code,
        }
        for p in base.flying
        if p.record.employee_id not in base.marks.reported
    ]
    return NotReported(
        preview(
            rows,
            own_page("not_reported", base.as_of),
            base.first,
            key=lambda a: (a["class_code"], a["name"]),
        ),
        may_write(base.user, "self_report_link"),
    )


@dataclass
class ChecklistCounts:
    not_touched: int
    due: int
    not_reported: int
    tickets: int
    agents: int


@dataclass
class TlChecklist:
    """The TL's evening checklist (R-N5), as counts."""

    checklist: ChecklistCounts


def checklist(base: Basis) -> TlChecklist:
    found = evening_checklist(base.flying, base.ctx, base.marks)
    return TlChecklist(
        ChecklistCounts(
            not_touched=len(found.not_touched),
            due=len(found.due),
            not_reported=len(found.not_reported),
            tickets=selectors.tickets_recorded(base.user, base.as_of),
            agents=found.agents,
        )
    )


@dataclass
class Transfers:
    """The ESP-complete agents to transfer (R-I1a: flagged once late), longest waiting first,
    and the open red flags (R-N4b), oldest first."""

    transfers: Preview
    flags: Preview


def transfers(base: Basis) -> Transfers:
    section = base.transfer_section()
    lines = [
        {
            **a,
            "not_transferred": not_transferred(section["key"], a["age_business_days"], base.policy),
        }
        for a in section["agents"]
    ]
    return Transfers(
        preview(lines, own_page("transfers", base.as_of), base.first, key=_oldest_first),
        preview(
            _open_flags(base),
            own_page("flags", base.as_of),
            base.first,
            key=lambda f: f["since"],
        ),
    )


def _open_flags(base: Basis) -> list[dict]:
    flags = []
    for progress in base.flying:
        for flag in open_flags(
            [f for f in progress.record.facts if f.kind in ("flag", "exam")],
            exam_attempts=base.program.exam_attempts,
        ):
            flags.append(
                {
                    "employee_id": progress.record.employee_id,
                    "name": progress.record.name,
                    "flag": flag.value,
                    "since": flag.date,
                }
            )
    return flags


@dataclass
class Proctored:
    """R-N4a: agents one fail away from the last attempt of an exam: licensing arranges a
    proctored attempt."""

    proctored: Preview


def proctored(base: Basis) -> Proctored:
    found = []
    for progress in base.flying:
        for last in last_attempts_to_arrange(
            progress.facts("exam"), base.as_of, base.program.exam_attempts
        ):
            found.append(
                {
                    "employee_id": progress.record.employee_id,
                    "name": progress.record.name,
                    "exam": last.exam,
                    "fails": last.fails,
                }
            )
    return Proctored(preview(found, own_page("proctored", base.as_of), base.first))
