"""Readiness for call certification and the queue order (R-C1, R-C2, R-Q1). Pure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from esp.rules.readiness import (
    FreeCertifier,
    Waiting,
    idle_order,
    mentor_cover,
    missing_words,
    over_clock,
    readiness,
    suggested_pair,
    waiting_order,
)
from esp.rules.records import Fact

D = date.fromisoformat
CHICAGO = ZoneInfo("America/Chicago")


def facts(*rows):
    """(iso date, kind, item, value) rows in entry order."""
    return [
        Fact(D(day), seq, kind, item, value) for seq, (day, kind, item, value) in enumerate(rows)
    ]


READY = facts(
    ("2026-11-23", "equipment", "received", ""),
    ("2026-11-24", "task", "readiness_day1", "done"),
    ("2026-11-25", "equipment", "verified", ""),
    ("2026-11-27", "task", "readiness_shadowing", "done"),
)


def test_it_is_ready_from_the_day_the_last_condition_became_true():
    state = readiness(READY, D("2026-11-30"))
    assert state.ready and state.since == D("2026-11-27")
    assert state.missing == () and state.equipment == "verified"


def test_it_is_not_ready_before_the_last_condition():
    state = readiness(READY, D("2026-11-26"))
    assert not state.ready and state.since is None
    assert state.missing == ("readiness_shadowing",)


def test_it_lists_what_is_missing_with_no_facts():
    state = readiness([], D("2026-11-30"))
    assert state.missing == ("equipment", "readiness_day1", "readiness_shadowing")
    assert state.equipment is None and not state.equipment_issue


def test_it_holds_back_an_agent_with_an_open_equipment_issue_and_keeps_its_ticket():
    rows = [*READY, Fact(D("2026-11-28"), 9, "equipment", "issue", "INC0012345")]
    state = readiness(rows, D("2026-11-30"))
    assert not state.ready and state.equipment_issue and state.ticket == "INC0012345"
    assert state.missing == ("equipment",)


def test_it_restarts_the_wait_when_equipment_is_verified_again_after_an_issue():
    rows = [
        *READY,
        Fact(D("2026-11-28"), 9, "equipment", "issue", "INC1"),
        Fact(D("2026-12-01"), 10, "equipment", "verified", "INC1"),
    ]
    state = readiness(rows, D("2026-12-02"))
    assert state.ready and state.since == D("2026-12-01")


def test_it_counts_not_applicable_as_done_and_a_task_reopened_as_not_done():
    rows = facts(
        ("2026-11-20", "equipment", "verified", ""),
        ("2026-11-21", "task", "readiness_day1", "not_applicable"),
        ("2026-11-21", "task", "readiness_shadowing", "done"),
        ("2026-11-22", "task", "readiness_shadowing", "in_progress"),
    )
    assert readiness(rows, D("2026-11-21")).since == D("2026-11-21")
    assert not readiness(rows, D("2026-11-22")).ready


def test_it_orders_the_waiting_by_wait_then_phase_start_then_name():
    rows = [
        Waiting("E3", "Cy Cole", D("2026-11-27"), D("2026-11-20")),
        Waiting("E2", "Bo Best", D("2026-11-27"), D("2026-11-18")),
        Waiting("E4", "Al Ames", D("2026-11-27"), D("2026-11-18")),
        Waiting("E1", "Zed Zane", D("2026-11-25"), D("2026-11-25")),
        Waiting("E5", "Ann None", D("2026-11-27"), None),
    ]
    assert [w.employee_id for w in waiting_order(rows)] == ["E1", "E4", "E2", "E3", "E5"]


def test_it_suggests_the_longest_idle_certifier_with_the_longest_waiting_agent():
    at = datetime(2026, 11, 30, 9, tzinfo=CHICAGO)
    free = [
        FreeCertifier(1, "Cert One", at),
        FreeCertifier(2, "Cert Two", at - timedelta(hours=2)),
        FreeCertifier(3, "Cert Three", None),
    ]
    waiting = [Waiting("E2", "B", D("2026-11-27"), None), Waiting("E1", "A", D("2026-11-26"), None)]
    assert [c.key for c in idle_order(free)] == [3, 2, 1]
    certifier, agent = suggested_pair(waiting, free)
    assert (certifier.key, agent.employee_id) == (3, "E1")
    assert suggested_pair([], free) is None and suggested_pair(waiting, []) is None


def test_it_flags_unfinished_calls_from_the_clock_hours_after_connection():
    connected = datetime(2026, 11, 30, 9, tzinfo=CHICAGO)
    args = {"hours": 4, "calls_per_agent": 5}
    assert not over_clock(
        connected, connected + timedelta(hours=3, minutes=59), calls_scored=2, **args
    )
    assert over_clock(connected, connected + timedelta(hours=4), calls_scored=4, **args)
    assert not over_clock(connected, connected + timedelta(hours=9), calls_scored=5, **args)
    assert not over_clock(
        connected, connected + timedelta(hours=5), calls_scored=1, hours=6, calls_per_agent=5
    )


@given(st.permutations(range(6)))
def test_it_orders_the_same_whatever_the_input_order(order):
    rows = [
        Waiting(f"E{i}", f"Name {i % 3}", D("2026-11-20") + timedelta(days=i % 2), None)
        for i in range(6)
    ]
    assert [w.employee_id for w in waiting_order([rows[i] for i in order])] == [
        w.employee_id for w in waiting_order(rows)
    ]


def test_it_says_what_keeps_an_agent_off_the_queue_in_words():
    """R-C1 (issue 15 item 1): the queue shows "not ready" agents with what is missing."""
    state = readiness(
        facts(
            ("2026-11-20", "equipment", "received", ""),
            ("2026-11-23", "task", "readiness_day1", "done"),
        ),
        D("2026-11-30"),
    )
    assert missing_words(state) == (
        "equipment received, not verified yet",
        "role play / shadowing half day not recorded",
    )
    issue = readiness(facts(("2026-11-20", "equipment", "issue", "INC7")), D("2026-11-30"))
    assert missing_words(issue)[0] == "open equipment issue (IT ticket INC7)"
    assert missing_words(readiness([], D("2026-11-30")))[0] == "no equipment status yet"


def test_mentors_cover_the_agents_about_to_shadow_with_their_free_places():
    """Seed 003: "a sufficient number of agents who are trusted to assist as Mentors"; R-C1:
    each mentor takes as many agents at once as their capacity."""
    cover = mentor_cover(D("2026-12-01"), ["AET-C", "AET-B"], 5, [(2, 0), (2, 1), (3, 3)])
    assert (cover.classes, cover.mentors, cover.places) == (("AET-B", "AET-C"), 3, 3)
    assert not cover.covered and cover.short == 2
    assert mentor_cover(D("2026-12-01"), ["AET-C"], 3, [(2, 0), (2, 1)]).covered
