"""The business calendar of a program: its holiday country plus its closure dates (R-T1)."""

from __future__ import annotations

from functools import lru_cache

from esp.lib.dates import FIRST_YEAR, LAST_YEAR
from esp.lib.kept import Kept
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


#: Calendars by (program pk, policy stamp), per process: closures are settings rows, so a
#: change to them gives the program a new stamp (Program.stamp_changed).
_CALENDARS = Kept()


def calendar_for(program: Program) -> BusinessCalendar:
    key = (program.pk, program.policy_stamp)
    found = _CALENDARS.get(key) if program.pk is not None else None
    if found is None:
        closures, openings = program_closure_days(program)
        found = _calendar(program.holiday_country, closures, openings)
        if program.pk is not None:
            _CALENDARS[key] = found
    return found
