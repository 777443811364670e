"""Virtual classrooms (SPEC §10, R-S1–R-S3): the days a room serves, when its invites and
link are due, how long a link lives, which links a phase needs, and the ESP invite ladder.

Pure: dates and datetimes in, plain values out. The planner (esp.classrooms) reads the
database and the clock and asks these questions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from esp.lib.display import day_and_time

from .calendar import BusinessCalendar
from .progress import AgentProgress
from .records import COMPLETION_CALLS, COMPLETION_COURSES, Policy

DEFAULT_LINK_LIFETIME_DAYS = 7  # R-S1: a GoTo Training link lives one week
ONE_DAY = timedelta(days=1)


def us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def phase_days(
    calendar: BusinessCalendar, start: date, length: Decimal | float | int, extra: int = 0
) -> list[date]:
    """The business days a phase occupies from `start`: ceil(length) (3.5 -> 4), plus `extra`
    extension days (R-S3)."""
    count = max(1, math.ceil(length)) + extra
    first = calendar.on_or_after(start)
    return [first] + [calendar.add_business_days(first, n) for n in range(1, count)]


def served_days(calendar: BusinessCalendar, first: date, last: date) -> list[date]:
    """The business days from `first` to `last`, both included."""
    days, day = [], first
    while day <= last:
        if calendar.is_business_day(day):
            days.append(day)
        day += ONE_DAY
    return days


def invite_deadline(calendar: BusinessCalendar, first_day: date, lead_days: int) -> date:
    """R-S1 / §3: invites go out at least `lead_days` business days before the first day."""
    return calendar.business_days_before(calendar.on_or_after(first_day), lead_days)


def link_deadline(starts_at: datetime, hours_ahead: int) -> datetime:
    """§3 (licensing): the link is sent at least `hours_ahead` hours before the room opens."""
    return starts_at - timedelta(hours=hours_ahead)


def link_last_day(valid_from: date, lifetime_days: int) -> date:
    """The last day a link made for `valid_from` still works (7 days: Monday to Sunday)."""
    return valid_from + timedelta(days=lifetime_days - 1)


def link_segments(days: Sequence[date], lifetime_days: int) -> list[tuple[date, date]]:
    """The links a run of class days needs (R-S1): each link starts on the first day it
    serves and covers the days before it expires; a 10-day phase needs 2."""
    segments: list[tuple[date, date]] = []
    for day in sorted(days):
        if segments and day <= link_last_day(segments[-1][0], lifetime_days):
            segments[-1] = (segments[-1][0], day)
        else:
            segments.append((day, day))
    return segments


@dataclass(frozen=True)
class Warning:
    kind: str  # invite_late, invite_due, link_late, link_due, link_expires, no_link
    text: str
    severity: str = "warning"  # warning: act now; info: a date to keep


@dataclass(frozen=True)
class RoomFacts:
    """What the planner knows of one room, as plain values."""

    days: tuple[date, ...]  # the class days the room serves
    link: str
    valid_from: date | None  # the day the link's week starts (its first day by default)
    lifetime_days: int
    lead_days: int | None  # invites ahead of the first day, in business days
    hours_ahead: int | None  # the link sent ahead of the opening, in hours
    opens_at: datetime | None  # the first day's start, aware
    invites_sent_at: datetime | None  # aware
    invites_sent_on: date | None  # the same moment as a local date
    link_sent_at: datetime | None = None  # aware: when an invitation first carried the link


def _invite_warnings(room: RoomFacts, calendar: BusinessCalendar, as_of: date) -> list[Warning]:
    """R-S1: invites not sent by their deadline (late, or a date to keep), or sent late."""
    first = room.days[0]
    deadline = invite_deadline(calendar, first, room.lead_days)
    lead = f"{room.lead_days} business days before {us(first)}"
    if room.invites_sent_on is None:
        if as_of > deadline:
            return [
                Warning(
                    "invite_late",
                    f"Invites are late: they were due by {us(deadline)} ({lead}).",
                )
            ]
        return [Warning("invite_due", f"Send the invites by {us(deadline)} ({lead}).", "info")]
    if room.invites_sent_on > deadline:
        return [
            Warning(
                "invite_late",
                f"Invites went out {us(room.invites_sent_on)}, after {us(deadline)} ({lead}).",
            )
        ]
    return []


def _link_sent_warnings(
    room: RoomFacts, calendar: BusinessCalendar, now: datetime
) -> list[Warning]:
    """§3 (licensing): the link sent less than `hours_ahead` hours before the room opens, or
    the moment to send it by (on the business day before when that is not one)."""
    deadline_at = link_deadline(room.opens_at, room.hours_ahead)
    ahead = f"{room.hours_ahead} hours before it opens"
    if room.link_sent_at is None and now > deadline_at:
        return [Warning("link_late", f"The link has not been sent and it is less than {ahead}.")]
    if room.link_sent_at is not None and room.link_sent_at > deadline_at:
        return [Warning("link_late", f"The link was sent less than {ahead}.")]
    if room.link_sent_at is not None:
        return []
    local = deadline_at.date()
    return [
        Warning(
            "link_due",
            f"Send the link by {day_and_time(deadline_at)} ({ahead})"
            + (
                f"; that is not a business day, so by {us(_business_on_or_before(calendar, local))}."
                if not calendar.is_business_day(local)
                else "."
            ),
            "info",
        )
    ]


def _link_life_warnings(room: RoomFacts) -> list[Warning]:
    """R-S1: no link yet, or a link used after its lifetime ends."""
    if not room.link:
        return [Warning("no_link", "No link yet.")]
    last = link_last_day(room.valid_from or room.days[0], room.lifetime_days)
    late_days = [d for d in room.days if d > last]
    if not late_days:
        return []
    return [
        Warning(
            "link_expires",
            f"The link expires after {us(last)} but the room is used until "
            f"{us(late_days[-1])}: make a new link from {us(late_days[0])}.",
        )
    ]


def room_warnings(
    room: RoomFacts, calendar: BusinessCalendar, as_of: date, now: datetime
) -> list[Warning]:
    """R-S1: late or due invites, a link sent too late, a link used after it expires."""
    if not room.days:
        return []
    found: list[Warning] = []
    if room.lead_days:
        found += _invite_warnings(room, calendar, as_of)
    if room.hours_ahead and room.opens_at is not None:
        found += _link_sent_warnings(room, calendar, now)
    found += _link_life_warnings(room)
    return found


def _business_on_or_before(calendar: BusinessCalendar, day: date) -> date:
    return day if calendar.is_business_day(day) else calendar.previous_business_day(day)


def missing_links(
    needed: Iterable[tuple[date, date]], covered: Iterable[tuple[date, date]]
) -> list[tuple[date, date]]:
    """The needed link segments no room covers whole (R-S1: "the extra links a phase needs")."""
    covered = list(covered)
    return [
        (first, last)
        for first, last in needed
        if not any(c_first <= first and last <= c_last for c_first, c_last in covered)
    ]


# -- R-S3: the ESP invite ladder ------------------------------------------------------------------

EXTEND, MOVE = "extend", "move"


@dataclass(frozen=True)
class InviteStep:
    action: str  # extend | move
    day: date | None = None  # the day to add (extend)


def esp_invite_step(
    invited_days: Sequence[date],
    extensions_used: int,
    max_extensions: int,
    as_of: date,
    calendar: BusinessCalendar,
) -> InviteStep | None:
    """R-S3: on (or after) the last invited day, an agent not done gets one more day, up to
    `max_extensions`; after that they move to another ESP classroom. None: nothing yet."""
    if not invited_days:
        return None
    last = max(invited_days)
    if as_of < last:
        return None
    if extensions_used < max_extensions:
        day = calendar.next_business_day(last)
        if day <= as_of:
            day = calendar.next_business_day(as_of)
        return InviteStep(EXTEND, day)
    return InviteStep(MOVE)


def esp_invite_tasks(policy: Policy) -> tuple[str, ...]:
    """R-S3, seed 003: the tasks the ESP invite is for, "Call Certs & TBTs": the tasks of the
    ESP phase's timeframe ladder (the default program's "ESP timeframe (Call Certs + TBTs)");
    a program without one: its tasks done by scored calls or by TBT courses."""
    for ladder in policy.ladders:
        if ladder.phase == policy.esp_phase and ladder.tasks:
            return ladder.tasks
    done_by = (COMPLETION_CALLS, COMPLETION_COURSES)
    return tuple(task.key for task in policy.tasks if task.completion in done_by)


def esp_invite_open(progress: AgentProgress, as_of: date) -> tuple[str, ...]:
    """R-S3: the agent's Call Cert and TBT tasks still open as of D. None open: the invite is
    not extended, whatever else is left (the RTS paperwork or the transfer alone does not
    count)."""
    return tuple(
        task for task in esp_invite_tasks(progress.policy) if not progress.is_done(task, as_of)
    )


def esp_invite_next(
    progress: AgentProgress,
    invited_days: Sequence[date],
    extensions_used: int,
    max_extensions: int,
    as_of: date,
    calendar: BusinessCalendar,
) -> InviteStep | None:
    """R-S3: the agent's next ESP invite step as of D (extend by a business day, or move)
    when Call Certs or TBTs are still open on or after the last invited day; None otherwise."""
    if not esp_invite_open(progress, as_of):
        return None
    return esp_invite_step(invited_days, extensions_used, max_extensions, as_of, calendar)


@dataclass(frozen=True)
class RoomDays:
    room_id: int
    class_code: str
    days: tuple[date, ...]


def move_targets(rooms: Iterable[RoomDays], as_of: date) -> list[RoomDays]:
    """R-S3: ESP classrooms an agent can join after `as_of`: those running (begun, with days
    left), then those starting next (the earliest first day). Each keeps only its days after
    `as_of`."""
    running, upcoming = [], []
    for room in rooms:
        ahead = tuple(d for d in room.days if d > as_of)
        if not ahead:
            continue
        trimmed = RoomDays(room.room_id, room.class_code, ahead)
        (running if room.days[0] <= as_of else upcoming).append(trimmed)
    running.sort(key=lambda r: (r.days[0], r.class_code, r.room_id))
    upcoming.sort(key=lambda r: (r.days[0], r.class_code, r.room_id))
    return running + [r for r in upcoming if r.days[0] == upcoming[0].days[0]]


def proposed_days(
    calendar: BusinessCalendar, as_of: date, length: Decimal | float | int
) -> list[date]:
    """R-S3: a new ESP classroom from the next business day, for the phase's length."""
    return phase_days(calendar, calendar.next_business_day(as_of), length)
