"""Attendance (SPEC §7, R-A1 to R-A6) as pure functions: no Django, no clock.

API (everything takes plain values and returns plain values):

- ``Schedule(start, end, first_break_minutes=15, second_break_minutes=15, lunch_minutes=30)``:
  a class day's schedule (R-A1); ``working_minutes(schedule)`` and ``half_shift(schedule)``.
- ``classify(joins, start, end, *, minimum=10, absent=240, mia=30) -> [(kind, minutes | None)]``:
  one agent's meeting joins on one class day -> the occurrences they make (R-A2, R-A3);
  ``gaps(joins, start, end)``: the minutes of each gap between a leave and the next join.
- ``recording_refused(day, today, meets) -> str | None``: why attendance cannot be recorded
  on a day (a future day, a day the class does not meet), or None.
- ``Occurrence(date, kind, minutes)``; ``occurrences_from_facts(facts)`` reads them from the
  ``attendance`` facts of an agent record.
- ``counts(occurrence, minimum)``: False for a tardy / early leave under the minimum (R-A2).
- ``in_window(occurrences, as_of, *, window_days, minimum=10)``: the occurrences that count as
  of D, dated after D - window and on or before D, by date then kind (R-A4).
- ``points(occurrences, as_of, *, window_days, points_table, minimum=10) -> Decimal`` (R-A4).
- ``level(occurrences, as_of, *, window_days, points_table, levels, minimum=10) -> int``:
  0 for none, else the 1-based index in ``levels`` of the highest level met (R-A5).
- ``attendance_step(occurrences, deliveries, as_of, calendar, levels, window_days,
  points_table, ladder="attendance", minimum=10) -> DueStep | None`` (R-A5).
- ``occurrence_label`` / ``day_label``: the tracker labels (R-A2, R-A6).

Kinds are the keys of SPEC §15: tardy, left_early, absent, absent_approved, ncns, mia.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from .calendar import BusinessCalendar
from .ladders import DUE, OVERDUE, DueStep
from .records import AttendanceLevel, Fact

TARDY = "tardy"
LEFT_EARLY = "left_early"
ABSENT = "absent"
ABSENT_APPROVED = "absent_approved"
NCNS = "ncns"
MIA = "mia"
KINDS = (TARDY, LEFT_EARLY, ABSENT, ABSENT_APPROVED, NCNS, MIA)
TIMED = (TARDY, LEFT_EARLY)  # kinds that carry the minutes late / early
FULL_DAY = "Full day of work"
MINIMUM_MINUTES = 10  # under this a tardy or early leave is recorded but is no occurrence
HOUR = 60
ABSENT_MINUTES = 240  # late + gaps + early this many minutes: absent
MIA_MINUTES = 30  # a gap this long between a leave and the next join: MIA

TIMED_LABELS = {
    TARDY: ("Tardy – Under 1 Hr", "Tardy – Over 1 Hr, Up to Half of Shift"),
    LEFT_EARLY: ("Left Early – Under 1 Hr", "Left Early – Over 1 Hr, Up to Half of Shift"),
}


# -- R-A1: the class-day schedule ---------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """A class day's schedule: start and end time, two breaks and a lunch (R-A1)."""

    start: time
    end: time
    first_break_minutes: int = 15
    second_break_minutes: int = 15
    lunch_minutes: int = 30


