"""Corrective-action ladders: timeframe ladders (R-L2, R-L3, R-L3a, R-L3b, R-L4) and the
per-exam ladder (R-N4a). Real 2026 dates around MLK Day (01-19) and Presidents' Day (02-16).
"""

from __future__ import annotations

from datetime import date

import pytest

from esp.rules.ladders import DueStep, earliest_delivery, exam_steps, timeframe_step
from esp.rules.records import Fact, TimeframeLadder

D = date.fromisoformat

LICENSING = TimeframeLadder("licensing", "licensing", ("producer_world", "ahip", "carrier_cert"), 3)


def deliveries(*rows: tuple[str, str, str]) -> list[Fact]:
    """(day, step, ladder) rows -> action facts in entry order."""
    return sorted(
        Fact(D(day), seq, "action", step, ladder) for seq, (day, step, ladder) in enumerate(rows)
    )


def exam_facts(*rows: tuple[str, str, str]) -> list[Fact]:
    """(day, exam, failed|passed) rows -> exam facts in entry order."""
    return sorted(
        Fact(D(day), seq, "exam", exam, value) for seq, (day, exam, value) in enumerate(rows)
    )


@pytest.fixture
def step(calendar):
    """The one licensing step showing as of `as_of` for a phase starting on `start`."""

    def show(start, as_of, *delivered, tasks_done=False, ladder=LICENSING):
        return timeframe_step(
            calendar, ladder, D(start), deliveries(*delivered), D(as_of), tasks_done=tasks_done
        )

    return show


def shown(step_: DueStep | None) -> tuple[str, str, str] | None:
    return None if step_ is None else (step_.step, step_.due_on.isoformat(), step_.status)


# -- R-L2: the first step ------------------------------------------------------------------------


def test_it_makes_coaching_due_on_thursday_for_a_monday_phase_start_R_L2(step):
    assert shown(step("2026-02-02", "2026-02-04")) is None
    assert shown(step("2026-02-02", "2026-02-05")) == ("coaching", "2026-02-05", "due")
    assert step("2026-02-02", "2026-02-05").ladder == "licensing"


def test_it_makes_coaching_overdue_the_day_after_it_fell_due_R_L3a(step):
    assert shown(step("2026-02-02", "2026-02-06")) == ("coaching", "2026-02-05", "overdue")


def test_it_counts_the_timeframe_in_business_days_over_presidents_day_R_L2(step):
    # Thu 02-12 (age 0), Fri 02-13 (1), Mon 02-16 holiday, Tue 02-17 (2), Wed 02-18 (3).
    assert shown(step("2026-02-12", "2026-02-17")) is None
    assert shown(step("2026-02-12", "2026-02-18")) == ("coaching", "2026-02-18", "due")


def test_it_counts_the_timeframe_over_mlk_day_R_L2(step):
    # Wed 01-14 (0), Thu (1), Fri (2), Mon 01-19 holiday, Tue 01-20 (3).
    assert shown(step("2026-01-14", "2026-01-19")) is None
    assert shown(step("2026-01-14", "2026-01-20")) == ("coaching", "2026-01-20", "due")


def test_it_shows_a_friday_step_as_overdue_on_the_weekend_R_L3a(step):
    # Tue 02-03 start -> coaching due Fri 02-06; Saturday is after the day it fell due.
    assert shown(step("2026-02-03", "2026-02-07")) == ("coaching", "2026-02-06", "overdue")


def test_it_shows_nothing_before_the_phase_starts_R_L2(step):
    assert step("2026-02-02", "2026-01-30") is None


# -- R-L3: each following step -------------------------------------------------------------------


def test_it_makes_written_cap_due_the_day_after_coaching_was_due_and_delivered_R_L3(step):
    delivered = ("2026-02-05", "coaching", "licensing")
    assert shown(step("2026-02-02", "2026-02-05", delivered)) is None
    assert shown(step("2026-02-02", "2026-02-06", delivered)) == (
        "written_cap",
        "2026-02-06",
        "due",
    )


