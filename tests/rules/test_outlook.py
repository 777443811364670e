"""The ESP outlook's learned durations (issue 18 item 1) on a small hand-made history, with
the expected percentiles written out, and the fallback with no history.

History: class HIST, ESP from Mon 03-02-2026 (ESP day 5 = Fri 03-06). Ten agents, each with
licensing done before ESP, equipment verified, readiness, TBTs and RTS done on ESP day 1;
their call certs are marked done on these ESP ages (0 = ESP day 1):

    H01 0   H02 1   H03 1   H04 1   H05 1   H06 2   H07 2   H08 2   H09 3   H10 5

H10 is the only one not done by the end of ESP day 5: the extension base rate is 1/10.
In flight: class NOW, ESP from Mon 03-23-2026; as of Mon 03-23 (ESP day 1) with the same
state as the history's agents on their ESP day 1 (everything but the calls done).
"""

from __future__ import annotations

from datetime import date

import pytest

from esp.rules.outlook import build_outlook, outlook_report
from esp.rules.outlook.fallback import Work, fallback_forecast
from esp.rules.outlook.state import COMPLETE, THROUGH, Timeline, day_at
from esp.rules.records import ClassDates

D = date.fromisoformat
HIST = ClassDates("HIST", {"licensing": D("2026-02-09"), "esp": D("2026-03-02")})
NOW = ClassDates("NOW", {"licensing": D("2026-03-02"), "esp": D("2026-03-23")})
DONE_AGES = {"H01": 0, "H02": 1, "H03": 1, "H04": 1, "H05": 1}
DONE_AGES |= {"H06": 2, "H07": 2, "H08": 2, "H09": 3, "H10": 5}


def ready_facts(calendar, klass: ClassDates) -> list[tuple]:
    esp = klass.phase_starts["esp"]
    before = calendar.business_days_before(esp, 3)
    facts = [(before, "task", key, "done") for key in ("producer_world", "ahip", "carrier_cert")]
    facts += [(esp, "equipment", "verified", "")]
    facts += [(esp, "task", key, "done") for key in ("readiness_day1", "readiness_shadowing")]
    return facts + [(esp, "task", "tbt", "done"), (esp, "task", "rts", "done")]


@pytest.fixture
def history(calendar, make_agent):
    agents = []
    for employee_id, age in DONE_AGES.items():
        done = day_at(calendar, HIST.phase_starts["esp"], age)
        facts = [*ready_facts(calendar, HIST), (done, "task", "call_cert", "done")]
        facts.append((D("2026-03-13"), "task", "transfer", "done"))  # gone to production
        agents.append(make_agent(employee_id, HIST, facts))
    return agents


@pytest.fixture
def in_flight(calendar, make_agent):
    return make_agent("N01", NOW, ready_facts(calendar, NOW), first="Nia", last="Now")


def test_it_learns_the_call_cert_durations_of_the_history(history, in_flight, policy, calendar):
    outlook = build_outlook(
        [*history, in_flight],
        policy=policy,
        calendar=calendar,
        as_of=D("2026-03-23"),
        min_analogs=5,
    )
    (agent,) = outlook.agents
    # Analogs on ESP day 1 with the calls still open: H02..H10 (H01 was done that day).
    # Their ESP ages of call certs done, sorted: 1 1 1 1 2 2 2 3 5.
    learned = outlook.durations.offsets("call_cert", 0, agent.state)
    assert learned.offsets == (1, 1, 1, 1, 2, 2, 2, 3, 5)
    assert learned.level == 0
    assert learned.quantile(0.5) == 2  # nearest rank: the 5th of 9
    assert learned.quantile(0.9) == 5  # the 9th of 9
    assert agent.p_extension == pytest.approx(1 / 9)
    # ESP complete is the call certs' day here (everything else was done on ESP day 1).
    assert agent.complete.offsets == (1, 1, 1, 1, 2, 2, 2, 3, 5)
    report = outlook_report(outlook)
    assert report["agents"] == [
        {
            "employee_id": "N01",
            "class_code": "NOW",
            "p_extension": 0.111,
            "esp_complete_p50": "2026-03-25",  # ESP age 2: Wednesday
            "esp_complete_p90": "2026-03-30",  # ESP age 5: the next Monday
        }
    ]
    assert outlook.durations.base_rate() == pytest.approx(0.1)


