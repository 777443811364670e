"""What a CAP document says about why it is owed (R-N6, R-L5). Pure.

For a delivered step of a ladder: the day it fell due, the facts that made it owed (one line
each, as they print on the document), and when the next step would be owed. Each kind of
ladder has its own facts:

- a timeframe ladder (R-L2, R-L3): the phase start, the timeframe in business days, the
  business days passed and the tasks not done;
- the attendance ladder (R-A4, R-A5): the occurrences in the rolling window with their
  dates and points, the rolling total and the level reached;
- the exams ladder (R-N4a): the failed attempts with their dates.

`deliveries` are the ladder steps delivered *before* the one being documented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .calendar import BusinessCalendar
from .records import Fact, TimeframeLadder


@dataclass(frozen=True)
class CapFacts:
    due_on: date | None  # the day the step fell due (None: not owed by the rules)
    lines: tuple[str, ...]  # the facts behind it, one per line
    next_when: str  # when the next step would be owed, in words ("" when unknown)


def us(day: date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else "n/a"


def points_text(points: Decimal) -> str:
    """4 → "4", 0.50 → "0.5" (never "4.00" or "4E+0")."""
    return format(points.normalize(), "f")


def _plural(count: Decimal | int, word: str) -> str:
    return f"{points_text(Decimal(count))} {word}{'' if count == 1 else 's'}"


def earlier_steps(
    deliveries: Sequence[Fact], ladder: str, as_of: date, step_names: Mapping[str, str]
) -> list[str]:
    """The steps of this ladder delivered on or before D, as lines."""
    return [
        f"{step_names.get(f.item, f.item)} delivered on {us(f.date)}"
        for f in sorted(deliveries)
        if f.kind == "action" and f.value == ladder and f.date <= as_of
    ]


# -- timeframe ladders (R-L2, R-L3) -------------------------------------------------------------


def timeframe_due_dates(
    calendar: BusinessCalendar,
    ladder: TimeframeLadder,
    phase_start: date,
    deliveries: Sequence[Fact],
    as_of: date,
) -> dict[str, date]:
    """The day each step of the ladder falls due, given the deliveries on or before D.

    The first step falls due on the first day whose age is the timeframe; each next one on
    the later of the business day after the previous was delivered and the business day after
    it fell due (a step not delivered yet counts from its due date only).
    """
    due_on = calendar.day_with_age(calendar.on_or_after(phase_start), ladder.timeframe_days)
    dates: dict[str, date] = {}
    for step in ladder.steps:
        dates[step] = due_on
        delivered = [
            f.date
            for f in deliveries
            if f.kind == "action" and f.value == ladder.key and f.item == step and f.date <= as_of
        ]
        following = calendar.next_business_day(due_on)
        if delivered:
            following = max(following, calendar.next_business_day(min(delivered)))
        due_on = following
    return dates


def timeframe_facts(
    calendar: BusinessCalendar,
    ladder: TimeframeLadder,
    *,
    phase_name: str,
    phase_start: date | None,
    deliveries: Sequence[Fact],
    day: date,
    step: str,
    not_done: Sequence[str],
    step_names: Mapping[str, str],
) -> CapFacts:
    """The missed timeframe: phase start, timeframe, business days passed, tasks not done."""
    if phase_start is None:
        return CapFacts(None, (f"The {phase_name} phase has no start date.",), "")
    dates = timeframe_due_dates(calendar, ladder, phase_start, deliveries, day)
    due_on = dates.get(step)
    passed = calendar.age(phase_start, day)
    lines = [
        f"{phase_name} phase started on {us(phase_start)}.",
        f"Timeframe: {_plural(ladder.timeframe_days, 'business day')} from the phase start. "
        f"Business days since the phase start as of {us(day)}: {passed}.",
        "Tasks not done: " + (", ".join(not_done) if not_done else "none") + ".",
        *earlier_steps(deliveries, ladder.key, day, step_names),
    ]
    next_when = ""
    if due_on is not None:
        next_due = max(calendar.next_business_day(day), calendar.next_business_day(due_on))
        next_when = f"if the tasks are still not done on {us(next_due)}"
    return CapFacts(due_on, tuple(lines), next_when)


# -- the attendance ladder (R-A4, R-A5) ---------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A step of the attendance ladder: owed from `points` points or `ncns` NCNS."""

    step: str
    points: Decimal
    ncns: int | None = None

    def describe(self, window_days: int) -> str:
        text = f"at {points_text(self.points)} points"
        if self.ncns:
            text += f" or {self.ncns} NCNS"
        return f"{text} within {window_days} days"


@dataclass(frozen=True)
class AttendancePolicy:
    points: Mapping[str, Decimal]  # occurrence kind → points
    labels: Mapping[str, str]  # occurrence kind → label
    window_days: int = 90
    minimum_minutes: int = 10  # a tardy or early leave under this is no occurrence
    levels: tuple[Level, ...] = ()
    ncns_kind: str = "ncns"
    timed_kinds: tuple[str, ...] = ("tardy", "left_early")

    def is_occurrence(self, fact: Fact) -> bool:
        if fact.kind != "attendance":
            return False
        if fact.item in self.timed_kinds and fact.value.isdigit():
            return int(fact.value) >= self.minimum_minutes
        return True


