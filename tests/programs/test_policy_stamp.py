"""Issue 14: a program's policy and calendar are built once per settings version and kept in
the process; any settings row written gives the program a new stamp in the writer's
transaction, so a page never reads a policy from before a change (SPEC: policy is data)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from esp.programs.calendars import calendar_for
from esp.programs.models import Closure, LadderStep, Program
from esp.programs.services import program_copy

pytestmark = pytest.mark.django_db


def fresh(program: Program) -> Program:
    """The program as the next request reads it."""
    return Program.objects.get(pk=program.pk)


def test_the_policy_is_read_once_per_settings_version(program):
    fresh(program).policy()
    with CaptureQueriesContext(connection) as again:
        fresh(program).policy()
    assert len(again) == 1  # the program's row only


def test_a_changed_threshold_is_read_by_the_next_request(program):
    before = fresh(program).policy()
    section = program.sections.get(key="ahip_carrier")
    section.threshold_days = 9
    section.save()
    after = fresh(program).policy()
    assert before != after
    assert {s.key: s.threshold_days for s in after.sections}["ahip_carrier"] == 9


def test_a_ladder_step_renamed_or_removed_is_read_by_the_next_request(program):
    """A step names no program: every program is stamped."""
    fresh(program).policy()
    ladder = program.ladders.get(kind="exams")
    step = LadderStep.objects.filter(ladder=ladder).order_by("-order").first()
    step.delete()
    assert step.key not in fresh(program).policy().exam_steps


def test_a_task_taken_out_of_a_section_is_read_by_the_next_request(program):
    fresh(program).policy()
    section = program.sections.get(key="ahip_carrier")
    task = section.tasks.order_by("order").first()
    section.tasks.remove(task)
    sections = {s.key: s.tasks for s in fresh(program).policy().sections}
    assert task.key not in sections["ahip_carrier"]


def test_a_closure_added_is_in_the_next_requests_calendar(program):
    monday = date(2026, 12, 14)
    assert calendar_for(fresh(program)).is_business_day(monday)
    Closure.objects.create(program=program, date=monday, reason="Site move")
    assert not calendar_for(fresh(program)).is_business_day(monday)


def test_a_change_rolled_back_leaves_no_policy_behind(program):
    section = program.sections.get(key="ahip_carrier")
    kept = section.threshold_days
    with pytest.raises(RuntimeError), transaction.atomic():
        section.threshold_days = 7
        section.save()
        assert {s.key: s.threshold_days for s in fresh(program).policy().sections}[
            "ahip_carrier"
        ] == 7
        raise RuntimeError("rolled back")
    assert {s.key: s.threshold_days for s in fresh(program).policy().sections}[
        "ahip_carrier"
    ] == kept


def test_a_copied_program_reads_its_own_rows(program):
    program.policy()
    copy = program_copy(program, key="esp-humana", name="ESP Humana")
    assert fresh(copy).policy() == fresh(program).policy()
    assert fresh(copy).policy_stamp != fresh(program).policy_stamp