def test_it_coarsens_then_falls_back_on_the_timeframes_when_the_history_is_thin(
    history, in_flight, policy, calendar, make_agent
):
    # On ESP day 3 (age 2) with calls open only H09 and H10 are analogs: under 5, at every
    # level, so the program's timeframes answer (esp.rules.outlook.fallback): left, the wait
    # for a certifier (8 hours) and the five calls (4): 1.5 days. Done 2.5 days of the ESP's
    # work in 2: the pace ahead at least 2 / 3.5 = 4/7 (share 3/7). An extension past pace
    # 3 days / 1.5 = 2 (share 0.96): 0.04 / (4/7) = 0.07. Median pace (share 5/7) 0.845:
    # 1.27 → 2 days, ESP day 4; p90 (share 0.943) 1.571: 2.36 → 3 days, ESP day 5.
    late = make_agent("N02", NOW, ready_facts(calendar, NOW))
    outlook = build_outlook(
        [*history, late], policy=policy, calendar=calendar, as_of=D("2026-03-25"), min_analogs=5
    )
    (agent,) = outlook.agents
    assert agent.age == 2
    assert agent.complete.level is None
    assert agent.p_extension == pytest.approx(0.07)
    assert agent.complete.offsets == (2,) * 2 + (3,) * 15 + (4, 5, 6)
    assert outlook_report(outlook)["agents"][0]["esp_complete_p50"] == "2026-03-26"
    assert outlook_report(outlook)["agents"][0]["esp_complete_p90"] == "2026-03-27"


def test_with_no_history_the_program_timeframes_answer(in_flight, policy, calendar):
    outlook = build_outlook([in_flight], policy=policy, calendar=calendar, as_of=D("2026-03-23"))
    assert outlook.durations.analogs == []
    (agent,) = outlook.agents
    # Ready on ESP day 1 with the calls left: the wait for a certifier (8 hours) and the
    # calls (4) = 1.5 days at the ESP's pace (SPEC §3: 2 expected of 3 scheduled, half at
    # most 2/3, nine in ten at most 1), never before ESP day 2: up to pace 4/3 (92.5%) ESP
    # day 2, at 5/3 day 3, at 10/3 day 5; an extension would need a pace past 10/3: none.
    assert agent.complete == fallback_forecast(COMPLETE, 0, Work(frozenset(), 5, 5))
    assert agent.complete.offsets == (1,) * 18 + (2, 4)
    assert agent.through.offsets == (1,) * 18 + (2, 4)
    assert agent.p_extension == 0.0
    (klass,) = outlook.classes
    assert klass.extensions_expected == 0.0
    assert outlook_report(outlook)["classes"] == [
        {
            "class_code": "NOW",
            "extensions_expected": 0.0,
            "call_certs_done_p50": "2026-03-24",
            "call_certs_done_p90": "2026-03-24",
        }
    ]


def test_the_fallback_p_extension_reads_the_calls(policy, calendar, make_agent):
    two_fails = [
        (D("2026-03-24"), "call", str(n), s) for n, s in ((1, "100"), (2, "60"), (3, "70"))
    ]
    agent = make_agent("N03", NOW, ready_facts(calendar, NOW) + two_fails)
    outlook = build_outlook([agent], policy=policy, calendar=calendar, as_of=D("2026-03-24"))
    assert outlook.agents[0].p_extension == 1.0
    assert (
        outlook.agents[0].reason(policy) == "3 of 5 calls, call certs failed, TBTs done, ESP day 2"
    )


def test_a_timeline_reads_the_through_day_and_the_outcomes(history, policy):
    timeline = Timeline(history[-1], policy)
    dates = timeline.outcome_dates()
    assert dates["call_cert"] == D("2026-03-09")  # ESP age 5
    assert dates[THROUGH] == D("2026-03-09")
    assert dates[COMPLETE] == D("2026-03-09")
    assert timeline.needs_extension(D("2026-03-06"))


def test_three_certifiers_clear_seven_ready_agents_with_two_needed():
    """Seed 004's queue on a hand-made day: an 8-hour day, the 4-hour clock, seven ready
    agents whose certifications take 3, 3, 3, 2, 2, 2 and 1 hours. Two certifiers: A takes
    3 (0-3), B 3 (0-3); A 3 (3-6), B 2 (3-5), B 2 (5-7), A 2 (6-8), B 1 (7-8): all done by
    the end of the day. One certifier would need 16 hours. Three are available: enough."""
    from esp.rules.outlook.capacity import certifiers_needed

    hours = [3, 3, 3, 2, 2, 2, 1]
    assert certifiers_needed(hours, day_hours=8, clock_hours=4) == 2
    assert certifiers_needed(hours[:2], day_hours=8, clock_hours=4) == 1
    assert certifiers_needed([5, 5, 5], day_hours=8, clock_hours=4) == 2  # the clock caps
    assert certifiers_needed([], day_hours=8, clock_hours=4) == 0
    # Seven 3-hour certifications: two fit in a certifier's 8 hours (a third would end at
    # hour 9), so 4 are needed: the 3 available are one short.
    assert certifiers_needed([3] * 7, day_hours=8, clock_hours=4) == 4