def test_it_never_brings_the_next_step_sooner_when_coaching_is_delivered_early_R_L3(step):
    # Coaching due Thu 02-05, delivered Tue 02-03: written CAP still due Fri 02-06.
    delivered = ("2026-02-03", "coaching", "licensing")
    assert shown(step("2026-02-02", "2026-02-04", delivered)) is None
    assert shown(step("2026-02-02", "2026-02-05", delivered)) is None
    assert shown(step("2026-02-02", "2026-02-06", delivered)) == (
        "written_cap",
        "2026-02-06",
        "due",
    )


def test_it_delays_the_next_step_when_coaching_is_delivered_late_R_L3(step):
    delivered = ("2026-02-10", "coaching", "licensing")
    assert shown(step("2026-02-02", "2026-02-09", delivered)) == (
        "coaching",
        "2026-02-05",
        "overdue",
    )
    assert shown(step("2026-02-02", "2026-02-10", delivered)) is None
    assert shown(step("2026-02-02", "2026-02-11", delivered)) == (
        "written_cap",
        "2026-02-11",
        "due",
    )


def test_it_climbs_the_whole_ladder_over_presidents_day_R_L3(step):
    # Mon 02-09 start: coaching due Thu 02-12, delivered on time; written CAP due Fri 02-13,
    # delivered on time; final CAP due the next business day, Tue 02-17.
    chain = [
        ("2026-02-12", "coaching", "licensing"),
        ("2026-02-13", "written_cap", "licensing"),
    ]
    assert shown(step("2026-02-09", "2026-02-13", *chain)) is None
    assert shown(step("2026-02-09", "2026-02-14", *chain)) is None
    assert shown(step("2026-02-09", "2026-02-16", *chain)) is None  # the holiday
    assert shown(step("2026-02-09", "2026-02-17", *chain)) == ("final_cap", "2026-02-17", "due")
    chain.append(("2026-02-17", "final_cap", "licensing"))
    assert shown(step("2026-02-09", "2026-02-18", *chain)) == (
        "termination_review",
        "2026-02-18",
        "due",
    )
    assert shown(step("2026-02-09", "2026-02-20", *chain)) == (
        "termination_review",
        "2026-02-18",
        "overdue",
    )
    chain.append(("2026-02-19", "termination_review", "licensing"))
    assert step("2026-02-09", "2026-02-20", *chain) is None
    assert step("2026-02-09", "2026-03-31", *chain) is None


def test_it_never_skips_a_step_when_a_later_one_is_delivered_first_R_L3b(step):
    delivered = ("2026-02-05", "written_cap", "licensing")
    assert shown(step("2026-02-02", "2026-02-09", delivered)) == (
        "coaching",
        "2026-02-05",
        "overdue",
    )


def test_it_counts_a_later_step_delivered_out_of_order_once_the_earlier_one_is_delivered_R_L3b(
    step,
):
    # Written CAP delivered Wed 02-04 (before anything fell due), coaching late on Fri 02-06:
    # written CAP falls due Mon 02-09 and counts as delivered (earliest delivery <= D);
    # final CAP falls due the business day after written CAP fell due, Tue 02-10.
    out_of_order = [
        ("2026-02-04", "written_cap", "licensing"),
        ("2026-02-06", "coaching", "licensing"),
    ]
    assert shown(step("2026-02-02", "2026-02-06", *out_of_order)) is None
    assert shown(step("2026-02-02", "2026-02-09", *out_of_order)) is None
    assert shown(step("2026-02-02", "2026-02-10", *out_of_order)) == (
        "final_cap",
        "2026-02-10",
        "due",
    )


def test_it_counts_the_earliest_delivery_of_a_step_R_L3b(step):
    twice = [("2026-02-10", "coaching", "licensing"), ("2026-02-03", "coaching", "licensing")]
    assert shown(step("2026-02-02", "2026-02-10", *twice)) == (
        "written_cap",
        "2026-02-06",
        "overdue",
    )