def occurrences_in_window(
    facts: Sequence[Fact], policy: AttendancePolicy, as_of: date
) -> list[Fact]:
    """R-A4: the occurrences dated after D − window and on or before D."""
    start = as_of - timedelta(days=policy.window_days)
    return sorted(f for f in facts if policy.is_occurrence(f) and start < f.date <= as_of)


def _totals(facts: Sequence[Fact], policy: AttendancePolicy, as_of: date) -> tuple[Decimal, int]:
    found = occurrences_in_window(facts, policy, as_of)
    points = sum((policy.points.get(f.item, Decimal(0)) for f in found), Decimal(0))
    return points, sum(1 for f in found if f.item == policy.ncns_kind)


def _meets(level: Level, totals: tuple[Decimal, int]) -> bool:
    points, ncns = totals
    return points >= level.points or (level.ncns is not None and ncns >= level.ncns)


def attendance_facts(
    calendar: BusinessCalendar,
    policy: AttendancePolicy,
    *,
    facts: Sequence[Fact],
    deliveries: Sequence[Fact],
    ladder: str,
    day: date,
    step: str,
    step_names: Mapping[str, str],
) -> CapFacts:
    """The occurrences with dates and points, the rolling total; the step falls due on the
    business day after the latest day its level was reached anew (R-A5 crossing date)."""
    found = occurrences_in_window(facts, policy, day)
    lines = []
    for fact in found:
        label = policy.labels.get(fact.item, fact.item)
        minutes = f" ({fact.value} minutes)" if fact.value else ""
        points = policy.points.get(fact.item, Decimal(0))
        lines.append(f"{us(fact.date)}: {label}{minutes}, {_plural(points, 'point')}")
    if not lines:
        lines.append(f"No occurrence within the {policy.window_days}-day window.")
    points, ncns = _totals(facts, policy, day)
    lines.append(
        f"Rolling total as of {us(day)} ({policy.window_days} days): "
        f"{_plural(points, 'point')}, {ncns} NCNS."
    )
    levels = list(policy.levels)
    level = next((lv for lv in levels if lv.step == step), None)
    due_on = None
    if level is not None:
        lines.append(f"{step_names.get(step, step)} is owed {level.describe(policy.window_days)}.")
        for occurrence_day in sorted({f.date for f in found}, reverse=True):
            before = occurrence_day - timedelta(days=1)
            if _meets(level, _totals(facts, policy, occurrence_day)) and not _meets(
                level, _totals(facts, policy, before)
            ):
                due_on = calendar.next_business_day(occurrence_day)
                break
    lines.extend(earlier_steps(deliveries, ladder, day, step_names))
    next_when = ""
    if level is not None and levels.index(level) + 1 < len(levels):
        next_when = levels[levels.index(level) + 1].describe(policy.window_days)
    return CapFacts(due_on, tuple(lines), next_when)


# -- the exams ladder (R-N4a) -------------------------------------------------------------------


def exam_name(item: str) -> str:
    if item.startswith("tbt:"):
        return f"TBT {item[4:]} final exam"
    return {"ahip": "AHIP final exam", "carrier_cert": "carrier certification exam"}.get(item, item)


def exam_facts(
    calendar: BusinessCalendar,
    *,
    exam_facts: Sequence[Fact],
    deliveries: Sequence[Fact],
    ladder: str,
    steps: Sequence[str],
    attempts: int,
    day: date,
    step: str,
    step_names: Mapping[str, str],
) -> CapFacts:
    """The failed attempts behind the step: the k-th fail of an exam makes step k due on the
    next business day. The exams it covers are those whose k-th fail is not yet answered by
    a delivery of the step dated from that fail on (all with a k-th fail when none is)."""
    fails: dict[str, list[date]] = {}
    for fact in sorted(exam_facts):
        if fact.kind == "exam" and fact.value == "failed" and fact.date <= day:
            fails.setdefault(fact.item, []).append(fact.date)
    k = list(steps).index(step) + 1 if step in steps else None
    reached = {e: d[k - 1] for e, d in fails.items() if k is not None and len(d) >= k}
    owed = {
        e: failed_on
        for e, failed_on in reached.items()
        if not any(
            f.value == ladder and f.item == step and failed_on <= f.date <= day for f in deliveries
        )
    }
    covered = owed or reached or fails
    due_on = None
    if owed or reached:
        due_on = min(calendar.next_business_day(d) for d in (owed or reached).values())
    lines = []
    for exam in sorted(covered):
        for attempt, failed_on in enumerate(fails[exam], start=1):
            lines.append(
                f"{us(failed_on)}: {exam_name(exam)} failed (attempt {attempt} of {attempts})."
            )
    if not lines:
        lines.append(f"No failed exam attempt on or before {us(day)}.")
    lines.extend(earlier_steps(deliveries, ladder, day, step_names))
    next_when = "on a further failed attempt" if k is not None and k < len(steps) else ""
    return CapFacts(due_on, tuple(lines), next_when)
