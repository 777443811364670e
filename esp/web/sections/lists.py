"""The Today lists of agents: late tasks and due actions, who has not self-reported, the
TL's evening checklist, transfers and red flags, proctored last attempts."""

from __future__ import annotations

from dataclasses import dataclass

from esp.progress.services import open_flags
from esp.reports.render import SECTION_TITLES
from esp.rules.checklist import evening_checklist
from esp.rules.exams import last_attempts_to_arrange
from esp.rules.upkeep import not_transferred

from .. import selectors
from .basis import Basis


@dataclass
class Work:
    """Every staff role: the late tasks (R-I1), the due corrective actions, proofs waiting."""

    section_titles: dict[str, str]
    incompletions: dict
    late_count: int
    actions: list[dict]
    overdue: list[dict]
    proofs_waiting: int


def work(base: Basis) -> Work:
    return Work(
        section_titles=SECTION_TITLES,
        incompletions=base.incompletions,
        late_count=sum(len(s["agents"]) for s in base.late_sections()),
        actions=base.actions,
        overdue=[a for a in base.actions if a["status"] == "overdue"],
        proofs_waiting=selectors.proofs_waiting(base.user),
    )


@dataclass
class NotReported:
    """The agents without a self-report on the day, by class then name."""

    not_reported: list[dict]


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
    return NotReported(sorted(rows, key=lambda a: (a["class_code"], a["name"])))


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
    """The ESP-complete agents to transfer (R-I1a: flagged once late) and the open red flags
    (R-N4b)."""

    transfers: list[dict]
    flags: list[dict]


def transfers(base: Basis) -> Transfers:
    section = base.transfer_section()
    lines = [
        {
            **a,
            "not_transferred": not_transferred(section["key"], a["age_business_days"], base.policy),
        }
        for a in section["agents"]
    ]
    return Transfers(lines, _open_flags(base))


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

    proctored: list[dict]


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
    return Proctored(found)