def test_it_ignores_a_delivery_dated_after_the_as_of_date_R_L3b(step):
    later = ("2026-02-10", "coaching", "licensing")
    assert shown(step("2026-02-02", "2026-02-06", later)) == ("coaching", "2026-02-05", "overdue")


def test_it_ignores_deliveries_on_another_ladder_R_L3b(step):
    other = [("2026-02-05", "coaching", "esp"), ("2026-02-05", "coaching", "exams")]
    assert shown(step("2026-02-02", "2026-02-06", *other)) == ("coaching", "2026-02-05", "overdue")


def test_it_shows_nothing_once_the_ladder_tasks_are_done_R_L3a_R_L4(step):
    assert step("2026-02-02", "2026-02-06", tasks_done=True) is None
    delivered = ("2026-02-05", "coaching", "licensing")
    assert step("2026-02-02", "2026-02-20", delivered, tasks_done=True) is None


def test_it_shows_at_most_one_step_and_the_first_undelivered_one_R_L3a(step):
    # Nothing delivered for weeks: still only coaching shows, overdue.
    assert shown(step("2026-02-02", "2026-03-02")) == ("coaching", "2026-02-05", "overdue")


def test_it_counts_the_timeframe_from_a_phase_start_given_on_a_holiday_R_L2(step):
    # A phase start on MLK Day counts from Tue 01-20: coaching due Fri 01-23.
    assert shown(step("2026-01-19", "2026-01-23")) == ("coaching", "2026-01-23", "due")


def test_it_finds_the_earliest_delivery_on_or_before_the_as_of_date():
    facts = deliveries(
        ("2026-02-10", "coaching", "esp"),
        ("2026-02-04", "coaching", "esp"),
        ("2026-02-03", "coaching", "licensing"),
    )
    assert earliest_delivery(facts, "esp", "coaching", D("2026-02-20")) == D("2026-02-04")
    assert earliest_delivery(facts, "esp", "coaching", D("2026-02-03")) is None
    assert earliest_delivery(facts, "esp", "written_cap", D("2026-02-20")) is None


# -- R-N4a: the exams ladder ---------------------------------------------------------------------


@pytest.fixture
def exams(calendar):
    def show(as_of, exam_rows, delivered=()):
        steps = exam_steps(calendar, exam_facts(*exam_rows), deliveries(*delivered), D(as_of))
        return [(s.ladder, s.step, s.due_on.isoformat(), s.status) for s in steps]

    return show


def test_it_makes_coaching_due_the_next_business_day_after_a_first_fail_R_N4a(exams):
    fail = [("2026-01-16", "ahip", "failed")]  # Friday before MLK Day
    assert exams("2026-01-16", fail) == []
    assert exams("2026-01-19", fail) == []  # MLK Day
    assert exams("2026-01-20", fail) == [("exams", "coaching", "2026-01-20", "due")]
    assert exams("2026-01-21", fail) == [("exams", "coaching", "2026-01-20", "overdue")]


def test_it_makes_the_kth_fail_owe_step_k_and_shows_the_highest_undelivered_R_N4a(exams):
    fails = [
        ("2026-02-09", "carrier_cert", "failed"),
        ("2026-02-11", "carrier_cert", "failed"),
        ("2026-02-13", "carrier_cert", "failed"),
    ]
    assert exams("2026-02-10", fails) == [("exams", "coaching", "2026-02-10", "due")]
    assert exams("2026-02-11", fails) == [("exams", "coaching", "2026-02-10", "overdue")]
    assert exams("2026-02-12", fails) == [("exams", "written_cap", "2026-02-12", "due")]
    assert exams("2026-02-16", fails) == [("exams", "written_cap", "2026-02-12", "overdue")]
    # Third fail Fri 02-13 -> final CAP due after Presidents' Day.
    assert exams("2026-02-17", fails) == [("exams", "final_cap", "2026-02-17", "due")]


def test_it_shows_an_undelivered_lower_step_when_the_higher_one_is_delivered_R_N4a(exams):
    fails = [("2026-02-09", "ahip", "failed"), ("2026-02-10", "ahip", "failed")]
    written = [("2026-02-11", "written_cap", "exams")]
    assert exams("2026-02-12", fails, written) == [("exams", "coaching", "2026-02-10", "overdue")]


