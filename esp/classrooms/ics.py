"""Calendar invitations as RFC 5545 (.ics) through `icalendar` (R-S2).

One VEVENT per invitation in the program's time zone (with its VTIMEZONE): the first day's
start and end, repeated daily until the last day, every day in between that is not a class
day (weekends, holidays, closures) an EXDATE. Outlook does not take RDATE lists, so the days
are a rule with exceptions. An update or a cancellation keeps the UID and carries a higher
SEQUENCE; a cancellation is METHOD:CANCEL with STATUS:CANCELLED (RFC 5546).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

REQUEST, CANCEL = "REQUEST", "CANCEL"
CONTENT_TYPE = "text/calendar"  # with `; method=...`: Django adds the charset


@dataclass(frozen=True)
class InviteData:
    uid: str
    sequence: int
    summary: str
    link: str
    description: str
    days: tuple[date, ...]
    start: time
    end: time
    time_zone: str
    organizer: str
    attendees: tuple[str, ...]
    stamp: datetime  # aware


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def _transitions(zone: ZoneInfo, year: int) -> list[datetime]:
    """The zone's offset changes during `year`, as UTC instants (to the hour)."""
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    for _ in range(366):
        later = moment + timedelta(days=1)
        if later.astimezone(zone).utcoffset() != offset:
            hour = moment
            while hour.astimezone(zone).utcoffset() == offset:
                hour += timedelta(hours=1)
            found.append(hour)
            offset = hour.astimezone(zone).utcoffset()
        moment = later
    return found


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth `weekday` (0 = Monday) of the month; nth -1 is the last one."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def vtimezone(time_zone: str, year: int) -> Timezone:
    """The zone's VTIMEZONE as yearly rules (DAYLIGHT/STANDARD with RRULEs), as in `year`: the
    form every calendar client reads right (issue 16 item 9; icalendar's own writes RDATE lists,
    which some clients read as standard time all year). A zone without daylight time is one
    STANDARD part."""
    zone = ZoneInfo(time_zone)
    timezone = Timezone()
    timezone.add("tzid", time_zone)
    changes = _transitions(zone, year)
    if not changes:
        noon = datetime(year, 1, 1, 12, tzinfo=UTC).astimezone(zone)
        part = TimezoneStandard()
        part.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001  (local time, RFC 5545)
        part.add("tzoffsetfrom", noon.utcoffset())
        part.add("tzoffsetto", noon.utcoffset())
        part.add("tzname", noon.tzname())
        timezone.add_component(part)
        return timezone
    for change in changes:
        before = (change - timedelta(hours=1)).astimezone(zone)
        after = change.astimezone(zone)
        wall = change + before.utcoffset()  # the wall clock at the change, in the old offset
        day = wall.date()
        last_week = day + timedelta(days=7) > _nth_weekday(day.year, day.month, day.weekday(), -1)
        nth = -1 if last_week and (day.day - 1) // 7 + 1 >= 4 else (day.day - 1) // 7 + 1
        part = TimezoneDaylight() if after.dst() else TimezoneStandard()
        first = _nth_weekday(1970, day.month, day.weekday(), nth)
        part.add("dtstart", datetime.combine(first, wall.time()))
        byday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[day.weekday()]
        part.add("rrule", {"freq": "yearly", "bymonth": day.month, "byday": f"{nth}{byday}"})
        part.add("tzoffsetfrom", before.utcoffset())
        part.add("tzoffsetto", after.utcoffset())
        part.add("tzname", after.tzname())
        timezone.add_component(part)
    return timezone


def invitation_ics(data: InviteData, method: str = REQUEST) -> bytes:
    if not data.days:
        raise ValueError("an invitation needs at least one day")
    zone = ZoneInfo(data.time_zone)
    calendar = Calendar()
    calendar.add("prodid", "-//ESP Tracker//Virtual classrooms//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", data.uid)
    event.add("sequence", data.sequence)
    event.add("dtstamp", data.stamp.astimezone(UTC))
    days = sorted(set(data.days))
    first, last = days[0], days[-1]
    event.add("dtstart", _at(first, data.start, zone))
    event.add("dtend", _at(first, data.end, zone))
    if last > first:
        until = _at(last, data.start, zone).astimezone(UTC)  # UTC, as RFC 5545 asks
        event.add("rrule", {"freq": "daily", "until": until})
        listed = set(days)
        skipped = [
            first + timedelta(days=n)
            for n in range(1, (last - first).days)
            if first + timedelta(days=n) not in listed
        ]
        if skipped:
            event.add("exdate", [_at(day, data.start, zone) for day in skipped])
    event.add("summary", data.summary)
    if data.link:
        event.add("location", data.link)
        event.add("url", data.link)
    event.add("description", data.description)
    organizer = vCalAddress(f"mailto:{data.organizer}")
    organizer.params["cn"] = vText("ESP Tracker")
    event.add("organizer", organizer)
    for address in data.attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee, encode=0)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(vtimezone(data.time_zone, first.year))
    calendar.add_component(event)
    return calendar.to_ical()
