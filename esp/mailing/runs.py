"""`esp send-reports` and `esp worker`: plan what is due, deliver what is pending.

One round is `send_round(now)`: plan every schedule's due business days into the outbox,
mark stale sends uncertain, deliver due messages. The worker repeats rounds; tests call a
round directly with the time they choose.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils.module_loading import import_string

from esp.lib import clock
from esp.lib.display import day_and_time

from .models import OutboxMessage
from .selectors import first_program_time_zone
from .services.outbox import deliver_due
from .services.schedules import plan_due

log = logging.getLogger(__name__)


@dataclass
class RoundSummary:
    planned: int = 0
    late: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    counts: dict = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [f"planned {self.planned} message(s)"]
        if self.late:
            parts.append(f"{self.late} of them late")
        parts.append(f"sent {self.sent}")
        if self.retrying:
            parts.append(f"{self.retrying} to retry")
        if self.failed:
            parts.append(f"{self.failed} failed after the last try")
        return ", ".join(parts)


def send_round(*, now: datetime, plan_until: datetime | None = None) -> RoundSummary:
    planned = plan_due(now=plan_until or now)
    counts = deliver_due(now=now)
    return RoundSummary(
        planned=len(planned),
        late=sum(1 for m in planned if m.late),
        sent=counts.get(OutboxMessage.SENT, 0),
        retrying=counts.get(OutboxMessage.PENDING, 0),
        failed=counts.get(OutboxMessage.FAILED, 0),
        counts=counts,
    )


def end_of_day(day: date, time_zone: str) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), ZoneInfo(time_zone)) - (
        timedelta(seconds=1)
    )


def send_reports(*, now: datetime, as_of: date | None = None) -> RoundSummary:
    """Plan the reports due up to `as_of` (end of that day; default: now), then deliver."""
    plan_until = None
    if as_of is not None:
        plan_until = min(now, end_of_day(as_of, first_program_time_zone()))
    return send_round(now=now, plan_until=plan_until)


@cache
def chores() -> tuple[Callable, ...]:
    """What the other apps ask of every worker round besides the mail, declared in their
    AppConfig as dotted paths to callables taking `now` (`worker_chores`), so that mailing
    imports no app above it: e.g. the day's read model built after midnight (issue 14)."""
    return tuple(
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "worker_chores", ())
    )


def run_chores(*, now: datetime) -> None:
    for chore in chores():
        try:
            chore(now=now)
        except Exception:  # a chore's failure must not end the worker, nor stop the mail
            log.exception("The worker's chore %s failed", chore.__qualname__)


def run_worker(*, interval: float = 30.0, once: bool = False) -> None:
    """Rounds until SIGTERM/SIGINT; a round in progress is finished first."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"ESP Tracker worker: a round every {interval:g} s (Ctrl-C to stop)", flush=True)
    while not stopping:
        started = clock.now()
        try:
            summary = send_round(now=started)
        except Exception:  # a database hiccup must not end the worker
            log.exception("The worker's round of %s failed", day_and_time(started, seconds=True))
        else:
            if summary.planned or summary.counts:
                print(f"{day_and_time(started, seconds=True)} {summary}", flush=True)
            run_chores(now=started)  # after a round that reached the database
        if once:
            break
        slept = 0.0
        while slept < interval and not stopping:
            time.sleep(min(1.0, interval - slept))
            slept += 1.0