def test_it_shows_nothing_once_every_owed_step_is_delivered_R_N4a(exams):
    fails = [("2026-02-09", "ahip", "failed"), ("2026-02-10", "ahip", "failed")]
    delivered = [("2026-02-10", "coaching", "exams"), ("2026-02-11", "written_cap", "exams")]
    assert exams("2026-02-12", fails, delivered) == []


def test_it_keeps_a_step_owed_after_a_later_pass_R_N4a(exams):
    rows = [("2026-01-16", "ahip", "failed"), ("2026-01-20", "ahip", "passed")]
    assert exams("2026-01-21", rows) == [("exams", "coaching", "2026-01-20", "overdue")]


def test_it_counts_a_delivery_from_the_fail_day_on_R_N4a(exams):
    fail = [("2026-02-10", "ahip", "failed")]
    before = [("2026-02-09", "coaching", "exams")]
    on_the_day = [("2026-02-10", "coaching", "exams")]
    assert exams("2026-02-12", fail, before) == [("exams", "coaching", "2026-02-11", "overdue")]
    assert exams("2026-02-12", fail, on_the_day) == []


def test_it_ignores_a_delivery_after_the_as_of_date_or_on_another_ladder_R_N4a(exams):
    fail = [("2026-02-10", "ahip", "failed")]
    assert exams("2026-02-11", fail, [("2026-02-12", "coaching", "exams")]) == [
        ("exams", "coaching", "2026-02-11", "due")
    ]
    assert exams("2026-02-11", fail, [("2026-02-11", "coaching", "licensing")]) == [
        ("exams", "coaching", "2026-02-11", "due")
    ]


def test_it_counts_each_exam_apart_R_N4a(exams):
    rows = [
        ("2026-02-09", "ahip", "failed"),
        ("2026-02-10", "tbt:101", "failed"),
        ("2026-02-10", "tbt:102", "failed"),
        ("2026-02-11", "tbt:102", "failed"),
    ]
    assert exams("2026-02-12", rows) == [
        ("exams", "coaching", "2026-02-10", "overdue"),  # ahip
        ("exams", "coaching", "2026-02-11", "overdue"),  # tbt:101
        ("exams", "written_cap", "2026-02-12", "due"),  # tbt:102
    ]


def test_it_does_not_count_a_delivery_made_before_another_exams_fail_R_N4a(exams):
    rows = [("2026-02-09", "ahip", "failed"), ("2026-02-11", "carrier_cert", "failed")]
    coaching = [("2026-02-10", "coaching", "exams")]
    assert exams("2026-02-12", rows, coaching) == [("exams", "coaching", "2026-02-12", "due")]


def test_it_makes_two_fails_on_one_day_owe_the_written_cap_R_N4a(exams):
    rows = [("2026-02-13", "ahip", "failed"), ("2026-02-13", "ahip", "failed")]
    assert exams("2026-02-17", rows) == [("exams", "written_cap", "2026-02-17", "due")]


def test_it_owes_no_step_beyond_the_final_cap_after_a_fourth_fail_R_N4a(exams):
    rows = [
        ("2026-02-02", "ahip", "failed"),
        ("2026-02-03", "ahip", "failed"),
        ("2026-02-04", "ahip", "failed"),
        ("2026-02-05", "ahip", "failed"),
    ]
    delivered = [
        ("2026-02-03", "coaching", "exams"),
        ("2026-02-04", "written_cap", "exams"),
        ("2026-02-05", "final_cap", "exams"),
    ]
    assert exams("2026-02-09", rows) == [("exams", "final_cap", "2026-02-05", "overdue")]
    assert exams("2026-02-09", rows, delivered) == []


def test_it_ignores_passes_and_fails_after_the_as_of_date_R_N4a(exams):
    rows = [("2026-02-09", "ahip", "passed"), ("2026-02-13", "ahip", "failed")]
    assert exams("2026-02-12", rows) == []
