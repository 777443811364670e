"""The one place that reads the clock (SPEC R-T2; STYLE §2). Everything else takes `as_of`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def now(time_zone: str = "America/Chicago") -> datetime:
    return datetime.now(ZoneInfo(time_zone))


def today(time_zone: str = "America/Chicago") -> date:
    """Today in the program's time zone."""
    return now(time_zone).date()
