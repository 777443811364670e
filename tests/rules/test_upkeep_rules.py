"""R-N7 (which teams keep up) and R-I1a (not transferred), database-free.

Thanksgiving is Thursday 11/26/2026; 12/05/2026 is a Saturday; 07/31/2026 is a Friday and
the month's end.
"""

from __future__ import annotations

from datetime import date

import pytest

from esp.rules.checklist import DayMarks
from esp.rules.progress import AgentProgress
from esp.rules.upkeep import (
    calls_without_follow_up,
    class_started,
    expects_checks,
    in_window,
    late_transfers,
    licensing_checks,
    not_transferred,
    unticketed_equipment,
)


@pytest.mark.parametrize(("age", "late"), [(0, False), (1, False), (2, True), (5, True)])
def test_it_flags_a_transfer_older_than_one_business_day_R_I1a(policy, age, late):
    assert not_transferred("transfer_needed", age, policy) is late
    assert not_transferred("tbt", age, policy) is False


def test_it_names_the_late_transfers_of_an_incompletions_report_R_I1a(policy):
    report = {
        "sections": [
            {"key": "tbt", "agents": [{"employee_id": "E1", "age_business_days": 9}]},
            {
                "key": "transfer_needed",
                "agents": [
                    {"employee_id": "E2", "age_business_days": 1},
                    {"employee_id": "E3", "age_business_days": 2},
                ],
            },
        ]
    }
    assert late_transfers(report, policy) == {"E3"}


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 12, 4), True), (date(2026, 12, 5), False), (date(2026, 11, 26), False)],
)
def test_it_expects_nothing_on_a_weekend_or_holiday(calendar, day, expected):
    assert expects_checks(calendar, day) is expected


def test_it_places_an_agent_in_the_licensing_window_only_during_licensing(
    make_class, make_agent, policy
):
    progress = AgentProgress(make_agent("E1", make_class("LIC-B", "2026-11-25")), policy)
    starts = progress.class_dates(date(2026, 11, 25)).phase_starts
    window = ("licensing", "training")
    assert not in_window(progress, window, starts["onboarding"])
    assert in_window(progress, window, starts["licensing"])
    assert not in_window(progress, window, starts["training"])
    assert not class_started(progress, date(2026, 11, 24))
    assert class_started(progress, starts["onboarding"])


def test_it_finds_an_equipment_issue_without_a_ticket(make_class, make_agent, policy):
    klass = make_class("ESP-D", "2026-11-09")
    open_issue = make_agent("E1", klass, [("2026-12-04", "equipment", "issue", "")])
    ticketed = make_agent("E2", klass, [("2026-12-04", "equipment", "issue", "INC123")])
    assert unticketed_equipment(AgentProgress(open_issue, policy))
    assert not unticketed_equipment(AgentProgress(ticketed, policy))


def test_it_lists_a_failed_call_until_a_note_follows_it(make_class, make_agent, policy):
    klass = make_class("ESP-D", "2026-11-09")
    facts = [("2026-12-04", "call", "1", "70"), ("2026-12-04", "call", "2", "90")]
    progress = AgentProgress(make_agent("E1", klass, facts), policy)
    assert calls_without_follow_up(progress, date(2026, 12, 4), 85) == [
        "call 1 scored 70 on 12/04/2026"
    ]
    followed = AgentProgress(
        make_agent("E1", klass, [*facts, ("2026-12-07", "note", "", "coached")]), policy
    )
    assert calls_without_follow_up(followed, date(2026, 12, 7), 85) == []


def test_it_ages_a_waiting_proof_in_business_days_over_the_month_end(
    make_class, make_agent, policy, calendar
):
    klass = make_class("LIC-B", "2026-07-27")
    agent = make_agent("E1", klass, [("2026-07-29", "exam", "ahip", "failed")] * 2)
    progress = AgentProgress(agent, policy)
    waiting = {"E1": [("ahip", date(2026, 7, 31))]}
    proofs, updates, proctored = licensing_checks(
        [progress], waiting, DayMarks(), calendar, date(2026, 8, 3), 3
    )
    assert proofs.open[0]["detail"] == "ahip proof waiting 1 business day(s)"
    assert [line["employee_id"] for line in updates.open] == ["E1"]
    assert proctored.open[0]["detail"] == "ahip: proctored attempt"
