"""Issue 16 item 9 (R-S2): the invitations land at the right hour in any calendar. The .ics is
read back by parsers that did not write it — vobject (with dateutil's rules),
recurring-ical-events and, where node and ical.js are installed (`.ci/run` installs ical.js in
`.cache/icaljs`), Mozilla's ical.js — for a November class, a June class (daylight time) and a
class across the March change. Each class day starts at 8:00 AM Chicago time, and the last day
is there."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject

from esp.classrooms.ics import InviteData, invitation_ics, vtimezone
from esp.rules.calendar import BusinessCalendar, us_federal_holidays

CHICAGO = ZoneInfo("America/Chicago")
CALENDAR = BusinessCalendar.build(
    holidays=us_federal_holidays(range(2025, 2028)),
    closures=frozenset(),
    openings=frozenset(),
    first_year=2025,
    last_year=2027,
)


def class_days(first: date, last: date) -> tuple[date, ...]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(day for day in days if CALENDAR.is_business_day(day))


def invite(days: tuple[date, ...]) -> bytes:
    return invitation_ics(
        InviteData(
            uid="room-1@esp.example",
            sequence=0,
            summary="Onboarding AET-A",
            link="https://meet.example/abc",
            description="Your class room",
            days=days,
            start=time(8, 0),
            end=time(16, 30),
            time_zone="America/Chicago",
            organizer="esp@esp.example",
            attendees=("ann@cxp.example",),
            stamp=datetime(2026, 1, 5, 12, tzinfo=UTC),
        )
    )


CLASSES = {
    "november": class_days(date(2026, 11, 2), date(2026, 11, 13)),  # Veterans Day skipped
    "june": class_days(date(2026, 6, 8), date(2026, 6, 19)),  # Juneteenth skipped
    "across March": class_days(date(2026, 3, 2), date(2026, 3, 13)),  # DST on 03/08
}


def starts_at_eight(days) -> list[datetime]:
    return [datetime.combine(day, time(8), tzinfo=CHICAGO).astimezone(UTC) for day in days]


@pytest.mark.parametrize("name", CLASSES)
def test_vobject_reads_every_class_day_at_eight_chicago_time(name):
    days = CLASSES[name]
    event = vobject.readOne(invite(days).decode()).vevent
    occurrences = sorted(moment.astimezone(UTC) for moment in event.getrruleset())
    assert occurrences == starts_at_eight(days)


@pytest.mark.parametrize("name", CLASSES)
def test_recurring_ical_events_reads_every_class_day_at_eight_chicago_time(name):
    days = CLASSES[name]
    calendar = icalendar.Calendar.from_ical(invite(days))
    events = recurring_ical_events.of(calendar).between(days[0], days[-1] + timedelta(days=1))
    starts = sorted(event["DTSTART"].dt.astimezone(UTC) for event in events)
    ends = sorted(event["DTEND"].dt.astimezone(UTC) for event in events)
    assert starts == starts_at_eight(days)
    assert ends == [start + timedelta(hours=8, minutes=30) for start in starts]


def test_the_time_zone_is_written_as_yearly_rules_not_a_list_of_dates():
    text = vtimezone("America/Chicago", 2026).to_ical().decode()
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in text  # daylight time from March
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in text  # standard time from November
    berlin = vtimezone("Europe/Berlin", 2026).to_ical().decode()
    assert "BYDAY=-1SU;BYMONTH=3" in berlin and "BYDAY=-1SU;BYMONTH=10" in berlin
    phoenix = vtimezone("America/Phoenix", 2026).to_ical().decode()
    assert "RRULE" not in phoenix and "TZOFFSETTO:-0700" in phoenix


ICALJS = Path(os.environ.get("ESP_ICALJS_DIR", Path(__file__).parents[2] / ".cache/icaljs"))
ICALJS_MODULES = ICALJS / "node_modules"


@pytest.mark.skipif(
    not (shutil.which("node") and (ICALJS_MODULES / "ical.js").is_dir()),
    reason="node and ical.js (npm install --prefix .cache/icaljs ical.js@2) not installed",
)
@pytest.mark.parametrize("name", CLASSES)
def test_ical_js_reads_every_class_day_at_eight_chicago_time(name):
    days = CLASSES[name]
    script = Path(__file__).with_name("icaljs_occurrences.mjs")
    done = subprocess.run(
        ["node", str(script)],
        input=invite(days),
        capture_output=True,
        env={**os.environ, "ESP_ICALJS_DIR": str(ICALJS_MODULES)},
        timeout=60,
        check=True,
    )
    pairs = [line.split() for line in done.stdout.decode().splitlines()]
    starts = [datetime.fromisoformat(start) for start, _ in pairs]
    ends = [datetime.fromisoformat(end) for _, end in pairs]
    assert starts == starts_at_eight(days)
    assert ends == [start + timedelta(hours=8, minutes=30) for start in starts]
