"""Call certification results (R-C3, R-C4, R-C5). Pure."""

from __future__ import annotations

from collections.abc import Mapping
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
    passed = sum(1 for score in counted.values() if score >= pass_mark)
    if scored < calls_per_agent:
        return CallCertResult(scored, passed, None, PASSED if marked_done else PENDING)
    rate = round_score(Decimal(passed * 100) / Decimal(calls_per_agent))
    result = PASSED if marked_done or rate >= program_pass_rate else FAILED
    return CallCertResult(scored, passed, rate, result)


def can_still_pass(
    scores: Mapping[int, int],
    *,
    calls_per_agent: int = 5,
    pass_mark: int = 85,
    program_pass_rate: int = 80,
) -> bool:
    """Whether the remaining calls could still bring the agent to the program pass rate."""
    counted = {n: s for n, s in scores.items() if 1 <= n <= calls_per_agent}
    best = sum(1 for s in counted.values() if s >= pass_mark) + (calls_per_agent - len(counted))
    return Decimal(best * 100) / Decimal(calls_per_agent) >= program_pass_rate
