"""Call certification: call scores, pass rate and result, scorecard name (R-C3, R-C4, R-C5)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from esp.rules.callcert import (
    FAILED,
    PASSED,
    PENDING,
    CallCertResult,
    ItemOutOfRange,
    Tally,
    call_cert_result,
    can_still_pass,
    round_score,
    tally,
)
from esp.rules.progress import AgentProgress

D = date.fromisoformat

# A small set of scores around the pass mark (85): an auto-fail, just under, just at, perfect.
# None stands for "not scored yet".
SCORES = (None, 0, 84, 85, 100)
# Call 1 is coached in real time and always scores 100 once recorded (R-C3).
CALL_1 = (None, 100)


# -- R-C3: a call's score ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "points, score",
    [
        (84.5, 85),
        (84.49, 84),
        (Decimal("84.4999"), 84),
        (Decimal("84.50"), 85),
        (0.5, 1),
        (99.5, 100),
        (85, 85),
        (0, 0),
        (100, 100),
    ],
)
def test_it_rounds_a_call_score_half_up_R_C3(points, score):
    assert round_score(points) == score


def test_it_rounds_84_5_up_to_85_and_84_49_down_to_84_R_C3():
    assert round_score(84.5) == 85
    assert round_score(84.49) == 84


# -- R-C4: pass rate and result over every combination ----------------------------------------


def expected_result(scores: dict[int, int]) -> tuple[int, int, int | None, str]:
    """The rule written out independently: 5 calls, pass mark 85, program pass 80%."""
    passed = sum(1 for s in scores.values() if s >= 85)
    if len(scores) < 5:
        return len(scores), passed, None, PENDING
    rate = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20, 0: 0}[passed]
    return 5, passed, rate, PASSED if passed >= 4 else FAILED


def test_it_computes_pass_rate_and_result_for_every_combination_of_five_scores_R_C4():
    seen = set()
    for call_1, *rest in itertools.product(CALL_1, SCORES, SCORES, SCORES, SCORES):
        scores = {n: s for n, s in enumerate((call_1, *rest), start=1) if s is not None}
        result = call_cert_result(scores)
        got = (result.calls_scored, result.calls_passed, result.pass_rate, result.result)
        assert got == expected_result(scores), scores
        seen.add((got[2], got[3]))
    # Every outcome the rule names was reached.
    assert {(100, PASSED), (80, PASSED), (60, FAILED), (20, FAILED), (None, PENDING)} <= seen


@pytest.mark.parametrize(
    "scores, rate, result",
    [
        ({1: 100, 2: 100, 3: 100, 4: 100, 5: 100}, 100, PASSED),  # 5/5
        ({1: 100, 2: 85, 3: 85, 4: 85, 5: 84}, 80, PASSED),  # 4/5
        ({1: 100, 2: 85, 3: 85, 4: 84, 5: 84}, 60, FAILED),  # 3/5
        ({1: 100, 2: 0, 3: 0, 4: 0, 5: 0}, 20, FAILED),  # auto-fails
    ],
)
def test_it_passes_at_80_percent_and_fails_at_60_or_less_R_C4(scores, rate, result):
    outcome = call_cert_result(scores)
    assert (outcome.pass_rate, outcome.result) == (rate, result)


def test_it_keeps_the_result_pending_with_no_pass_rate_until_five_calls_are_scored_R_C4():
    outcome = call_cert_result({1: 100, 2: 100, 3: 100, 4: 100})
    assert outcome == CallCertResult(4, 4, None, PENDING)
    assert outcome.scorecard_name("Jane", "Doe") is None


def test_it_ignores_call_numbers_outside_one_to_five_R_C3():
    outcome = call_cert_result({0: 100, 1: 100, 2: 100, 3: 100, 4: 100, 6: 100})
    assert outcome == CallCertResult(4, 4, None, PENDING)


def test_it_counts_a_directly_marked_done_call_cert_as_passed_with_no_pass_rate_R_C4():
    assert call_cert_result({}, marked_done=True) == CallCertResult(0, 0, None, PASSED)
    assert call_cert_result({1: 100, 2: 60}, marked_done=True) == CallCertResult(2, 1, None, PASSED)


def test_it_reads_the_pass_mark_and_program_pass_rate_from_the_policy_R_C4():
    scores = {1: 100, 2: 90, 3: 90, 4: 80, 5: 80}
    assert call_cert_result(scores).result == FAILED
    assert call_cert_result(scores, pass_mark=80).result == PASSED
    assert call_cert_result(scores, program_pass_rate=60).result == PASSED


def test_it_tells_early_whether_an_agent_can_still_pass_R_C4():
    assert can_still_pass({})
    assert can_still_pass({1: 100, 2: 0})  # 1 + 3 remaining = 4/5
    assert not can_still_pass({1: 100, 2: 0, 3: 84})  # at best 3/5
    assert can_still_pass({1: 100, 2: 85, 3: 85, 4: 85, 5: 0})
    assert not can_still_pass({1: 100, 2: 85, 3: 85, 4: 0, 5: 0})


# -- R-C5: the scorecard workbook name --------------------------------------------------------


def test_it_names_the_scorecard_last_first_rate_R_C5():
    outcome = call_cert_result({1: 100, 2: 90, 3: 85, 4: 70, 5: 88})
    assert outcome.scorecard_name("Jane", "Doe") == "Doe_Jane_80%"


def test_it_names_a_failed_scorecard_with_its_rate_R_C5():
    outcome = call_cert_result({1: 100, 2: 90, 3: 0, 4: 70, 5: 84})
    assert outcome.scorecard_name("Jane", "Doe") == "Doe_Jane_40%"


# -- R-C4 through an agent's facts ----------------------------------------------------------------


@pytest.fixture
def esp_class(make_class):
    return make_class("PRV-0302", "2026-03-02")  # ESP starts Tue 2026-03-24


def calls(day, *scores):
    return [(day, "call", str(n), str(s)) for n, s in enumerate(scores, start=1)]


def test_it_replaces_an_earlier_score_when_a_call_is_re_scored_R_C4(policy, make_agent, esp_class):
    facts = calls("2026-03-24", 100, 90, 70, 60, 88) + [("2026-03-25", "call", "3", "86")]
    progress = AgentProgress(make_agent("E1", esp_class, facts, first="Jane", last="Doe"), policy)
    before = progress.call_cert(D("2026-03-24"))
    after = progress.call_cert(D("2026-03-25"))
    assert (before.calls_passed, before.pass_rate, before.result) == (3, 60, FAILED)
    assert (after.calls_passed, after.pass_rate, after.result) == (4, 80, PASSED)
    assert after.scorecard_name("Jane", "Doe") == "Doe_Jane_80%"
    assert not progress.is_done("call_cert", D("2026-03-24"))
    assert progress.is_done("call_cert", D("2026-03-25"))


def test_it_lowers_the_result_when_a_call_is_re_scored_down_R_C4(policy, make_agent, esp_class):
    facts = calls("2026-03-24", 100, 90, 90, 90, 60) + [("2026-03-25", "call", "2", "84")]
    progress = AgentProgress(make_agent("E1", esp_class, facts), policy)
    assert progress.call_cert(D("2026-03-24")).result == PASSED
    assert progress.call_cert(D("2026-03-25")).result == FAILED


def test_it_applies_same_day_re_scores_in_entry_order_R_C4_R_P4(policy, make_agent, esp_class):
    facts = calls("2026-03-24", 100, 90, 90, 90, 60) + [
        ("2026-03-24", "call", "5", "95"),
        ("2026-03-24", "call", "5", "10"),
    ]
    progress = AgentProgress(make_agent("E1", esp_class, facts), policy)
    assert progress.calls(D("2026-03-24"))[5] == 10


def test_it_counts_only_calls_scored_on_or_before_the_as_of_date_R_T5(
    policy, make_agent, esp_class
):
    facts = calls("2026-03-24", 100, 90, 90, 90) + [("2026-03-26", "call", "5", "85")]
    progress = AgentProgress(make_agent("E1", esp_class, facts), policy)
    assert progress.call_cert(D("2026-03-25")) == CallCertResult(4, 4, None, PENDING)
    assert progress.call_cert(D("2026-03-26")) == CallCertResult(5, 5, 100, PASSED)


def test_it_passes_an_agent_whose_call_cert_was_marked_done_directly_R_C4(
    policy, make_agent, esp_class
):
    facts = [("2026-03-24", "task", "call_cert", "done")]
    progress = AgentProgress(make_agent("E1", esp_class, facts, first="Jane", last="Doe"), policy)
    result = progress.call_cert(D("2026-03-24"))
    assert result == CallCertResult(0, 0, None, PASSED)
    assert result.scorecard_name("Jane", "Doe") is None
    assert progress.call_cert(D("2026-03-23")).result == PENDING
    assert progress.is_done("call_cert", D("2026-03-24"))


def test_it_does_not_complete_call_cert_with_a_failed_program_R_C4(policy, make_agent, esp_class):
    facts = calls("2026-03-24", 100, 84, 84, 90, 90)
    progress = AgentProgress(make_agent("E1", esp_class, facts), policy)
    assert progress.call_cert(D("2026-03-24")).result == FAILED
    assert not progress.is_done("call_cert", D("2026-03-24"))


class Item:
    def __init__(self, pk, points, auto_fail=False):
        self.pk, self.text, self.points, self.auto_fail = pk, f"item {pk}", points, auto_fail


SCORECARD = [Item(1, 50), Item(2, 34.5), Item(3, 15.5), Item(4, 0, auto_fail=True)]


def test_a_calls_score_is_the_points_earned_rounded_half_up_R_C3():
    result = tally(SCORECARD, {1: 50, "2": "34.5", 3: ""})
    assert result == Tally(Decimal("84.5"), 85, False)


def test_a_missed_auto_fail_item_makes_the_score_zero_R_C3():
    assert tally(SCORECARD, {1: 50, 2: 34.5, 3: 15.5, 4: True}).score == 0


@pytest.mark.parametrize("given", [-1, 50.5])
def test_an_item_scored_out_of_its_range_is_named_R_C3(given):
    with pytest.raises(ItemOutOfRange) as raised:
        tally(SCORECARD, {1: given})
    assert raised.value.key == "1" and str(raised.value) == "'item 1' scores 0–50"
