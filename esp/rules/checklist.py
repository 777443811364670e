"""The TL's evening checklist (R-N5). Pure: records, the day and the policy in, a checklist out.

Every agent of the TL's classes has had their statuses (AHIP/Aetna, TBT, Call Cert,
equipment, RTS) touched or confirmed on the day; every due corrective action is delivered;
every agent has self-reported; the tickets were submitted through the five forms (seed 001:
"TL's must ensure all Tickets have been submitted before logging off each evening using the
five forms"). Classes not started yet owe nothing (issue 15 item 12). The same rule feeds the
Today page, the team-upkeep page (R-N7) and the checklist e-mail (R-N2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .progress import AgentProgress
from .records import AgentRecord
from .reports import Context, action_lines

#: The kinds of fact that count as "statuses touched or confirmed" (R-N5).
STATUS_KINDS = ("task", "tbt", "call", "equipment")
SELF_REPORT = "self_report"


@dataclass(frozen=True)
class DayMarks:
    """Who did what on the day: the employee ids with a status touched, with a
    self-report, and those whose TL confirmed their statuses unchanged."""

    touched: frozenset[str] = frozenset()
    reported: frozenset[str] = frozenset()
    confirmed: frozenset[str] = frozenset()

    def updated(self, employee_id: str) -> bool:
        """R-N5: statuses touched or confirmed on the day."""
        return employee_id in self.touched or employee_id in self.confirmed


def day_marks(records: Iterable[AgentRecord], day: date) -> DayMarks:
    """The marks of the day read from the records' own facts (which must hold the status
    kinds and `self_report`)."""
    touched, reported = set(), set()
    for record in records:
        for fact in record.facts:
            if fact.date != day:
                continue
            if fact.kind in STATUS_KINDS:
                touched.add(record.employee_id)
            elif fact.kind == SELF_REPORT:
                reported.add(record.employee_id)
    return DayMarks(frozenset(touched), frozenset(reported))


def delivered_on(record: AgentRecord, day: date) -> int:
    """How many corrective-action steps were delivered to the agent on the day."""
    return sum(1 for fact in record.facts if fact.date == day and fact.kind == "action")


@dataclass
class Checklist:
    """One TL's (or one page's) evening checklist: lines of employee_id, name, class_code;
    the due lines also carry the action line's ladder, step, due_on and status."""

    agents: int = 0
    not_touched: list[dict] = field(default_factory=list)
    not_reported: list[dict] = field(default_factory=list)
    due: list[dict] = field(default_factory=list)
    tickets_confirmed: bool | None = None  # None: not asked (a page about agents only)

    @property
    def all_done(self) -> bool:
        tickets_open = self.tickets_confirmed is False
        return not (self.not_touched or self.not_reported or self.due or tickets_open)


def class_started(progress: AgentProgress, as_of: date) -> bool:
    """Whether the agent's class (as of D) has begun: its first phase started on or before D."""
    starts = progress.class_dates(as_of).phase_starts.values()
    return bool(starts) and min(starts) <= as_of


def evening_checklist(
    progresses: Iterable[AgentProgress],
    ctx: Context,
    marks: DayMarks,
    *,
    tickets_confirmed: bool | None = None,
) -> Checklist:
    """R-N5 over the given agents, in the order given; agents no longer active on the day
    (R-P3), and those of classes not started yet, owe nothing and are left out.
    `tickets_confirmed`: whether the TL confirmed the day's tickets submitted (None: not a
    question of this checklist)."""
    checklist = Checklist(tickets_confirmed=tickets_confirmed)
    for progress in progresses:
        if not progress.is_active(ctx.as_of) or not class_started(progress, ctx.as_of):
            continue
        record = progress.record
        line = {
            "employee_id": record.employee_id,
            "name": record.name,
            "class_code": progress.class_dates(ctx.as_of).code,
        }
        checklist.agents += 1
        if not marks.updated(record.employee_id):
            checklist.not_touched.append(line)
        if record.employee_id not in marks.reported:
            checklist.not_reported.append(line)
        checklist.due.extend({**line, **action} for action in action_lines(progress, ctx))
    return checklist
