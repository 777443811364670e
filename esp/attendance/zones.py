"""The time zone a meeting report states (SPEC R-A3; issue 16 item 5), with no database.

A provider writes the meeting's start with its organizer's zone above the attendees (GoTo
Meeting: ``Meeting Date`` … ``"September 3, 2020 3:40 PM IST"``; Zoom: ``Start Time`` in the
meeting-info block). ``stated_start`` finds that start and its zone; the join and leave times
without a zone of their own are then read in that zone and converted to the program's. A
report that states no zone is read in the program's zone (the preview says so).

API::

    stated_start(lines) -> Stated | None
    zone_named(text) -> tzinfo | None
    zone_label(zone, at) -> str

Abbreviations are fixed offsets, the North American ones a US program's organizers write
(EST is UTC−05:00 whatever the date), plus UTC/GMT and IST (India, UTC+05:30: the zone of
GoTo's own example). An offset (``GMT-05:00``, ``UTC+5:30``, ``-0500``) or an IANA name
(``America/New_York``) is read as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5 * 60,
    "EDT": -4 * 60,
    "CST": -6 * 60,
    "CDT": -5 * 60,
    "MST": -7 * 60,
    "MDT": -6 * 60,
    "PST": -8 * 60,
    "PDT": -7 * 60,
    "AKST": -9 * 60,
    "AKDT": -8 * 60,
    "HST": -10 * 60,
    "IST": 5 * 60 + 30,
}
#: The zones a person may say a report is in (the upload form and `esp import meeting
#: --time-zone`, issue 16 item 5): a US program's organizers, and UTC.
REPORT_ZONES = (
    ("America/New_York", "Eastern (New York)"),
    ("America/Chicago", "Central (Chicago)"),
    ("America/Denver", "Mountain (Denver)"),
    ("America/Phoenix", "Arizona (Phoenix)"),
    ("America/Los_Angeles", "Pacific (Los Angeles)"),
    ("America/Anchorage", "Alaska (Anchorage)"),
    ("Pacific/Honolulu", "Hawaii (Honolulu)"),
    ("UTC", "UTC"),
)
START_LABELS = ("meeting date", "start time", "meeting start time", "start date/time")

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*(?P<sign>[+-−])\s*(?P<h>\d{1,2}):?(?P<m>\d{2})?$")
_WHEN = re.compile(
    r"^(?P<when>.*?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?)\s*(?P<zone>\S.*)?$"
)
_FORMATS = (
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)


@dataclass(frozen=True)
class Stated:
    """The meeting's start as the report states it: aware in `zone` when a zone is written,
    naive otherwise (then `zone` is None)."""

    start: datetime
    zone: tzinfo | None
    text: str
    line: int = 0
    column: str = ""


def zone_named(text: str) -> tzinfo | None:
    """The zone an abbreviation, an offset or an IANA name denotes; None when it is none."""
    text = " ".join(text.strip("() ").split())
    if not text:
        return None
    upper = text.upper()
    if upper in ABBREVIATIONS:
        return timezone(timedelta(minutes=ABBREVIATIONS[upper]), upper)
    offset = _OFFSET.match(re.split(r"[\s)]", upper)[0]) if upper[:1] in "UG+-−" else None
    if offset:
        minutes = int(offset["h"]) * 60 + int(offset["m"] or 0)
        sign = 1 if offset["sign"] == "+" else -1
        return timezone(timedelta(minutes=sign * minutes)) if minutes <= 14 * 60 else None
    if "/" in text:
        try:
            return ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def is_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone (`America/New_York`, `UTC`)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_label(zone: tzinfo, at: datetime) -> str:
    """E.g. "IST (UTC+05:30)", "UTC−05:00", "America/New_York (EST)"."""
    offset = zone.utcoffset(at.replace(tzinfo=None)) or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    utc = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if isinstance(zone, ZoneInfo):
        return f"{zone.key} ({utc})"
    name = zone.tzname(None)
    return f"{name} ({utc})" if name and not name.startswith("UTC") else utc


def _naive(when: str) -> datetime | None:
    when = " ".join(when.replace(".", "").split())
    for pattern in _FORMATS:
        try:
            return datetime.strptime(when, pattern)  # noqa: DTZ007 - the zone is read apart
        except ValueError:
            continue
    return None


def stated_moment(text: str) -> Stated | None:
    """A start as a report writes it: ``September 3, 2020 3:40 PM IST``, ``11/03/2026
    07:50:12 AM``, ISO 8601; with its zone when one follows."""
    text = " ".join(text.split())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return Stated(moment, moment.tzinfo, text)
    match = _WHEN.match(text)
    if match is None:
        return None
    moment = _naive(match["when"])
    if moment is None:
        return None
    zone = zone_named(match["zone"] or "")
    if match["zone"] and zone is None:
        return None
    return Stated(moment.replace(tzinfo=zone) if zone else moment, zone, text)


def stated_start(lines: Sequence[tuple[int, Sequence[str]]]) -> Stated | None:
    """The meeting's start in the report lines above the attendees (numbered rows): a row of
    labels with ``Meeting Date`` or ``Start Time``, its value in the same column of the next
    row."""
    for (_, labels), (line, values) in zip(lines, lines[1:]):
        for index, label in enumerate(labels):
            name = " ".join(label.split()).lower().rstrip(":")
            if name not in START_LABELS or index >= len(values):
                continue
            found = stated_moment(values[index])
            if found is not None:
                return replace(found, line=line, column=name)
    return None
