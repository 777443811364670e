"""Readiness for call certification and the certifier queue (R-C1, R-C2, R-Q1). Pure.

An agent is ready when the latest equipment status is `verified` and the day-1 (systems and
scripting) and role-play/shadowing tasks are done. The agent waits from the day the last of
those became true (in its current unbroken run). An open equipment issue (the latest status
is `issue`) keeps the agent off the queue whatever else is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .records import SATISFYING, Fact

EQUIPMENT_VERIFIED = "verified"
EQUIPMENT_ISSUE = "issue"
READINESS_TASKS = ("readiness_day1", "readiness_shadowing")


@dataclass(frozen=True)
class Readiness:
    ready: bool
    since: date | None  # the day the last condition became true (None unless ready)
    equipment: str | None  # the latest equipment status
    ticket: str  # the IT ticket of the latest equipment status
    missing: tuple[str, ...]  # what is not done yet: "equipment" and/or task keys

    @property
    def equipment_issue(self) -> bool:
        return self.equipment == EQUIPMENT_ISSUE


def _run_start(states: Iterable[tuple[date, bool]]) -> date | None:
    """The day the condition last turned true, when it is true at the end; else None."""
    since = None
    for day, holds in states:
        if holds and since is None:
            since = day
        elif not holds:
            since = None
    return since


def readiness(
    facts: Sequence[Fact], as_of: date, *, tasks: tuple[str, ...] = READINESS_TASKS
) -> Readiness:
    """R-C1 from one agent's facts (sorted by date, then seq) dated on or before `as_of`."""
    facts = [f for f in facts if f.date <= as_of]
    equipment = [f for f in facts if f.kind == "equipment"]
    latest_equipment = equipment[-1] if equipment else None
    starts: dict[str, date | None] = {
        "equipment": _run_start((f.date, f.item == EQUIPMENT_VERIFIED) for f in equipment)
    }
    for task in tasks:
        starts[task] = _run_start(
            (f.date, f.value in SATISFYING) for f in facts if f.kind == "task" and f.item == task
        )
    missing = tuple(key for key, since in starts.items() if since is None)
    ready = not missing
    return Readiness(
        ready=ready,
        since=max(starts.values()) if ready else None,  # type: ignore[type-var]
        equipment=latest_equipment.item if latest_equipment else None,
        ticket=latest_equipment.value if latest_equipment else "",
        missing=missing,
    )


# -- what is missing, in words (issue 15 item 1) ------------------------------------------------

READINESS_WORDS = {
    "readiness_day1": "day 1 (systems and scripting)",
    "readiness_shadowing": "role play / shadowing half day",
}
EQUIPMENT_WORDS = {
    None: "no equipment status yet",
    "not_received": "equipment not received yet",
    "received": "equipment received, not verified yet",
}


def missing_words(state: Readiness) -> tuple[str, ...]:
    """What keeps the agent off the queue, as people say it (seed 004 items 1, 3 and 4)."""
    said = []
    for key in state.missing:
        if key != "equipment":
            said.append(f"{READINESS_WORDS.get(key, key.replace('_', ' '))} not recorded")
        elif state.equipment_issue:
            said.append(
                f"open equipment issue (IT ticket {state.ticket})"
                if state.ticket
                else "open equipment issue"
            )
        else:
            said.append(EQUIPMENT_WORDS.get(state.equipment, "equipment not verified"))
    return tuple(said)


# -- mentors for the shadowing half day (R-C1, seed 003) ----------------------------------------


def shadowing_day(esp_start: date, calendar) -> date:
    """Seed 004 item 4: the first half of ESP day 2 is the role play / shadowing."""
    return calendar.add_business_days(esp_start, 1)


@dataclass(frozen=True)
class MentorCover:
    """Whether the mentors' free places cover the agents about to shadow on a day."""

    day: date
    classes: tuple[str, ...]
    agents: int  # agents of those classes whose shadowing is not recorded and not paired now
    mentors: int  # active mentors
    places: int  # their capacity less the agents shadowing them now

    @property
    def covered(self) -> bool:
        return self.places >= self.agents

    @property
    def short(self) -> int:
        return max(self.agents - self.places, 0)


def mentor_cover(
    day: date, classes: Iterable[str], agents: int, mentors: Iterable[tuple[int, int]]
) -> MentorCover:
    """`mentors`: each active mentor's (capacity, agents paired with them now)."""
    mentors = list(mentors)
    places = sum(max(capacity - taken, 0) for capacity, taken in mentors)
    return MentorCover(day, tuple(sorted(classes)), agents, len(mentors), places)


# -- the queue (R-C2) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A ready agent on the queue."""

    employee_id: str
    name: str
    since: date
    phase_start: date | None  # the ESP phase start of the agent's class


@dataclass(frozen=True)
class FreeCertifier:
    """A certifier available today with no open connection."""

    key: int  # the user id
    name: str
    idle_since: datetime | None  # the end of the last connection; None: not connected yet


def waiting_order(waiting: Iterable[Waiting]) -> list[Waiting]:
    """R-C2: longest waiting first; ties: oldest phase start (unknown last), then name."""
    return sorted(
        waiting,
        key=lambda w: (w.since, w.phase_start is None, w.phase_start or date.min, w.name),
    )


def idle_order(certifiers: Iterable[FreeCertifier]) -> list[FreeCertifier]:
    """Longest idle first: never connected yet, then the earliest end of a connection."""
    return sorted(
        certifiers,
        key=lambda c: (
            c.idle_since is not None,
            c.idle_since.timestamp() if c.idle_since else 0,
            c.name,
        ),
    )


def suggested_pair(
    waiting: Iterable[Waiting], certifiers: Iterable[FreeCertifier]
) -> tuple[FreeCertifier, Waiting] | None:
    """The free certifier idle longest with the agent waiting longest, when there are both."""
    agents = waiting_order(waiting)
    free = idle_order(certifiers)
    if not agents or not free:
        return None
    return free[0], agents[0]


def clock_due(connected_at: datetime, hours: int) -> datetime:
    return connected_at + timedelta(hours=hours)


def over_clock(
    connected_at: datetime, now: datetime, *, hours: int, calls_scored: int, calls_per_agent: int
) -> bool:
    """R-C2: the five calls are not all scored `hours` after the connection."""
    return calls_scored < calls_per_agent and now >= clock_due(connected_at, hours)
