"""An agent's progress as of a date: employment (R-P3), task statuses (R-P4, R-T5),
derived completions (equipment, TBT courses, calls), ESP complete (R-P2), moves (R-T3).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from esp.rules.progress import AgentProgress

D = date.fromisoformat

LICENSING_DONE = [
    ("2026-01-08", "task", "producer_world", "done"),
    ("2026-01-12", "task", "ahip", "done"),
    ("2026-01-12", "task", "carrier_cert", "done"),
]


@pytest.fixture
def home(make_class):
    # Licensing Wed 2026-01-07, training Tue 01-13, ESP Wed 01-28, production Mon 02-02.
    return make_class("PRV-0105", "2026-01-05")


@pytest.fixture
def progress_of(policy, make_agent, home):
    def build(facts, *, with_policy=None, move_classes=()):
        record = make_agent("E1", home, facts, first="Jane", last="Doe", move_classes=move_classes)
        return AgentProgress(record, with_policy or policy)

    return build


# -- R-P3: employment -----------------------------------------------------------------------------


def test_it_treats_an_agent_with_no_employment_change_as_active_R_P3(progress_of):
    assert progress_of([]).is_active(D("2026-01-05"))


@pytest.mark.parametrize("change", ["termed", "resigned", "withdrawn"])
def test_it_removes_an_agent_from_the_date_of_an_employment_change_on_R_P3(progress_of, change):
    progress = progress_of([("2026-01-20", "status", "employment", change)])
    assert progress.is_active(D("2026-01-16"))
    assert not progress.is_active(D("2026-01-20"))
    assert not progress.is_active(D("2026-03-02"))


def test_it_lets_the_latest_employment_change_win_when_re_activated_R_P3(progress_of):
    progress = progress_of(
        [
            ("2026-01-20", "status", "employment", "withdrawn"),
            ("2026-01-26", "status", "employment", "active"),
        ]
    )
    assert not progress.is_active(D("2026-01-23"))
    assert progress.is_active(D("2026-01-26"))


def test_it_applies_same_date_employment_changes_in_entry_order_R_P3_R_P4(progress_of):
    termed_then_active = progress_of(
        [
            ("2026-01-20", "status", "employment", "termed"),
            ("2026-01-20", "status", "employment", "active"),
        ]
    )
    active_then_termed = progress_of(
        [
            ("2026-01-20", "status", "employment", "active"),
            ("2026-01-20", "status", "employment", "termed"),
        ]
    )
    assert termed_then_active.is_active(D("2026-01-20"))
    assert not active_then_termed.is_active(D("2026-01-20"))


# -- R-P4, R-T5: task statuses --------------------------------------------------------------------


def test_it_takes_the_latest_status_on_or_before_the_as_of_date_R_P4(progress_of):
    progress = progress_of(
        [
            ("2026-01-07", "task", "ahip", "in_progress"),
            ("2026-01-09", "task", "ahip", "failed"),
            ("2026-01-13", "task", "ahip", "done"),
        ]
    )
    assert progress.task_status("ahip", D("2026-01-06")) is None
    assert progress.task_status("ahip", D("2026-01-08")) == "in_progress"
    assert progress.task_status("ahip", D("2026-01-12")) == "failed"
    assert progress.task_status("ahip", D("2026-01-13")) == "done"
    assert not progress.is_done("ahip", D("2026-01-12"))
    assert progress.is_done("ahip", D("2026-01-13"))


def test_it_applies_same_date_statuses_in_entry_order_R_P4(progress_of):
    done_last = progress_of(
        [("2026-01-09", "task", "rts", "in_progress"), ("2026-01-09", "task", "rts", "done")]
    )
    done_first = progress_of(
        [("2026-01-09", "task", "rts", "done"), ("2026-01-09", "task", "rts", "in_progress")]
    )
    assert done_last.is_done("rts", D("2026-01-09"))
    assert not done_first.is_done("rts", D("2026-01-09"))


def test_it_honours_a_completion_dated_on_the_as_of_date_but_not_after_R_T5(progress_of):
    progress = progress_of([("2026-01-16", "task", "producer_world", "done")])
    assert not progress.is_done("producer_world", D("2026-01-15"))
    assert progress.is_done("producer_world", D("2026-01-16"))
    assert progress.is_done("producer_world", D("2026-01-19"))


def test_it_lets_not_applicable_satisfy_a_task_like_done_R_P4(progress_of):
    progress = progress_of([("2026-01-28", "task", "rts", "not_applicable")])
    assert progress.is_done("rts", D("2026-01-28"))


@pytest.mark.parametrize("status", ["not_started", "in_progress", "failed"])
def test_it_does_not_count_other_statuses_as_done_R_P4(progress_of, status):
    progress = progress_of([("2026-01-28", "task", "rts", status)])
    assert not progress.is_done("rts", D("2026-01-30"))


def test_it_does_not_complete_ahip_by_passing_the_ahip_final_exam_R_P4(progress_of):
    progress = progress_of([("2026-01-09", "exam", "ahip", "passed")])
    assert not progress.is_done("ahip", D("2026-01-12"))


# -- derived completions ----------------------------------------------------------------------


def test_it_completes_equipment_when_the_equipment_is_verified_R_P4_R_Q1(progress_of):
    progress = progress_of(
        [
            ("2026-01-26", "equipment", "received", ""),
            ("2026-01-28", "equipment", "verified", ""),
        ]
    )
    assert not progress.is_done("equipment", D("2026-01-27"))
    assert progress.is_done("equipment", D("2026-01-28"))


def test_it_reopens_equipment_when_a_later_status_is_an_issue_R_P4_R_Q1(progress_of):
    progress = progress_of(
        [
            ("2026-01-28", "equipment", "verified", ""),
            ("2026-01-30", "equipment", "issue", "INC0012345"),
        ]
    )
    assert progress.is_done("equipment", D("2026-01-29"))
    assert not progress.is_done("equipment", D("2026-01-30"))


def test_it_completes_equipment_marked_done_directly_SPEC_3(progress_of):
    progress = progress_of([("2026-01-28", "task", "equipment", "done")])
    assert progress.is_done("equipment", D("2026-01-28"))


def test_it_completes_tbt_only_by_marking_done_while_the_course_list_is_empty_SPEC_3(
    progress_of,
):
    progress = progress_of([("2026-01-28", "tbt", "101", "done")])
    assert not progress.is_done("tbt", D("2026-01-30"))
    marked = progress_of([("2026-01-29", "task", "tbt", "done")])
    assert marked.is_done("tbt", D("2026-01-29"))


def test_it_completes_tbt_when_every_course_has_a_proof_R_B1(progress_of, policy):
    with_courses = dataclasses.replace(policy, tbt_courses=("101", "102"))
    progress = progress_of(
        [("2026-01-28", "tbt", "101", "done"), ("2026-01-30", "tbt", "102", "done")],
        with_policy=with_courses,
    )
    assert not progress.is_done("tbt", D("2026-01-29"))
    assert progress.is_done("tbt", D("2026-01-30"))


def test_it_completes_call_cert_when_the_program_is_passed_R_C4(progress_of):
    scores = ["100", "85", "90", "84", "86"]  # 4 of 5 at 85 or more
    calls = [("2026-01-29", "call", str(n), s) for n, s in enumerate(scores, start=1)]
    progress = progress_of(calls)
    assert not progress.is_done("call_cert", D("2026-01-28"))
    assert progress.is_done("call_cert", D("2026-01-29"))


# -- R-P2, R-P4: ESP complete -----------------------------------------------------------------

ESP_DONE = LICENSING_DONE + [
    ("2026-01-28", "equipment", "verified", ""),
    ("2026-01-29", "task", "rts", "done"),
    ("2026-01-30", "task", "tbt", "done"),
]


def test_it_makes_an_agent_esp_complete_when_every_task_but_transfer_is_done_R_P2(progress_of):
    progress = progress_of(ESP_DONE + [("2026-02-03", "task", "call_cert", "done")])
    assert not progress.is_esp_complete(D("2026-02-02"))
    assert progress.is_esp_complete(D("2026-02-03"))
    assert progress.esp_complete_since(D("2026-02-02")) is None
    assert progress.esp_complete_since(D("2026-02-03")) == D("2026-02-03")
    assert progress.esp_complete_since(D("2026-02-10")) == D("2026-02-03")


def test_it_counts_not_applicable_towards_esp_complete_R_P4(progress_of):
    facts = LICENSING_DONE + [
        ("2026-01-28", "task", "equipment", "not_applicable"),
        ("2026-01-28", "task", "rts", "not_applicable"),
        ("2026-01-29", "task", "tbt", "not_applicable"),
        ("2026-01-30", "task", "call_cert", "done"),
    ]
    assert progress_of(facts).esp_complete_since(D("2026-02-02")) == D("2026-01-30")


def test_it_dates_esp_complete_from_the_first_day_of_the_current_unbroken_run_R_P4(progress_of):
    facts = ESP_DONE + [
        ("2026-02-03", "task", "call_cert", "done"),
        ("2026-02-05", "task", "rts", "in_progress"),  # broken: RTS re-opened
        ("2026-02-10", "task", "rts", "done"),  # complete again
        ("2026-02-12", "note", "", ""),  # unrelated facts do not restart the run
    ]
    progress = progress_of(facts)
    assert progress.esp_complete_since(D("2026-02-04")) == D("2026-02-03")
    assert progress.esp_complete_since(D("2026-02-06")) is None
    assert progress.esp_complete_since(D("2026-02-10")) == D("2026-02-10")
    assert progress.esp_complete_since(D("2026-02-16")) == D("2026-02-10")


def test_it_does_not_need_transfer_for_esp_complete_and_dates_the_transfer_R_P2(progress_of):
    facts = ESP_DONE + [
        ("2026-02-03", "task", "call_cert", "done"),
        ("2026-02-05", "task", "transfer", "done"),
    ]
    progress = progress_of(facts)
    assert progress.is_esp_complete(D("2026-02-05"))
    assert progress.transferred_on(D("2026-02-04")) is None
    assert progress.transferred_on(D("2026-02-06")) == D("2026-02-05")


# -- R-T3: moves --------------------------------------------------------------------------------


def test_it_switches_to_the_new_class_dates_from_the_move_date_on_R_T3(
    progress_of, make_class, home
):
    later = make_class("SLC-0112", "2026-01-12")  # ESP starts Wed 2026-02-04
    progress = progress_of([("2026-01-30", "move", "SLC-0112", "")], move_classes=(later,))
    assert progress.class_dates(D("2026-01-29")) == home
    assert progress.phase_start("esp", D("2026-01-29")) == D("2026-01-28")
    assert progress.class_dates(D("2026-01-30")).code == "SLC-0112"
    assert progress.phase_start("esp", D("2026-01-30")) == D("2026-02-04")


def test_it_applies_the_latest_move_on_or_before_the_as_of_date_R_T3(progress_of, make_class):
    first = make_class("SLC-0112", "2026-01-12")
    second = make_class("MEM-0120", "2026-01-20")
    progress = progress_of(
        [("2026-01-30", "move", "SLC-0112", ""), ("2026-02-04", "move", "MEM-0120", "")],
        move_classes=(first, second),
    )
    assert progress.class_dates(D("2026-02-03")).code == "SLC-0112"
    assert progress.class_dates(D("2026-02-04")).code == "MEM-0120"