def test_the_capacity_of_the_next_days_counts_the_agents_waiting(policy, calendar, make_agent):
    from esp.rules.outlook.capacity import Certifiers, capacity

    agents = [make_agent(f"N{n:02}", NOW, ready_facts(calendar, NOW)) for n in range(7)]
    outlook = build_outlook(agents, policy=policy, calendar=calendar, as_of=D("2026-03-23"))
    team = Certifiers(team=3, available={D("2026-03-25"): 1})
    days = capacity(outlook.agents, outlook.durations, team, as_of=D("2026-03-23"), days=3)
    # No history: ready on ESP day 1, the first call after the wait for a certifier (8
    # hours), not before ESP day 2: up to pace 2 (96%, 19 of the 20 points) on ESP day 2,
    # at 10/3 on day 4 (6.65 and 0.35 of the 7). On 9 draws in 10 all 7 come on day 2:
    # seven 4-hour sessions (no finished connection recorded: each takes the clock) in an
    # 8-hour day need 4 certifiers; on day 4, in 3 draws of 10 one agent comes: 1.
    assert [d.day for d in days] == [D("2026-03-24"), D("2026-03-25"), D("2026-03-26")]
    assert [round(d.agents_ready_expected, 2) for d in days] == [6.65, 0.0, 0.35]
    assert [d.certifiers_available for d in days] == [3, 1, 3]
    assert [d.certifiers_needed for d in days] == [4, 0, 1]


def test_replay_never_peeks_a_fact_dated_after_the_day(history, policy, calendar, make_agent):
    """A fact dated after the as-of day never changes that day's outlook: the replay drops
    it (records_as_of) and the outlook of the day is the one built without it."""
    from esp.rules.outlook.backtest import records_as_of

    facts = ready_facts(calendar, NOW)
    later = [(D("2026-03-24"), "call", "1", "100"), (D("2026-03-25"), "call", "2", "40")]
    later += [(D("2026-03-25"), "status", "employment", "termed")]
    today = make_agent("N01", NOW, facts)
    tomorrow = make_agent("N01", NOW, facts + later)
    as_of = D("2026-03-23")
    kwargs = {"policy": policy, "calendar": calendar, "as_of": as_of, "min_analogs": 5}
    replayed = build_outlook(records_as_of([*history, tomorrow], as_of), **kwargs)
    plain = build_outlook([*history, today], **kwargs)
    assert outlook_report(replayed) == outlook_report(plain)
    assert outlook_report(build_outlook([*history, tomorrow], **kwargs)) != outlook_report(plain)


def test_the_backtest_scores_the_forecasts_against_what_happened(history, policy, calendar):
    from esp.rules.outlook.backtest import backtest

    result = backtest(
        history,
        policy=policy,
        calendar=calendar,
        start=D("2026-03-03"),
        end=D("2026-03-05"),
        truth_day=D("2026-03-20"),
    )
    assert result["days_replayed"] == 3
    by_horizon = {row["days_before_esp_day_5"]: row for row in result["extension"]}
    # 03/03 is ESP day 2 (3 days before day 5): all ten in flight, H10 the one extension.
    assert by_horizon[3]["agents"] == 10 and by_horizon[3]["extensions"] == 1
    assert by_horizon[1]["agents"] == 10
    # No history yet (nobody past ESP day 5 on those days): the timeframes answer (the
    # fallback): ready, the wait for a certifier and the calls left, 1.5 days. On 03/05
    # (ESP day 4) only H10 is open: 0.276 (a pace past 4/3 given at least 3 / 3.5), the
    # others done (0): 0.724² / 10. On 03/04, H09 and H10 open at 0.07: (0.07² + 0.93²) / 10.
    # On 03/03, H06-H10 open at 0.0255 (past 8/3, at least 1 / 3.5).
    assert [by_horizon[h]["brier"] for h in (1, 2, 3)] == [0.052, 0.087, 0.095]
    # "Calls open" says 1 for the open: right for H10 only.
    assert [by_horizon[h]["brier_calls_open"] for h in (1, 2, 3)] == [0.0, 0.1, 0.4]
    # Without history the base rate is taken as 0: wrong for H10 alone.
    assert [by_horizon[h]["brier_base_rate"] for h in (1, 2, 3)] == [0.1, 0.1, 0.1]
    assert by_horizon[2]["skill_over_base_rate"] == 0.13
    pooled = {row["decile"]: row["count"] for row in result["calibration_1_to_3_days_before"]}
    # 10 agents on each of the 3 days, all under 10% but H10 on 03/05 (0.276)
    assert (pooled["0-10%"], pooled["20-30%"]) == (29, 1)


