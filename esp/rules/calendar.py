"""Business days (SPEC §4, R-T1 to R-T6) and phase start dates (SPEC §3).

Pure: no Django, no clock. A :class:`BusinessCalendar` is built from the dates that are
closed (holidays as observed plus a program's closure dates, less its re-opened dates) and
answers every business-day question in O(log n) through an ordinal index over a span of years.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ONE_DAY = timedelta(days=1)


class CalendarError(ValueError):
    """A date outside the span a calendar was built for, or an impossible request."""


def us_federal_holidays(years: Iterable[int]) -> set[date]:
    """US federal holidays as observed (R-T1 default), from the `holidays` package."""
    import holidays  # pure data package; imported lazily so the rules import fast

    return set(holidays.country_holidays("US", years=list(years), observed=True).keys())


@dataclass(frozen=True)
class BusinessCalendar:
    """Monday–Friday minus closed dates, over [first_year, last_year]."""

    closed: frozenset[date]
    first_year: int
    last_year: int

    @classmethod
    def build(
        cls,
        *,
        holidays: Iterable[date] = (),
        closures: Iterable[date] = (),
        openings: Iterable[date] = (),
        first_year: int = 2015,
        last_year: int = 2040,
    ) -> BusinessCalendar:
        closed = (set(holidays) | set(closures)) - set(openings)
        return cls(frozenset(closed), first_year, last_year)

    @classmethod
    def us(
        cls,
        *,
        closures: Iterable[date] = (),
        openings: Iterable[date] = (),
        first_year: int = 2015,
        last_year: int = 2040,
    ) -> BusinessCalendar:
        years = range(first_year, last_year + 1)
        return cls.build(
            holidays=us_federal_holidays(years),
            closures=closures,
            openings=openings,
            first_year=first_year,
            last_year=last_year,
        )

    # -- the ordinal index ------------------------------------------------------------------

    @property
    def _days(self) -> list[date]:
        cached = self.__dict__.get("_days_cache")
        if cached is None:
            day = date(self.first_year, 1, 1)
            end = date(self.last_year, 12, 31)
            cached = []
            while day <= end:
                if day.weekday() < 5 and day not in self.closed:
                    cached.append(day)
                day += ONE_DAY
            object.__setattr__(self, "_days_cache", cached)
        return cached

    def _check(self, day: date) -> None:
        if not (self.first_year <= day.year <= self.last_year):
            raise CalendarError(
                f"{day.isoformat()} is outside the calendar's years "
                f"{self.first_year}–{self.last_year}"
            )

    def ordinal(self, day: date) -> int:
        """Number of business days strictly before `day` (from the span's start).

        The difference of two ordinals is the number of business days in [a, b).
        """
        self._check(day)
        return bisect.bisect_left(self._days, day)

    # -- the questions the rules ask -----------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """R-T1."""
        return day.weekday() < 5 and day not in self.closed

    def on_or_after(self, day: date) -> date:
        """The business day `day` is, or the next one."""
        index = self.ordinal(day)
        try:
            return self._days[index]
        except IndexError:
            raise CalendarError(
                f"no business day after {day.isoformat()} in the calendar"
            ) from None

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        return self.on_or_after(day + ONE_DAY)

    def previous_business_day(self, day: date) -> date:
        """The last business day strictly before `day`."""
        index = self.ordinal(day) - 1
        if index < 0:
            raise CalendarError(f"no business day before {day.isoformat()} in the calendar")
        return self._days[index]

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in [start, end); negative when end is before start."""
        return self.ordinal(end) - self.ordinal(start)

    def age(self, start: date, as_of: date) -> int:
        """R-T4: business days in [start, as_of); 0 on the first day, never negative.

        On a weekend or holiday `as_of`, the age equals that of the next business day
        (no business day lies between them, so the count is the same).
        """
        return max(0, self.business_days_between(start, as_of))

    def day_with_age(self, start: date, age: int) -> date:
        """The first business day whose age (from `start`) is `age` (R-T6: day N = age N-1)."""
        if age < 0:
            raise CalendarError("an age cannot be negative")
        index = self.ordinal(start) + age
        try:
            return self._days[index]
        except IndexError:
            raise CalendarError(
                f"{age} business days after {start.isoformat()} is out of range"
            ) from None

    def business_days_before(self, day: date, count: int) -> date:
        """The `count`-th business day before `day` (count >= 1), e.g. Monday - 1 = Friday."""
        if count < 1:
            raise CalendarError("count must be at least 1")
        index = self.ordinal(day) - count
        if index < 0:
            raise CalendarError(f"{count} business days before {day.isoformat()} is out of range")
        return self._days[index]

    def add_business_days(self, day: date, count: int) -> date:
        """The `count`-th business day after `day` (count >= 1), e.g. Friday + 1 = Monday."""
        if count < 1:
            raise CalendarError("count must be at least 1")
        index = self.ordinal(day + ONE_DAY) + count - 1
        try:
            return self._days[index]
        except IndexError:
            raise CalendarError(
                f"{count} business days after {day.isoformat()} is out of range"
            ) from None


# -- phase start dates (SPEC §3) -------------------------------------------------------------


@dataclass(frozen=True)
class PhaseLength:
    key: str
    length: Decimal | float | int | None  # None: open-ended (production)


def phase_starts(
    calendar: BusinessCalendar,
    class_start: date,
    phases: Sequence[PhaseLength],
    given: Mapping[str, date] | None = None,
) -> dict[str, date]:
    """Each phase's start: given, or the business day after the previous one ends.

    A phase of length L occupies ceil(L) business days (licensing 3.5 -> 4), so it starts
    ceil(L_prev) business days after the previous phase's start. The first phase starts on
    the class's start date. Derivation stops after an open-ended phase.
    """
    given = dict(given or {})
    starts: dict[str, date] = {}
    previous: PhaseLength | None = None
    for index, phase in enumerate(phases):
        if phase.key in given:
            start = given[phase.key]
        elif index == 0:
            start = class_start
        elif previous is None or previous.length is None:
            break
        else:
            start = calendar.add_business_days(
                starts[previous.key], max(1, math.ceil(previous.length))
            )
        starts[phase.key] = start
        previous = phase
    return starts
