"""The fallback of the outlook (issue 18 item 1): with too little history, the agent's open
work counted against the program's own timeframes. Pure.

The ESP's work in hours (seed 004, SPEC §3): ESP day 1 is systems and scripting (8 hours),
the first half of day 2 role plays and shadowing (4), the TBTs up to 8 hours while the agent
waits for a certifier (the wait counts 8 hours with the TBTs done, none once a call is scored),
the call certs up to 4 hours once connected (the calls left a share of it): 24 hours, the
ESP's "3 scheduled" days of 8 hours. An equipment issue open costs a day
with IT (no certifier connects meanwhile), each licensing task still open half a day (the
licensing phase's last day is a half day), RTS paperwork goes alongside (no hours of its own).

The days an agent takes for a day of scheduled work (the *pace*) follow the ESP's timeframes:
half of the agents at most 2/3 ("2 expected" of "3 scheduled"), nine in ten at most 1 (the
scheduled days), 95% at most 5/3 ("extendable by up to 2": 5 days), every one within twice
that. An agent slower so far stays at least as slow: the pace ahead is drawn at least the
agent's own pace so far (the ESP days spent per day of work done, a day's work credited for
what is not recorded yet).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .learn import LAST_AGE, Forecast
from .state import COMPLETE, FIRST_CALL, LICENSING_TASKS, THROUGH

HOURS_PER_DAY = 8.0
CALL_HOURS = 4.0  # seed 004: call certs take no longer than 4 hours once connected
WAIT_HOURS = 8.0  # seed 004: the TBTs' 8 hours fill the wait for a certifier
ISSUE = "equipment_issue"
TASK_HOURS = {
    "readiness_day1": 8.0,
    "readiness_shadowing": 4.0,
    "tbt": 8.0,
    ISSUE: 8.0,
    "rts": 0.0,
    **dict.fromkeys(LICENSING_TASKS, 4.0),
}
#: The hours each outcome waits for: before the first call, the readiness (and an equipment
#: issue) and the wait for a certifier, 8 hours, which the TBTs fill when open; through call
#: certs also the calls; ESP complete every task.
PATHS = {
    FIRST_CALL: ("readiness_day1", "readiness_shadowing", ISSUE, "tbt"),
    THROUGH: ("readiness_day1", "readiness_shadowing", ISSUE, "tbt"),
    COMPLETE: tuple(TASK_HOURS),  # the readiness only while the calls are to come
}
ESP_WORK = ("readiness_day1", "readiness_shadowing", "tbt")  # with the calls: 24 hours
#: The pace's distribution: (pace, share of agents at most that pace), linear between.
PACE = ((0.0, 0.0), (2 / 3, 0.5), (1.0, 0.9), (5 / 3, 0.95), (10 / 3, 1.0))
ESP_DAY_5_AGE = 4
FIRST_CALL_AGE = 1  # ESP day 1 is systems and scripting: the first calls come on day 2
QUANTILES = 20  # a fallback forecast holds the pace's 5%, 10%, ..., 100% points


class Work(NamedTuple):
    """What an agent has left to do on a day."""

    open: frozenset[str]  # the keys of TASK_HOURS still open
    calls_left: int
    calls_per_agent: int
    failed: bool = False  # two calls failed: the call certs cannot pass

    @classmethod
    def fresh(cls, calls_per_agent: int) -> Work:
        """Everything open (an agent before ESP, or of a class without a roster yet)."""
        return cls(frozenset(TASK_HOURS) - {ISSUE}, calls_per_agent, calls_per_agent)

    def hours(self, outcome: str) -> float:
        hours = sum(TASK_HOURS[key] for key in PATHS[outcome] if key in self.open)
        waiting = 0 < self.calls_left >= self.calls_per_agent  # no call scored yet
        if waiting:  # the wait for a certifier, filled by the TBTs when they are open
            hours += max(0.0, WAIT_HOURS - (TASK_HOURS["tbt"] if "tbt" in self.open else 0))
        if outcome != FIRST_CALL:
            hours += CALL_HOURS * self.calls_left / max(self.calls_per_agent, 1)
        return hours

    def days_done(self) -> float:
        """The days of the ESP's scheduled work done (0 to 3)."""
        open_hours = sum(TASK_HOURS[key] for key in ESP_WORK if key in self.open)
        open_hours += CALL_HOURS * self.calls_left / max(self.calls_per_agent, 1)
        scheduled = sum(TASK_HOURS[key] for key in ESP_WORK) + CALL_HOURS
        return (scheduled - open_hours) / HOURS_PER_DAY


def pace_share(pace: float) -> float:
    """The share of agents whose pace is at most `pace`."""
    for (low, below), (high, above) in zip(PACE, PACE[1:], strict=False):
        if pace <= high:
            return below + (above - below) * max(0.0, pace - low) / (high - low)
    return 1.0


def pace_at(share: float) -> float:
    """The pace at which `share` of the agents are (the inverse of `pace_share`)."""
    for (low, below), (high, above) in zip(PACE, PACE[1:], strict=False):
        if share <= above:
            return low + (high - low) * max(0.0, share - below) / (above - below)
    return PACE[-1][0]


def least_pace(age: int, work: Work) -> float:
    """The agent's own pace so far: ESP days spent per day of work done (plus one)."""
    return 0.0 if age <= 0 else age / (work.days_done() + 1)


def _paces(age: int, work: Work) -> list[float]:
    """The pace ahead at 5%, 10%, ... 100%: the table's, drawn at least `least_pace`."""
    floor = pace_share(least_pace(age, work))
    return [pace_at(floor + (1 - floor) * k / QUANTILES) for k in range(1, QUANTILES + 1)]


def fallback_forecast(outcome: str, age: int, work: Work) -> Forecast:
    """The ESP age (an offset from the ESP start) on which the agent reaches `outcome`:
    its hours at the pace ahead, from the agent's day on (today counts as a working day,
    never before ESP day 1; with calls to make, never before ESP day 2). The offsets as
    `ahead` reads them past the history's ages."""
    start = max(age, 0)
    days = work.hours(outcome) / HOURS_PER_DAY
    calls = outcome == FIRST_CALL or work.calls_left > 0
    earliest = max(start, FIRST_CALL_AGE) if calls else start
    offsets = []
    for pace in _paces(age, work):
        reached = max(start + max(math.ceil(days * pace - 1e-9), 1) - 1, earliest)
        offsets.append(reached - max(0, age - LAST_AGE))
    return Forecast.of(offsets, None)


def fallback_p_extension(age: int, work: Work) -> float:
    """The chance that the call certs are not through by the end of ESP day 5 (R-E1): 1 once
    two calls failed, else the share of the paces ahead (at least the agent's own so far) at
    which the hours left through call certs do not fit in the ESP days left to day 5."""
    if work.failed:
        return 1.0
    days = work.hours(THROUGH) / HOURS_PER_DAY
    left = ESP_DAY_5_AGE + 1 - max(age, 0)
    if days <= 0:
        return 0.0
    if left <= 0:
        return 1.0
    floor = pace_share(least_pace(age, work))
    if floor >= 1.0:
        return 1.0 if days * PACE[-1][0] > left + 1e-9 else 0.0
    return (1 - max(floor, pace_share(left / days))) / (1 - floor)


__all__ = ["PACE", "TASK_HOURS", "Work", "fallback_forecast", "fallback_p_extension"]
