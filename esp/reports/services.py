"""The reports app's writes: the outlook of the day kept per program (issue 18; esp.reports.
models.OutlookDay), so that pages read it instead of recomputing a season (issue 14)."""

from __future__ import annotations

import hashlib
import pickle
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from esp.lib import clock
from esp.lib.kept import Kept
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.rules.outlook import Outlook, OutlookSnapshot, build_outlook, snapshot
from esp.rules.outlook.capacity import Certifiers, capacity, weekly

from .models import OutlookDay
from .selectors import (
    outlook_day,
    outlook_day_built,
    outlook_inputs,
    outlook_snapshot,
    outlook_stamp,
)

#: A kept outlook older than this is built again by the worker once the facts changed.
REFRESH = timedelta(minutes=30)
DAYS_AHEAD, WEEKS_AHEAD = 10, 8  # the certifiers per business day, and per week
CACHE_SIZE = 8  # as-of days kept (a page and the command line mostly ask for today)
_cache: Kept = Kept(CACHE_SIZE)  # by (program, as-of day, facts stamp)


def outlook_for(program: Program, as_of: date) -> Outlook:
    """The whole program's outlook as of D, with the next ten business days' certifiers."""
    key = (program.pk, as_of, outlook_stamp(program))
    kept = _cache.get(key)
    if kept is not None:
        return kept
    inputs = outlook_inputs(program, as_of)
    calendar = calendar_for(program)
    outlook = build_outlook(
        inputs["records"], policy=program.policy(), calendar=calendar, as_of=as_of
    )
    certifiers = Certifiers(
        available=inputs["available"],
        hours=inputs["hours"],
        team=inputs["team"],
        sessions=inputs["sessions"],
        clock_hours=inputs["clock_hours"],
    )
    days = capacity(
        outlook.agents,
        outlook.durations,
        certifiers,
        as_of=as_of,
        days=WEEKS_AHEAD * 5,
        planned=inputs["planned"],
    )
    outlook.certifiers, outlook.weeks = days[:DAYS_AHEAD], weekly(days)[:WEEKS_AHEAD]
    _cache[key] = outlook
    return outlook


#: Changed whenever the outlook's rules change what a kept snapshot holds (2: the fallback
#: counts open work, the reason in words): the worker then builds the day's again.
RULES_VERSION = 2


def _stamp(program: Program) -> str:
    stamp = (RULES_VERSION, outlook_stamp(program))
    return hashlib.sha256(repr(stamp).encode()).hexdigest()


def outlook_day_build(*, program: Program, as_of: date, now: datetime) -> OutlookSnapshot:
    """Build the program's outlook as of D and keep what the pages show of it."""
    stamp = _stamp(program)
    kept = snapshot(outlook_for(program, as_of), program.policy())
    fields = {"built_at": now, "stamp": stamp, "snapshot": pickle.dumps(kept)}
    try:
        with transaction.atomic():
            day, _ = OutlookDay.objects.update_or_create(
                program=program, as_of=as_of, defaults=fields
            )
        _keep_unpickled((day.pk, day.built_at, day.stamp), kept)
    except IntegrityError:  # another process kept the same day first: theirs is as good
        pass
    return kept


def pages_outlook(program: Program, as_of: date, *, build: bool = True) -> OutlookSnapshot | None:
    """The program's outlook as of D as the pages show it: the kept one (built by the worker
    after midnight and whenever the facts changed, at most every REFRESH), else built now
    (None instead when not `build`)."""
    built = outlook_day_built(program, as_of)
    if built is not None:
        return _unpickled(built)
    return outlook_day_build(program=program, as_of=as_of, now=clock.now()) if build else None


_snapshots: Kept = Kept(CACHE_SIZE)  # by (OutlookDay id, built at, stamp)


def _unpickled(kept: tuple) -> OutlookSnapshot:
    """The kept snapshot `kept` (its id, when built and its stamp) as unpickled once per
    process (issue 14: every agent page read the 396 KB snapshot of a 20,000-agent season
    and unpickled it, 3 ms and a large row on each; a rebuild changes when and the stamp)."""
    found = _snapshots.get(kept)
    if found is not None:
        return found
    data = outlook_snapshot(kept[0])
    return _keep_unpickled(kept, pickle.loads(data))  # noqa: S301 - written by outlook_day_build


def _keep_unpickled(kept: tuple, outlook: OutlookSnapshot) -> OutlookSnapshot:
    _snapshots[kept] = outlook
    return outlook


def build_outlooks(*, now: datetime) -> int:
    """A worker round's chore: each program's outlook of its today, built when missing, and
    again when what it reads changed and the kept one is older than REFRESH. Returns how
    many were built."""
    built = 0
    for program in Program.objects.order_by("pk"):
        today = now.astimezone(ZoneInfo(program.time_zone)).date()
        kept = outlook_day(program, today)
        if kept is not None and (now - kept.built_at < REFRESH or kept.stamp == _stamp(program)):
            continue
        outlook_day_build(program=program, as_of=today, now=now)
        built += 1
    return built
