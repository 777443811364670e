"""The day a page or a write is about, read from its form."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from esp.lib import clock
from esp.lib.csvio import parse_date

DEFAULT_TIME_ZONE = "America/Chicago"
# The years every business calendar covers (esp.programs.calendars builds its calendars over
# them): a date outside them is refused as input.
FIRST_YEAR, LAST_YEAR = 2015, 2045


def in_calendar(day: date) -> bool:
    """Whether a date lies within the years every calendar covers (input checks)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def _day_in_calendar(text: str) -> date | None:
    try:
        day = parse_date(text)
    except ValueError:
        return None
    return day if in_calendar(day) else None


def picked_day(request, program=None, field: str = "as_of") -> date:
    """A page's day: the date in `field` (query string, then form) when it parses and lies
    within the business calendar's years; otherwise today in the program's time zone."""
    text = request.GET.get(field) or request.POST.get(field)
    day = _day_in_calendar(text) if text else None
    return day or clock.today(program.time_zone if program else DEFAULT_TIME_ZONE)


def required_day(text: str | None, what: str) -> date:
    """A write's day: never today by default. A missing, malformed or out-of-calendar date is
    refused with a message naming `what`."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"{what}: enter a date as MM/DD/YYYY (none given).")
    try:
        day = parse_date(text)
    except ValueError:
        raise ValidationError(
            f"{what}: enter a date as MM/DD/YYYY ('{text[:40]}' is not a date)."
        ) from None
    if not in_calendar(day):
        raise ValidationError(f"{what}: {day:%m/%d/%Y} is outside the business calendar.")
    return day
