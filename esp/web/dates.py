"""The day a page is about: picked in its as-of (or date) field, else today."""

from __future__ import annotations

from datetime import date

from esp import clock
from esp.imports import parse_date
from esp.programs.calendars import in_calendar

DEFAULT_TIME_ZONE = "America/Chicago"


def picked_day(request, program=None, field: str = "as_of") -> date:
    """The date in `field` (query string, then form) when it parses and lies within the
    business calendar's years; otherwise today in the program's time zone."""
    text = request.GET.get(field) or request.POST.get(field)
    if text:
        try:
            day = parse_date(text)
        except ValueError:
            day = None
        if day is not None and in_calendar(day):
            return day
    return clock.today(program.time_zone if program else DEFAULT_TIME_ZONE)
