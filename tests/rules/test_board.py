"""The class board's chips (SPEC §9, esp.rules.board): what a task shows for an agent as of a
day, worked out from the facts alone (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from esp.rules.board import NOT_STARTED, NOT_YET, direct_status, task_chip
from esp.rules.progress import AgentProgress
from esp.rules.records import DONE, FAILED, IN_PROGRESS, NOT_APPLICABLE
from esp.rules.reports import incompletion_lines


@pytest.fixture
def chip_of(policy, make_agent, make_class, context):
    # Licensing Wed 2026-01-07, training Tue 01-13, ESP Wed 01-28, production Mon 02-02.
    home = make_class("PRV-0105", "2026-01-05")
    tasks = {task.key: task for task in policy.tasks}

    def chip(task: str, as_of: str, facts=()):
        progress = AgentProgress(make_agent("E1", home, facts), policy)
        return task_chip(progress, tasks[task], context(as_of))

    return chip


def test_a_task_whose_phase_has_not_begun_is_not_yet_and_has_no_age(chip_of):
    chip = chip_of("producer_world", "2026-01-06")
    assert (chip.status, chip.age, chip.based_on, chip.detail) == (NOT_YET, None, None, "")


def test_a_task_of_a_begun_phase_with_nothing_recorded_ages_in_business_days(chip_of):
    chip = chip_of("producer_world", "2026-01-12")  # Wed 7, Thu 8, Fri 9 (weekend skipped)
    assert (chip.status, chip.age) == (NOT_STARTED, 3)


def test_a_status_set_directly_shows_and_is_what_the_page_is_based_on(chip_of):
    facts = [("2026-01-08", "task", "ahip", "in_progress")]
    chip = chip_of("ahip", "2026-01-09", facts)
    assert (chip.status, chip.based_on, chip.age) == (IN_PROGRESS, 0, 2)


def test_a_failed_status_shows_failed(chip_of):
    chip = chip_of("ahip", "2026-01-09", [("2026-01-08", "task", "ahip", "failed")])
    assert chip.status == FAILED


def test_a_done_task_has_no_age_and_not_applicable_shows_as_such(chip_of):
    done = chip_of("ahip", "2026-01-12", [("2026-01-08", "task", "ahip", "done")])
    assert (done.status, done.age) == (DONE, None)
    na = chip_of("ahip", "2026-01-12", [("2026-01-08", "task", "ahip", "not_applicable")])
    assert (na.status, na.age) == (NOT_APPLICABLE, None)


def test_a_status_dated_after_the_as_of_day_is_not_seen(chip_of):
    chip = chip_of("ahip", "2026-01-08", [("2026-01-09", "task", "ahip", "done")])
    assert (chip.status, chip.based_on) == (NOT_STARTED, None)


def test_the_equipment_chip_says_its_latest_status_and_ticket(chip_of):
    facts = [("2026-01-28", "equipment", "received", "TCK-1")]
    chip = chip_of("equipment", "2026-01-29", facts)
    assert (chip.status, chip.detail) == (IN_PROGRESS, "received (TCK-1)")


def test_the_direct_status_is_the_latest_of_that_task_only(policy, make_agent, make_class):
    facts = [
        ("2026-01-08", "task", "ahip", "in_progress"),
        ("2026-01-08", "task", "carrier_cert", "done"),
        ("2026-01-09", "task", "ahip", "failed"),
    ]
    progress = AgentProgress(make_agent("E1", make_class("PRV-0105", "2026-01-05"), facts), policy)
    assert direct_status(progress, "ahip", date(2026, 1, 9)).value == "failed"
    assert direct_status(progress, "ahip", date(2026, 1, 8)).value == "in_progress"
    assert direct_status(progress, "rts", date(2026, 1, 9)) is None


def test_the_transfer_counts_from_esp_complete_as_transfer_needed_does(
    policy, make_agent, make_class, context
):
    """Issue 17: the board said "10 bd" (from the production phase) where the PM's Today said
    "ESP complete for 1 business day" (R-P4). One rule, `AgentProgress.task_start`, now."""
    home = make_class("PRV-0105", "2026-01-05")  # production starts Mon 02-02
    facts = [
        ("2026-02-11", "task", task.key, "done")
        for task in policy.tasks
        if task.key != policy.transfer_task
    ]
    progress = AgentProgress(make_agent("E1", home, facts), policy)
    transfer = policy.task(policy.transfer_task)
    ctx = context("2026-02-12")  # Thu: ESP complete since Wed 02-11, 1 business day
    chip = task_chip(progress, transfer, ctx)
    line = incompletion_lines(progress, ctx)[policy.transfer_section]
    assert (chip.status, chip.age) == (NOT_STARTED, 1) and line["age_business_days"] == 1
    before = task_chip(progress, transfer, context("2026-02-10"))  # not yet ESP complete
    assert (before.status, before.age) == (NOT_YET, None)
