"""Call certification results (R-C3, R-C4, R-C5). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENDING = "pending"
PASSED = "passed"
FAILED = "failed"


def round_score(points: Decimal | float | int) -> int:
    """R-C3: a call's score is the points earned rounded half up (84.5 -> 85)."""
    return int(Decimal(str(points)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class CallCertResult:
    calls_scored: int
    calls_passed: int
    pass_rate: int | None
    result: str

    def scorecard_name(self, first_name: str, last_name: str) -> str | None:
        """R-C5: `LastName_FirstName_<rate>%`, once all calls have a score."""
        if self.pass_rate is None:
            return None
        return f"{last_name}_{first_name}_{self.pass_rate}%"


def call_cert_result(
    scores: Mapping[int, int],
    *,
    calls_per_agent: int = 5,
    pass_mark: int = 85,
    program_pass_rate: int = 80,
    marked_done: bool = False,
) -> CallCertResult:
    """R-C4: the result of an agent's calls, given the latest score of each call number.

    Until every call has a score the result is pending with no pass rate. The pass rate is
    passed calls / calls as a whole percent (rounded half up); the agent passes at
    `program_pass_rate` or more and fails below it. A call_cert task marked done directly
    counts as passed, keeping the pass rate only when every call has a score.
    """
    counted = {number: score for number, score in scores.items() if 1 <= number <= calls_per_agent}
    scored = len(counted)
    passed = sum(1 for score in counted.values() if call_passes(score, pass_mark))
    if scored < calls_per_agent:
        return CallCertResult(scored, passed, None, PASSED if marked_done else PENDING)
    rate = round_score(Decimal(passed * 100) / Decimal(calls_per_agent))
    result = PASSED if marked_done or rate >= program_pass_rate else FAILED
    return CallCertResult(scored, passed, rate, result)


def call_passes(score: int, pass_mark: int) -> bool:
    """R-C3: a call passes with a score of at least the pass mark (85 by default)."""
    return score >= pass_mark


def can_still_pass(
    scores: Mapping[int, int],
    *,
    calls_per_agent: int = 5,
    pass_mark: int = 85,
    program_pass_rate: int = 80,
) -> bool:
    """Whether the remaining calls could still bring the agent to the program pass rate."""
    counted = {n: s for n, s in scores.items() if 1 <= n <= calls_per_agent}
    best = sum(1 for s in counted.values() if call_passes(s, pass_mark)) + (
        calls_per_agent - len(counted)
    )
    return Decimal(best * 100) / Decimal(calls_per_agent) >= program_pass_rate


@dataclass(frozen=True)
class Tally:
    """The running total of a call being scored (R-C3)."""

    points: Decimal
    score: int
    auto_failed: bool


class ItemOutOfRange(ValueError):
    def __init__(self, item) -> None:
        super().__init__(f"'{item.text}' scores 0–{item.points}")
        self.key = str(item.pk)


def given_points(item_points: Mapping, item):
    """What was given for `item`: keyed by the item's id as a number or as text."""
    return item_points.get(item.pk, item_points.get(str(item.pk)))


def earned_points(given) -> Decimal:
    return Decimal(str(given if given not in (None, "") else 0))


def tally(items: Iterable, item_points: Mapping) -> Tally:
    """R-C3: sum the earned points (each between 0 and the item's weight), rounded half up;
    any missed auto-fail item makes the score 0. `items` have pk, text, points, auto_fail;
    `item_points` maps item id -> points earned, or, for an auto-fail item, whether it was
    missed (truthy = failed). An item scored out of its range raises ItemOutOfRange."""
    points = Decimal(0)
    failed = False
    for item in items:
        given = given_points(item_points, item)
        if item.auto_fail:
            failed = failed or bool(given)
            continue
        earned = earned_points(given)
        if earned < 0 or earned > item.points:
            raise ItemOutOfRange(item)
        points += earned
    return Tally(points, 0 if failed else round_score(points), failed)