def _minutes_of(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def working_minutes(schedule: Schedule) -> int:
    """R-A1: the scheduled minutes from start to end less both breaks and lunch (never < 0)."""
    span = _minutes_of(schedule.end) - _minutes_of(schedule.start)
    pauses = schedule.first_break_minutes + schedule.second_break_minutes + schedule.lunch_minutes
    return max(0, span - pauses)


def half_shift(schedule: Schedule) -> float:
    """R-A1: a shift's "half" is half its scheduled working minutes (8:00–16:30: 225)."""
    return working_minutes(schedule) / 2


# -- R-A2, R-A3: classifying a day's joins ------------------------------------------------------


def _whole_minutes(delta: timedelta) -> int:
    """Whole minutes, rounded down (9 min 59 s late is 9 minutes); never negative."""
    return max(0, int(delta.total_seconds() // 60))


def _merged(joins: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The joins as the spans the agent was in the meeting: overlapping or touching joins
    (two devices, a rejoin before the drop is noticed) merged, in time order."""
    spans: list[tuple[datetime, datetime]] = []
    for join, leave in sorted(joins):
        if spans and join <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], leave))
        else:
            spans.append((join, leave))
    return spans


Span = tuple[datetime, datetime]


def _unaccounted(gap_from: datetime, gap_to: datetime, pauses: Sequence[Span]) -> timedelta:
    """The part of a gap outside the scheduled breaks and lunch (`pauses`, not overlapping)."""
    away = max(gap_to - gap_from, timedelta(0))
    for pause_from, pause_to in pauses:
        away -= max(min(gap_to, pause_to) - max(gap_from, pause_from), timedelta(0))
    return away


def gaps(
    joins: Sequence[Span], start: datetime, end: datetime, pauses: Sequence[Span] = ()
) -> list[int]:
    """R-A3: the whole minutes of each gap between a leave and the next join, the part of it
    within class time (from `start` to `end`) and outside the scheduled breaks and lunch
    (`pauses`: time accounted for, R-A2), in time order; empty gaps left out."""
    spans = _merged(joins)
    found = []
    for (_, left), (rejoined, _) in zip(spans, spans[1:], strict=False):
        minutes = _whole_minutes(_unaccounted(max(left, start), min(rejoined, end), pauses))
        if minutes:
            found.append(minutes)
    return found


def unseen_minutes(
    join: Span, present: int, start: datetime, end: datetime, pauses: Sequence[Span] = ()
) -> int:
    """R-A3 for a report with one row per person and the time in the call (Google Meet's
    Duration): the whole minutes of the row's span the agent must have been away during class
    time outside the breaks and lunch — the time missing from the span, less every minute of
    it that could have fallen before the start, after the end or in a pause (the least it can
    be: nobody is marked away for time a break could explain)."""
    joined, left = join
    missing = _whole_minutes(left - joined) - present
    could_be_elsewhere = _whole_minutes(left - joined) - _whole_minutes(
        _unaccounted(max(joined, start), min(left, end), pauses)
    )
    return max(0, missing - could_be_elsewhere)


def classify(
    joins: Sequence[tuple[datetime, datetime]],
    start: datetime,
    end: datetime,
    *,
    minimum: int = MINIMUM_MINUTES,
    absent: int = ABSENT_MINUTES,
    mia: int = MIA_MINUTES,
    pauses: Sequence[Span] = (),
    unseen: Sequence[int] = (),
) -> list[tuple[str, int | None]]:
    """The occurrences one agent's joins make on a class day from `start` to `end` (R-A3).

    `joins` are (join, leave) pairs, several per person (a rejoin after a drop), in any
    order. Minutes are whole minutes rounded down: late (first join after the start), early
    (last leave before the end) and each gap between a leave and the next join, within class
    time and outside the scheduled breaks and lunch (`pauses`); `unseen` adds the time away
    inside a join that the report's time in the call shows (`unseen_minutes`), as gaps.

    - no join at all: ``[("absent", None)]``; joins all before the start or after the end:
      ``[("absent", minutes of the day)]``;
    - late + gaps + early `absent` (240) minutes or more (either end alone included):
      ``[("absent", late + gaps + early)]`` — one absence, not half-points (R-A2, R-A3);
    - otherwise ``("tardy", late)`` when late >= `minimum`, ``("left_early", early)`` when
      early >= `minimum` (under the minimum nothing: R-A2), then ``("mia", minutes)`` when a
      gap is `mia` (30) minutes or more, with the minutes of those gaps added up (one MIA
      a day).
    """
    if not joins:
        return [(ABSENT, None)]
    first = min(join for join, _ in joins)
    last = max(leave for _, leave in joins)
    if first >= end or last <= start:  # never there during class time
        return [(ABSENT, _whole_minutes(end - start))]
    late = _whole_minutes(first - start)
    early = _whole_minutes(end - last)
    away = gaps(joins, start, end, pauses) + [minutes for minutes in unseen if minutes]
    missed = late + sum(away) + early
    if missed >= absent:
        return [(ABSENT, missed)]
    found: list[tuple[str, int | None]] = []
    if late >= minimum:
        found.append((TARDY, late))
    if early >= minimum:
        found.append((LEFT_EARLY, early))
    unaccounted = sum(minutes for minutes in away if minutes >= mia)
    if unaccounted:
        found.append((MIA, unaccounted))
    return found


def recording_refused(day: date, today: date, no_class: str = "") -> str | None:
    """Why attendance cannot be recorded for `day`, naming it, or None (issue 15 item 11):
    a day after `today` has not happened yet; `no_class` says why the class does not meet
    on `day` ("" when it does)."""
    named = f"{day:%A} {day:%m/%d/%Y}"
    if day > today:
        return (
            f"{named} has not come yet (today is {today:%m/%d/%Y}): attendance is recorded "
            "on or after the class day. Nothing was recorded."
        )
    if no_class:
        return f"No class on {named}: {no_class}. Nothing was recorded."
    return None


# -- R-A4: occurrences and points ---------------------------------------------------------------


class Occurrence(NamedTuple):
    date: date
    kind: str
    minutes: int | None = None


def occurrences_from_facts(facts: Iterable[Fact]) -> list[Occurrence]:
    """The occurrences of an agent's ``attendance`` facts (item = kind, value = minutes)."""
    return [
        Occurrence(f.date, f.item, int(f.value) if f.value.isdigit() else None)
        for f in facts
        if f.kind == "attendance"
    ]


def counts(occurrence: Occurrence, minimum: int = MINIMUM_MINUTES) -> bool:
    """R-A2: a tardy or early leave under the minimum is recorded but is no occurrence."""
    kind, minutes = occurrence[1], occurrence[2]
    return not (kind in TIMED and minutes is not None and minutes < minimum)


def in_window(
    occurrences: Iterable[Occurrence],
    as_of: date,
    *,
    window_days: int,
    minimum: int = MINIMUM_MINUTES,
) -> list[Occurrence]:
    """R-A4: the occurrences dated after D - window and on or before D, by date then kind."""
    after = as_of - timedelta(days=window_days)
    found = [Occurrence(*o) for o in occurrences if after < o[0] <= as_of and counts(o, minimum)]
    return sorted(found, key=lambda o: (o.date, o.kind, -1 if o.minutes is None else o.minutes))


def _points(kind: str, points_table: Mapping[str, Decimal | float | int]) -> Decimal:
    return Decimal(str(points_table.get(kind, 0)))


def occurrence_points(kind: str, points_table: Mapping[str, Decimal | float | int]) -> Decimal:
    """R-A4: the points of one occurrence of `kind` (the report shows each one's own)."""
    return _points(kind, points_table)


def points(
    occurrences: Iterable[Occurrence],
    as_of: date,
    *,
    window_days: int,
    points_table: Mapping[str, Decimal | float | int],
    minimum: int = MINIMUM_MINUTES,
) -> Decimal:
    """R-A4: the rolling-window total as of D (absent_approved counts its 0 points)."""
    window = in_window(occurrences, as_of, window_days=window_days, minimum=minimum)
    return sum((_points(o.kind, points_table) for o in window), Decimal(0))


# -- R-A5: levels and the attendance ladder ----------------------------------------------------


def level(
    occurrences: Iterable[Occurrence],
    as_of: date,
    *,
    window_days: int,
    points_table: Mapping[str, Decimal | float | int],
    levels: Sequence[AttendanceLevel],
    minimum: int = MINIMUM_MINUTES,
) -> int:
    """R-A5: 0 when no level is met as of D, else the 1-based index of the highest level met
    by the points or by the NCNS count within the rolling window."""
    window = in_window(occurrences, as_of, window_days=window_days, minimum=minimum)
    total = sum((_points(o.kind, points_table) for o in window), Decimal(0))
    ncns = sum(1 for o in window if o.kind == NCNS)
    met = 0
    for index, rule in enumerate(levels, start=1):
        if total >= Decimal(str(rule.points)) or (rule.ncns is not None and ncns >= rule.ncns):
            met = index
    return met


def attendance_step(
    occurrences: Sequence[Occurrence],
    deliveries: Sequence[Fact],
    as_of: date,
    calendar: BusinessCalendar,
    levels: Sequence[AttendanceLevel],
    window_days: int,
    points_table: Mapping[str, Decimal | float | int],
    ladder: str = "attendance",
    minimum: int = MINIMUM_MINUTES,
) -> DueStep | None:
    """R-A5: the step of the attendance ladder that shows as of D, if any.

    With L = level(D), the crossing date X is the latest day X <= D with level(X) >= L and
    level(X - 1 day) < L (an occurrence day: only an occurrence raises the level). Nothing
    shows when a step of level L or higher was delivered (an ``action`` fact on `ladder`)
    on a day in [X, D]; otherwise L's step falls due on the next business day after X:
    **due** on that day, **overdue** after it, nothing before.
    """
    occurrences = [Occurrence(*o) for o in occurrences if o[0] <= as_of]

    def level_on(day: date) -> int:
        return level(
            occurrences,
            day,
            window_days=window_days,
            points_table=points_table,
            levels=levels,
            minimum=minimum,
        )

    target = level_on(as_of)
    if target == 0:
        return None
    crossing = None
    for day in sorted({o.date for o in occurrences}, reverse=True):
        if level_on(day) >= target and level_on(day - timedelta(days=1)) < target:
            crossing = day
            break
    if crossing is None:  # cannot happen: level(D) >= 1 needs an occurrence in the window
        return None
    owed = {rule.step for rule in levels[target - 1 :]}
    if any(
        f.value == ladder and f.item in owed and crossing <= f.date <= as_of for f in deliveries
    ):
        return None
    due_on = calendar.next_business_day(crossing)
    if due_on > as_of:
        return None
    step = levels[target - 1].step
    return DueStep(ladder, step, due_on, DUE if due_on == as_of else OVERDUE)


# -- R-A2, R-A6: tracker labels -------------------------------------------------------------------


def occurrence_label(
    kind: str,
    minutes: int | None,
    labels: Mapping[str, str],
    *,
    minimum: int = MINIMUM_MINUTES,
    hour: int = HOUR,
) -> str | None:
    """The tracker label of one occurrence, or None when it is no occurrence (R-A2)."""
    if kind in TIMED_LABELS:
        if minutes is not None and minutes < minimum:
            return None
        under, over = TIMED_LABELS[kind]
        return over if minutes is not None and minutes >= hour else under
    return labels.get(kind, kind)


def day_label(
    occurrences: Sequence[tuple[str, int | None]],
    labels: Mapping[str, str],
    *,
    minimum: int = MINIMUM_MINUTES,
    hour: int = HOUR,
) -> str:
    """R-A6: one label per agent and class day; "Full day of work" when nothing happened."""
    found = [
        label
        for kind, minutes in occurrences
        if (label := occurrence_label(kind, minutes, labels, minimum=minimum, hour=hour))
        is not None
    ]
    return "; ".join(found) if found else FULL_DAY
