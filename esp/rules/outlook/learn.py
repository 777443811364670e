"""Durations learned from history (issue 18 item 1). Pure.

The program's finished agents (their ESP phase over as of the day: ESP day 6 or later) are
the history. For an agent in flight on ESP age `a` in state `s` (what is observable: calls
scored and failed, TBTs, readiness, equipment issue, licensing, RTS, attendance points), the
forecast of an outcome is the empirical distribution of that outcome among the history's
agents who were, at the same ESP age, in the same state and had not reached the outcome
yet (their *analogs*), in business days from the outcome's phase start.

With fewer than `min_analogs` analogs the state is coarsened, level by level (`LEVELS`);
with too few even for the age alone, the program's own timeframes answer (`fallback_*`).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from ..calendar import BusinessCalendar
from .state import COMPLETE, FIRST_CALL, LICENSING_TASKS, THROUGH, State, day_at

MIN_ANALOGS = 30
FIRST_AGE, LAST_AGE = -5, 8  # earlier ages read as -5 ("a week or more before ESP"), later as 8
NEVER = math.inf  # an outcome not reached within the history (censored at the as-of day)

#: The state coarsened level by level: which fields of `State` each level keeps.
LEVELS: tuple[tuple[str, ...], ...] = (
    ("calls", "fails", "through", "tbt", "ready", "issue", "licensing", "rts", "points"),
    ("calls", "fails", "through", "tbt", "ready", "issue", "licensing", "rts"),
    ("calls", "fails", "through", "tbt", "ready"),
    ("calls", "fails", "through"),
    (),
)


def clipped(age: int) -> int:
    return min(LAST_AGE, max(FIRST_AGE, age))


def first_level(age: int) -> int:
    """Further than a week before ESP what is seen (licensing not started yet) does not
    compare with the history a week before ESP: the age alone conditions."""
    return len(LEVELS) - 1 if age < FIRST_AGE else 0


def ahead(offset: float, age: int) -> float:
    """An outcome's offset for an agent at ESP age `age`: never before the day the agent is
    on, and past `LAST_AGE` (where the history's ages stop) as many days after that day as
    the analogs took after theirs."""
    return max(offset + max(0, age - LAST_AGE), age)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank q-quantile (0 < q <= 1) of sorted `values`; None when empty."""
    if not values:
        return None
    return values[max(0, math.ceil(q * len(values)) - 1)]


LEVEL_FIELDS = tuple(tuple(State._fields.index(f) for f in fields) for fields in LEVELS)


def key_of(level: int, age: int, state: State) -> tuple:
    return (age, *[state[i] for i in LEVEL_FIELDS[level]])


@dataclass(frozen=True)
class Analog:
    """One history agent: phase starts, the day of each outcome and its offset from the
    outcome's phase start (NEVER: not reached), the states by ESP age."""

    starts: dict[str, date]  # phase key -> the agent's phase start
    outcomes: dict[str, date | None]
    offsets: dict[str, float]
    ended: date | None  # employment ended
    extension: bool | None  # needed one on ESP day 5 (R-E1); None: ESP day 5 not yet over
    days: dict[int, date]  # clipped ESP age -> the day the state was read
    states: dict[int, State]


@dataclass(frozen=True)
class Forecast:
    """An outcome's learned distribution for one agent: the distinct offsets from the phase
    start, sorted (NEVER last), with the cumulative number of analogs at each; from which
    level (None: the fallback)."""

    values: tuple[float, ...]
    cumulative: tuple[int, ...]
    level: int | None

    @classmethod
    def of(cls, offsets, level: int | None) -> Forecast:
        counts = Counter(offsets)
        values = tuple(sorted(counts))
        return cls(values, tuple(accumulate(counts[v] for v in values)), level)

    @property
    def total(self) -> int:
        return self.cumulative[-1] if self.cumulative else 0

    @property
    def offsets(self) -> tuple[float, ...]:
        """Every analog's offset, sorted."""
        return tuple(v for v, n in zip(self.values, self.counts(), strict=True) for _ in range(n))

    def counts(self) -> list[int]:
        return [b - a for a, b in zip((0, *self.cumulative), self.cumulative, strict=False)]

    def quantile(self, q: float) -> float | None:
        """The nearest-rank q-quantile (the `percentile` of `offsets`)."""
        if not self.values:
            return None
        rank = max(1, math.ceil(q * self.total))
        return self.values[bisect_left(self.cumulative, rank)]


OUTCOME_PHASE = {key: "licensing" for key in LICENSING_TASKS}


def outcome_phase(outcome: str) -> str:
    return OUTCOME_PHASE.get(outcome, "esp")


class Durations:
    """The learned distributions, indexed by (level, key) -> analog numbers."""

    def __init__(
        self, analogs: list[Analog], calendar: BusinessCalendar, *, min_analogs: int = MIN_ANALOGS
    ):
        self.analogs = analogs
        self.calendar = calendar
        self.min_analogs = min_analogs
        self.index: list[dict[tuple, list[int]]] = [defaultdict(list) for _ in LEVELS]
        for number, analog in enumerate(analogs):
            for age, state in analog.states.items():
                for level, fields in enumerate(LEVEL_FIELDS):
                    self.index[level][(age, *[state[i] for i in fields])].append(number)
        self._cache: dict[tuple, object] = {}

    def _chosen(self, what: str, level: int, key: tuple, keep) -> list[Analog]:
        """The analogs of one level's key that `keep` accepts (kept per level and key)."""
        cache_key = ("chosen", what, level, key)
        if cache_key not in self._cache:
            age = key[0]
            numbers = self.index[level].get(key, ())
            chosen = []
            if len(numbers) >= self.min_analogs:
                chosen = [a for a in map(self.analogs.__getitem__, numbers) if keep(a, age)]
            self._cache[cache_key] = chosen
        return self._cache[cache_key]

    def _analogs(self, what: str, age: int, state: State, keep, start: int = 0):
        """The analogs of the most detailed level (from `start`) with enough of them that
        `keep` accepts."""
        for level in range(start, len(LEVELS)):
            chosen = self._chosen(what, level, key_of(level, age, state), keep)
            if len(chosen) >= self.min_analogs:
                return chosen, level
        return [], None

    def offsets(self, outcome: str, age: int, state: State, start: int = 0) -> Forecast | None:
        """The distribution of `outcome` (business days from its phase start) for an agent
        at ESP age `age` (clipped) in `state`, from level `start` on; None when the history
        is too short."""
        cache_key = ("offsets", outcome, age, state, start)
        if cache_key in self._cache:
            return self._cache[cache_key]
        phase = outcome_phase(outcome)

        def keep(analog: Analog, age: int) -> bool:
            reached = analog.outcomes.get(outcome)
            if reached is not None and reached <= analog.days[age]:
                return False  # already reached it at that age: not an analog
            if phase not in analog.starts:
                return False
            # who left before reaching it tells nothing of how long it takes (but leaving
            # is one way through call certs)
            return outcome == THROUGH or analog.ended is None or reached is not None

        chosen, level = self._analogs(outcome, age, state, keep, start)
        found = Forecast.of((a.offsets[outcome] for a in chosen), level) if chosen else None
        self._cache[cache_key] = found
        return found

    def p_extension(self, age: int, state: State, start: int = 0) -> tuple[float, int] | None:
        """The share of analogs who needed an extension on ESP day 5, and how many there
        were (from level `start` on); None when the history is too short."""
        cache_key = ("extension", age, state, start)
        if cache_key in self._cache:
            return self._cache[cache_key]

        def keep(analog: Analog, age: int) -> bool:
            day = analog.days[age]
            through = analog.outcomes.get("call_cert")
            open_then = through is None or through > day
            alive = analog.ended is None or analog.ended > day
            return analog.extension is not None and open_then and alive

        chosen, _ = self._analogs("extension", age, state, keep, start)
        found = None
        if chosen:
            found = (sum(1 for a in chosen if a.extension) / len(chosen), len(chosen))
        self._cache[cache_key] = found
        return found

    def base_rate(self) -> float | None:
        """The share of the history's agents who needed an extension (a baseline)."""
        known = [a.extension for a in self.analogs if a.extension is not None]
        return sum(known) / len(known) if known else None


# -- the fallback: the program's own timeframes (SPEC §3) -----------------------------------

#: ESP: "2 expected, 3 scheduled, extendable by up to 2"; licensing: timeframe 3.
FALLBACK_DAYS = {"esp": (2, 3), "licensing": (3, 4)}


def fallback_offsets(outcome: str, phase_age: int) -> Forecast:
    """Without history: half of the agents done by the phase's expected day, nine in ten by
    its scheduled day (never before the day the agent is on). The first call too: ESP day 1
    is systems and scripting, the first calls come on day 2 (seed 004)."""
    phase = outcome_phase(outcome)
    expected, scheduled = FALLBACK_DAYS[phase]
    p50 = max(phase_age, expected - 1)
    p90 = max(phase_age + 1, scheduled - 1)
    return Forecast.of((p50,) * 5 + (p90,) * 5, None)


__all__ = [
    "COMPLETE",
    "FIRST_CALL",
    "THROUGH",
    "Analog",
    "Durations",
    "Forecast",
    "day_at",
    "fallback_offsets",
    "percentile",
]
