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

from icalendar import Calendar, Event, vCalAddress, vText

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
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
