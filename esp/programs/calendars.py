"""The business calendar of a program: its holiday country plus its closure dates (R-T1)."""

from __future__ import annotations

from functools import lru_cache

from esp.lib.dates import FIRST_YEAR, LAST_YEAR
from esp.lib.request_memo import once
from esp.rules.calendar import BusinessCalendar, us_federal_holidays

from .models import Program
from .selectors import program_closure_days


@lru_cache(maxsize=32)
def _calendar(country: str, closures: frozenset, openings: frozenset) -> BusinessCalendar:
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    if country == "US":
        holidays = us_federal_holidays(years)
    else:
        import holidays as holidays_package

        holidays = set(holidays_package.country_holidays(country, years=list(years)).keys())
    return BusinessCalendar.build(
        holidays=holidays,
        closures=closures,
        openings=openings,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


def calendar_for(program: Program) -> BusinessCalendar:
    """The program's calendar (its closures read once per page: esp.lib.request_memo)."""
    closures, openings = once(("closures", program.pk), lambda: program_closure_days(program))
    return _calendar(program.holiday_country, closures, openings)