def test_planned_classes_count_by_week(policy, calendar):
    """A class without a roster, ESP from Mon 03-30-2026, 4 agents expected: no history, so
    the fallback: the readiness (12 hours) and the wait for a certifier (8, the TBTs): 2.5
    days, never before ESP day 2 (Tue 03-31). Up to pace 0.8 (13 of the 20 points) ESP day
    2, up to 1.2 (5 points) day 3 (Wed 04-01), at 5/3 day 5 (Fri 04-03), at 10/3 ESP day 9,
    beyond the 10 days: 2.6, 1.0 and 0.2 of the 4."""
    from esp.rules.outlook.capacity import Certifiers, capacity, weekly

    outlook = build_outlook([], policy=policy, calendar=calendar, as_of=D("2026-03-20"))
    days = capacity(
        [],
        outlook.durations,
        Certifiers(team=3),
        as_of=D("2026-03-20"),
        days=10,
        planned=[(D("2026-03-30"), 4)],
    )
    weeks = weekly(days)
    assert [w.monday for w in weeks] == [D("2026-03-23"), D("2026-03-30")]
    assert [round(w.agents_ready_expected, 2) for w in weeks] == [0.0, 3.8]
    assert [round(d.agents_ready_expected, 2) for d in days[5:10]] == [0.0, 2.6, 1.0, 0.0, 0.2]
    assert weeks[0].certifiers_needed == 0 and weeks[1].certifiers_available == 3


def test_the_replay_keeps_timelines_only_while_the_facts_are_the_same(
    history, policy, calendar, make_agent
):
    """The backtest keeps each record's timeline from one replayed day to the next (speed at
    20,000 agents): a day replayed so reads exactly as the day built on its own, later facts
    never reach it."""
    from esp.rules.outlook.backtest import records_as_of

    facts = ready_facts(calendar, NOW)
    later = [(D("2026-03-24"), "call", "1", "100"), (D("2026-03-25"), "call", "2", "40")]
    later += [(D("2026-03-26"), "status", "employment", "termed")]
    everything = [*history, make_agent("N01", NOW, facts + later)]
    kwargs = {"policy": policy, "calendar": calendar, "min_analogs": 5}
    kept: dict = {}
    for day in ("2026-03-20", "2026-03-23", "2026-03-24", "2026-03-25", "2026-03-26"):
        records = records_as_of(everything, D(day))
        replayed = build_outlook(records, as_of=D(day), timelines_kept=kept, **kwargs)
        alone = build_outlook(records, as_of=D(day), **kwargs)
        assert outlook_report(replayed) == outlook_report(alone), day
    assert len(kept) > len(everything)  # N01's facts changed: a timeline per version


def test_calibration_by_decile_judges_only_the_deciles_with_enough_agents():
    """Per decile of the forecast: how many, the mean forecast, the share that happened, and
    whether these are within 10 points — judged from 100 agents on (JUDGED_FROM)."""
    from esp.rules.outlook.backtest import calibration

    pairs = [(0.05, False)] * 95 + [(0.05, True)] * 5  # 0-10%: 5% vs 5%, 100 agents
    pairs += [(0.15, n < 30) for n in range(100)]  # 10-20%: 15% vs 30%, 100 agents
    pairs += [(0.45, False)] * 3  # 40-50%: 45% vs 0%, 3 agents (the 2,000-agent replay's)
    by_decile = {row["decile"]: row for row in calibration(pairs)}
    assert by_decile["0-10%"] == {
        "decile": "0-10%",
        "count": 100,
        "forecast": 0.05,
        "observed": 0.05,
        "within_10_points": True,
    }
    assert by_decile["10-20%"]["observed"] == 0.3
    assert by_decile["10-20%"]["within_10_points"] is False
    assert by_decile["40-50%"]["count"] == 3
    assert by_decile["40-50%"]["within_10_points"] is None  # too few to say
    assert by_decile["50-60%"] == {
        "decile": "50-60%",
        "count": 0,
        "forecast": None,
        "observed": None,
        "within_10_points": None,
    }
