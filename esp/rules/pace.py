"""Licensing pace (R-I1b): pure functions over dates, a calendar and the program's pace table.

The pace table is a list of minimums, each due by a point in the phase measured in business
days elapsed since the phase started: 1 is the end of day 1, 2 the end of day 2, 3.5 the
middle of day 4 (its first half). Day N of the phase is the business day whose age is N−1
(R-T6).

**When a minimum counts.** The pace check of D is taken at midday of D: as of D, with
age a = R-T4 age of D in the phase, the minimums with ``due_by <= a + 0.5`` count. So the
list of day N holds what was due by the end of day N−1, plus what is due by the first half
of day N (the default carrier product modules on day 4). Day 1 never has anything due. On a
weekend or holiday D the age is that of the next business day (R-T4), so the list is the one
of that next day. A minimum is missing when it counts and is not done as of D (done on or
before D, R-T5). An agent is behind pace when at least one minimum is missing. Outside the
phase (before its start, or from the day after its last occupied business day: a phase of
length L occupies ceil(L) business days, §3) nobody is behind: the incompletion report (R-I1)
takes over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .calendar import BusinessCalendar, CalendarError

CHECKPOINT = Decimal("0.5")  # the pace check of a day is taken at its midday


@dataclass(frozen=True)
class PaceMinimum:
    """One row of the pace table: `key` is due by `due_by` business days into the phase."""

    key: str
    due_by: Decimal


@dataclass(frozen=True)
class PaceStatus:
    in_phase: bool
    day: int | None  # the day of the phase D falls in (1-based), None outside the phase
    due: tuple[str, ...]  # the keys of the minimums that count as of D, in table order
    missing: tuple[str, ...]  # those not done as of D, in table order

    @property
    def behind(self) -> bool:
        return bool(self.missing)


OUTSIDE = PaceStatus(in_phase=False, day=None, due=(), missing=())


def due_label(due_by: Decimal) -> str:
    """How a deadline reads: 'end of day 2', 'first half of day 4'."""
    whole = int(due_by)
    if due_by == whole:
        return f"end of day {whole}"
    return f"first half of day {whole + 1}"


def counts(due_by: Decimal, age: int) -> bool:
    """Whether a minimum due by `due_by` counts at the midday check of a day of age `age`."""
    return Decimal(due_by) <= age + CHECKPOINT


def pace_status(
    *,
    phase_start: date | None,
    phase_days: int | None,
    minimums: Sequence[PaceMinimum],
    done_on: Mapping[str, date],
    as_of: date,
    calendar: BusinessCalendar,
) -> PaceStatus:
    """R-I1b: the agent's day in the phase, the minimums due and the ones missing as of D.

    `phase_days` is the number of business days the phase occupies (ceil of its length);
    None for an open-ended phase. `done_on` maps a minimum's key to the day it was done.
    """
    if phase_start is None or phase_start > as_of:
        return OUTSIDE
    age = calendar.age(phase_start, as_of)
    if phase_days is not None and age >= phase_days:
        return OUTSIDE
    due = tuple(m.key for m in minimums if counts(m.due_by, age))
    missing = tuple(key for key in due if done_on.get(key) is None or done_on[key] > as_of)
    return PaceStatus(in_phase=True, day=age + 1, due=due, missing=missing)


def started_after(
    *, as_of: date, phase_days: int | None, calendar: BusinessCalendar
) -> date | None:
    """The day after which a phase occupying `phase_days` business days must have started to
    be under way on D: it is under way exactly when that day < its start <= D (the bound the
    database narrows the agents with). None: no bound (an open-ended phase, or a D too close
    to the start of the calendar's years)."""
    if phase_days is None:
        return None
    try:
        return calendar.business_days_before(as_of, phase_days)
    except CalendarError:
        return None


# -- one agent's pace, as the read model and the pages compute it (issue 14) -------------------

#: The kind of an agent's record fact that says a module was ticked done on the grid (its
#: date the day it was done; `item` the module's key). Not a row of the activity format: the
#: pace app adds it to the records it hands the rules (esp.pace.selectors.read_model_part).
MODULE = "module"


@dataclass(frozen=True)
class PaceModuleRule:
    """A row of the pace table as the rules read it (esp.pace.models.PaceModule)."""

    key: str
    name: str
    due_by: Decimal
    satisfied_by_task: str = ""
    task_only: bool = False


@dataclass(frozen=True)
class PaceTable:
    """The program's pace table: the phase it paces, the business days that phase occupies
    (None: open-ended) and its modules in table order. Part of the rules' context."""

    phase: str
    phase_days: int | None
    modules: tuple[PaceModuleRule, ...]


@dataclass(frozen=True)
class AgentPace:
    status: PaceStatus
    phase_start: date | None
    done_on: Mapping[str, date]  # module key -> the day it counts as done as of D
    by_task: frozenset[str]  # the modules done through their task (dated D)

    def missing_names(self, table: PaceTable) -> str:
        names = {m.key: m.name for m in table.modules}
        return "; ".join(names[key] for key in self.status.missing)


def agent_pace(progress, table: PaceTable, as_of: date, calendar: BusinessCalendar) -> AgentPace:
    """R-I1b for one agent (an `AgentProgress`) as of D. A module is done by a tick dated on
    or before D (never for a `task_only` module: only its task completes it, R-B2) or, dated
    D, once the task that satisfies it is done."""
    task_keys = set(progress.policy.task_keys)
    done_on: dict[str, date] = {}
    hand = {m.key for m in table.modules if not m.task_only}
    for fact in progress.facts(MODULE):
        if fact.item in hand and fact.date <= as_of:
            done_on[fact.item] = fact.date
    by_task = set()
    for module in table.modules:
        task = module.satisfied_by_task
        if task in task_keys and module.key not in done_on and progress.is_done(task, as_of):
            done_on[module.key] = as_of
            by_task.add(module.key)
    start = progress.phase_start(table.phase, as_of)
    status = pace_status(
        phase_start=start,
        phase_days=table.phase_days,
        minimums=[PaceMinimum(m.key, m.due_by) for m in table.modules],
        done_on=done_on,
        as_of=as_of,
        calendar=calendar,
    )
    return AgentPace(status, start, done_on, frozenset(by_task))
