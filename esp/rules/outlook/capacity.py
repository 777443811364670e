"""Certifier capacity (issue 18 item 4, seed 004): for each of the next business days, the
agents expected to need a certifier (their first call), the certifiers needed to connect each
of them within the day and finish inside the 4-hour clock, and the certifiers available.
Pure: a simulation of the day's queue with the learned durations."""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..calendar import BusinessCalendar
from .fallback import Work, fallback_forecast
from .forecast import AgentOutlook
from .learn import (
    FIRST_AGE,
    LEVELS,
    NEVER,
    Durations,
    ahead,
    clipped,
    first_level,
    percentile,
)
from .state import FIRST_CALL, State

DRAWS = 200  # Monte Carlo draws of who comes ready on which day
NEEDED_QUANTILE = 0.9  # enough certifiers on 9 days out of 10
MIN_SESSIONS = 10  # fewer finished connections than this: every session takes the clock


@dataclass(frozen=True)
class Certifiers:
    """What is recorded of the certifiers: available people per day (CertifierAvailability),
    their hours, the team's size, and the hours of the finished connections (R-C2)."""

    available: dict[date, int] = field(default_factory=dict)
    hours: dict[date, float] = field(default_factory=dict)
    team: int | None = None
    sessions: tuple[float, ...] = ()
    clock_hours: float = 4.0
    workday_hours: float = 8.0

    def available_on(self, day: date) -> int | None:
        return self.available.get(day, self.team)

    def session_hours(self) -> tuple[float, ...]:
        if len(self.sessions) >= MIN_SESSIONS:
            return tuple(sorted(self.sessions))
        return (self.clock_hours,)


@dataclass(frozen=True)
class CertifierDay:
    day: date
    agents_ready_expected: float
    certifiers_needed: int
    certifiers_available: int | None


def certifiers_needed(durations: Sequence[float], *, day_hours: float, clock_hours: float) -> int:
    """The fewest certifiers who connect every agent of the day, in waiting order, each to the
    certifier free first, early enough to finish inside the clock before the day ends."""
    sessions = [min(hours, clock_hours) for hours in durations]
    if not sessions:
        return 0
    for count in range(1, len(sessions) + 1):
        free = [0.0] * count
        fits = True
        for hours in sessions:
            start = heapq.heappop(free)
            if start + hours > day_hours + 1e-9:
                fits = False
                break
            heapq.heappush(free, start + hours)
        if fits:
            return count
    return len(sessions)


def _first_call_days(
    agent: AgentOutlook, durations: Durations, calendar: BusinessCalendar, first: int
) -> tuple[list[int], list[int]]:
    """The ordinals of the agent's possible first-call days with their cumulative weights
    (waiting already: the first day ahead; never: -1)."""
    forecast = durations.offsets(
        FIRST_CALL, clipped(agent.age), agent.state, first_level(agent.age)
    )
    if forecast is None:
        work = agent.work or Work.fresh(1)
        forecast = fallback_forecast(FIRST_CALL, agent.age, work)
    start = calendar.ordinal(agent.esp_start)
    days = [
        -1 if o == NEVER else max(int(ahead(o, agent.age)) + start, first) for o in forecast.values
    ]
    return days, list(forecast.cumulative)


PLANNED = State(0, 0, False, False, False, False, False, False, 0)


def _planned_days(
    esp_start: date, durations: Durations, calendar: BusinessCalendar, first: int
) -> tuple[list[int], list[int]]:
    """An agent of a class without a roster yet: the history's first calls by ESP age."""
    coarsest = len(LEVELS) - 1
    forecast = durations.offsets(FIRST_CALL, FIRST_AGE, PLANNED, coarsest)
    if forecast is None:
        forecast = fallback_forecast(FIRST_CALL, 0, Work.fresh(1))
    start = calendar.ordinal(esp_start)
    days = [-1 if o == NEVER else max(int(o) + start, first) for o in forecast.values]
    return days, list(forecast.cumulative)


@dataclass(frozen=True)
class CertifierWeek:
    monday: date
    agents_ready_expected: float
    certifiers_needed: int  # on the week's busiest day
    certifiers_available: int | None  # on the week's leanest day


def weekly(days: list[CertifierDay]) -> list[CertifierWeek]:
    """The coming days by week (Monday to Friday)."""
    weeks: dict[date, list[CertifierDay]] = {}
    for day in days:
        monday = date.fromordinal(day.day.toordinal() - day.day.weekday())
        weeks.setdefault(monday, []).append(day)
    found = []
    for monday, group in sorted(weeks.items()):
        available = [d.certifiers_available for d in group if d.certifiers_available is not None]
        found.append(
            CertifierWeek(
                monday,
                sum(d.agents_ready_expected for d in group),
                max(d.certifiers_needed for d in group),
                min(available) if available else None,
            )
        )
    return found


def capacity(
    agents: list[AgentOutlook],
    durations: Durations,
    certifiers: Certifiers,
    *,
    as_of: date,
    days: int = 10,
    planned: Sequence[tuple[date, int]] = (),
) -> list[CertifierDay]:
    """The next `days` business days after `as_of`; `planned` adds the classes without a
    roster yet: (ESP start, expected size) each."""
    calendar = durations.calendar
    ahead = [calendar.add_business_days(as_of, n) for n in range(1, days + 1)]
    first = calendar.ordinal(ahead[0])
    waiting = [a for a in agents if a.through is not None and a.state.calls == 0]
    options = [_first_call_days(a, durations, calendar, first) for a in waiting]
    for esp_start, size in planned:
        options += [_planned_days(esp_start, durations, calendar, first)] * size
    expected = [0.0] * days
    for ordinals, cumulative in options:
        total = cumulative[-1]
        for ordinal, before, upto in zip(ordinals, [0, *cumulative], cumulative, strict=False):
            if 0 <= ordinal - first < days:
                expected[ordinal - first] += (upto - before) / total
    sessions = certifiers.session_hours()
    rng = random.Random(as_of.isoformat())
    needed: list[list[int]] = [[] for _ in range(days)]
    for _ in range(DRAWS if options else 1):
        counts = [0] * days
        for ordinals, cumulative in options:
            index = rng.choices(ordinals, cum_weights=cumulative)[0] - first
            if 0 <= index < days:
                counts[index] += 1
        for index, count in enumerate(counts):
            day_hours = certifiers.hours.get(ahead[index], certifiers.workday_hours)
            hours = [rng.choice(sessions) for _ in range(count)]
            needed[index].append(
                certifiers_needed(hours, day_hours=day_hours, clock_hours=certifiers.clock_hours)
            )
    return [
        CertifierDay(
            day,
            expected[index],
            int(percentile(sorted(needed[index]), NEEDED_QUANTILE) or 0),
            certifiers.available_on(day),
        )
        for index, day in enumerate(ahead)
    ]
