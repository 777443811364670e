"""The outlook's fallback (issue 18 item 1, the last review): with too little history the
agent's open work is counted against the program's timeframes (esp.rules.outlook.fallback),
so an agent with everything open reads a high chance of an extension and late dates.

Class NOW: ESP from Mon 03-23-2026 (ESP day 5 = Fri 03-27). No history at all.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esp.rules.outlook import build_outlook, outlook_report
from esp.rules.outlook.fallback import (
    TASK_HOURS,
    Work,
    fallback_forecast,
    fallback_p_extension,
)
from esp.rules.outlook.state import COMPLETE, FIRST_CALL, THROUGH
from esp.rules.records import ClassDates

D = date.fromisoformat
NOW = ClassDates("NOW", {"licensing": D("2026-03-02"), "esp": D("2026-03-23")})


def test_an_agent_with_everything_open_on_esp_day_2_reads_a_high_chance_and_late_dates(
    policy, calendar, make_agent
):
    """Nothing recorded (licensing, readiness, TBTs, calls, RTS) as of Tue 03-24, ESP day 2
    (age 1). Hours left: through call certs 8 (day 1) + 4 (shadowing) + 8 (TBTs) + 4 (five
    calls) = 24 = 3 days; ESP complete also 3 × 4 (licensing) = 36 = 4.5 days.
    Work done 0 days in 1 ESP day: the pace ahead is at least 1 / (0 + 1) = 1, where 90% of
    the table lies. ESP days left to day 5 (today counts): 4, so an extension when the pace
    exceeds 4/3: share(4/3) = 0.9 + 0.05 × (1/3) / (2/3) = 0.925; p = 0.075 / 0.1 = 0.75.
    Paces ahead: p50 at share 0.95 = 5/3, p90 at 0.99 = 5/3 + 0.8 × 5/3 = 3.
    ESP complete p50: 4.5 × 5/3 = 7.5 → 8 business days from today → ESP age 8 = Thu 04-02;
    p90: 4.5 × 3 = 13.5 → 14 days → ESP age 14 = Fri 04-10.
    Through call certs p50: 3 × 5/3 = 5 days → age 5 = Mon 03-30; p90 3 × 3 = 9 → age 9.
    (A classmate's readiness is marked: the program marks it, so N09's open marks count.)"""
    agent = make_agent("N09", NOW, [])
    marks = [(D("2026-03-23"), "task", "readiness_day1", "done")]
    marks += [(D("2026-03-24"), "task", "readiness_shadowing", "done")]
    classmate = make_agent("N10", NOW, marks)
    outlook = build_outlook(
        [agent, classmate], policy=policy, calendar=calendar, as_of=D("2026-03-24")
    )
    found = outlook.agents[0]
    assert found.age == 1
    assert found.p_extension == pytest.approx(0.75)
    assert outlook_report(outlook)["agents"][:1] == [
        {
            "employee_id": "N09",
            "class_code": "NOW",
            "p_extension": 0.75,
            "esp_complete_p50": "2026-04-02",
            "esp_complete_p90": "2026-04-10",
        }
    ]
    assert found.through.quantile(0.5) == 5 and found.through.quantile(0.9) == 9


def test_where_the_program_marks_no_readiness_the_esp_calendar_says(policy, calendar, make_agent):
    """The same agent, nobody's readiness marked: ESP day 1 is over, so its systems day is
    taken as done; the shadowing (day 2, today) is left. Through call certs 4 + 8 (TBTs) + 4
    (calls) = 16 hours = 2 days; ESP complete + 12 (licensing) = 3.5 days. Done 1 day in 1:
    the pace at least 1/2 (share 0.375). An extension past pace 4/2 = 2 (share 0.96):
    0.04 / 0.625 = 0.064. Median pace (share 0.6875) 0.823: 3.5 × 0.823 = 2.9 → 3 days, ESP
    age 3 = Thu 03-26; p90 (share 0.9375) 1.5: 5.25 → 6 days, ESP age 6 = Tue 03-31."""
    agent = make_agent("N09", NOW, [])
    outlook = build_outlook([agent], policy=policy, calendar=calendar, as_of=D("2026-03-24"))
    assert outlook_report(outlook)["agents"] == [
        {
            "employee_id": "N09",
            "class_code": "NOW",
            "p_extension": 0.064,
            "esp_complete_p50": "2026-03-26",
            "esp_complete_p90": "2026-03-31",
        }
    ]


def test_the_same_agent_on_esp_day_1_is_on_the_timeframes(policy, calendar, make_agent):
    """As of Mon 03-23 (ESP day 1) nothing can be late yet: no pace floor. Extension when
    the pace exceeds 5 days / 3 = 5/3: 5%. Through call certs: 3 days at the median pace 2/3
    = 2 days → ESP day 2 ("2 expected"), at 1 → ESP day 3 ("3 scheduled"). ESP complete:
    4.5 × 2/3 = 3 → age 2 = Wed 03-25; 4.5 × 1 = 4.5 → 5 days → age 4 = Fri 03-27."""
    agent = make_agent("N09", NOW, [])
    outlook = build_outlook([agent], policy=policy, calendar=calendar, as_of=D("2026-03-23"))
    (found,) = outlook.agents  # ESP day 1: its readiness left, marked or not
    assert found.p_extension == pytest.approx(0.05)
    assert (found.through.quantile(0.5), found.through.quantile(0.9)) == (1, 2)
    line = outlook_report(outlook)["agents"][0]
    assert (line["esp_complete_p50"], line["esp_complete_p90"]) == ("2026-03-25", "2026-03-27")


def test_a_ready_agent_with_the_calls_left_fits_and_calls_wait_for_esp_day_2():
    """Everything but the calls done on ESP day 1: the wait for a certifier (8 hours, no TBTs
    left to fill it) and the calls (4): 1.5 days; the calls not before ESP day 2 (day 1 is
    systems and scripting). At a pace up to 4/3 (92.5%) that is 2 days: ESP day 2; at 5/3
    (the 95% point) 2.5 → 3 days; at 10/3 (100%) 5 days. Extension past pace 10/3: none."""
    work = Work(frozenset(), 5, 5)
    assert fallback_p_extension(0, work) == 0.0
    assert fallback_forecast(THROUGH, 0, work).offsets == (1,) * 18 + (2, 4)
    assert fallback_p_extension(3, work) == pytest.approx(0.075 / (1 - 0.5 - 0.4 * 4 / 7))
    two_fails = Work(frozenset(), 2, 5, failed=True)
    assert fallback_p_extension(2, two_fails) == 1.0


KEYS = sorted(TASK_HOURS)


@st.composite
def nested_work(draw) -> tuple[int, Work, Work]:
    """An age and two agents' work, the second with every open item of the first and more."""
    age = draw(st.integers(-3, 3))
    fewer = draw(st.sets(st.sampled_from(KEYS)))
    more = fewer | draw(st.sets(st.sampled_from(KEYS)))
    calls = draw(st.integers(0, 5))
    more_calls = draw(st.integers(calls, 5))
    failed = draw(st.booleans())
    more_failed = failed or draw(st.booleans())
    return (
        age,
        Work(frozenset(fewer), calls, 5, failed),
        Work(frozenset(more), more_calls, 5, more_failed),
    )


@settings(max_examples=300)
@given(nested_work())
def test_more_open_work_never_lowers_the_chance_nor_brings_a_date_earlier(case):
    age, fewer, more = case
    assert fallback_p_extension(age, more) >= fallback_p_extension(age, fewer) - 1e-12
    for outcome in (COMPLETE, THROUGH, FIRST_CALL):
        low, high = fallback_forecast(outcome, age, fewer), fallback_forecast(outcome, age, more)
        for q in (0.1, 0.5, 0.9):
            assert high.quantile(q) >= low.quantile(q), (outcome, q)


@settings(max_examples=100)
@given(st.integers(-3, 3), st.integers(0, 5))
def test_a_later_day_with_the_same_work_never_reads_better(age, calls):
    """The same work left one ESP day later: no lower chance, no earlier date."""
    work = Work(frozenset({"tbt", "readiness_day1"}), calls, 5)
    assert fallback_p_extension(age + 1, work) >= fallback_p_extension(age, work) - 1e-12
    for q in (0.5, 0.9):
        later = fallback_forecast(COMPLETE, age + 1, work).quantile(q)
        assert later >= fallback_forecast(COMPLETE, age, work).quantile(q)
