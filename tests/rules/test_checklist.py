"""R-N5: the TL's evening checklist, database-free.

LIC-B starts Wednesday 11/25/2026 (Thanksgiving is Thursday 11/26): its licensing ladder's
coaching falls due after 3 business days of the licensing phase.
"""

from __future__ import annotations

from datetime import date

from esp.rules.checklist import DayMarks, day_marks, delivered_on, evening_checklist
from esp.rules.progress import AgentProgress
from esp.rules.reports import action_lines

FRIDAY = date(2026, 12, 4)
SATURDAY = date(2026, 12, 5)


def test_it_marks_only_the_facts_of_the_day(make_class, make_agent):
    klass = make_class("LIC-B", "2026-11-25")
    touched = make_agent("E1", klass, [(FRIDAY, "tbt", "course_1", "done")])
    yesterday = make_agent("E2", klass, [("2026-12-03", "task", "ahip", "done")])
    reported = make_agent("E3", klass, [(FRIDAY, "self_report", "", "")])
    marks = day_marks([touched, yesterday, reported], FRIDAY)
    assert marks == DayMarks(frozenset({"E1"}), frozenset({"E3"}))
    assert day_marks([touched, yesterday, reported], SATURDAY) == DayMarks()


def test_it_counts_the_steps_delivered_on_the_day(make_class, make_agent):
    klass = make_class("LIC-B", "2026-11-25")
    record = make_agent(
        "E1",
        klass,
        [("2026-11-30", "action", "licensing", "coaching"), (FRIDAY, "action", "esp", "coaching")],
    )
    assert delivered_on(record, FRIDAY) == 1
    assert delivered_on(record, SATURDAY) == 0


def test_it_lists_who_was_not_touched_not_reported_and_the_due_steps(
    make_class, make_agent, context, policy
):
    klass = make_class("LIC-B", "2026-11-25")
    ann = make_agent("E1", klass, [(FRIDAY, "task", "ahip", "in_progress")], first="Ann")
    bob = make_agent("E2", klass, [(FRIDAY, "self_report", "", "")], first="Bob")
    ctx = context(FRIDAY)
    progresses = [AgentProgress(ann, policy), AgentProgress(bob, policy)]
    checklist = evening_checklist(progresses, ctx, day_marks([ann, bob], FRIDAY))
    assert checklist.agents == 2
    assert [a["employee_id"] for a in checklist.not_touched] == ["E2"]
    assert [a["employee_id"] for a in checklist.not_reported] == ["E1"]
    expected = [
        {"employee_id": p.record.employee_id, "name": p.record.name, "class_code": "LIC-B", **a}
        for p in progresses
        for a in action_lines(p, ctx)
    ]
    assert checklist.due == expected
    assert checklist.due, "the licensing coaching is due by Friday"
    assert not checklist.all_done


def test_it_leaves_out_an_agent_who_left_before_the_month_end(
    make_class, make_agent, context, policy
):
    klass = make_class("LIC-B", "2026-11-25")
    gone = make_agent("E9", klass, [("2026-11-30", "status", "employment", "termed")])
    checklist = evening_checklist([AgentProgress(gone, policy)], context("2026-12-01"), DayMarks())
    assert checklist.agents == 0 and checklist.all_done


def test_it_names_the_agents_not_updated_and_counts_a_confirmed_unchanged_status(
    make_class, make_agent, context, policy
):
    """Seed 001: "TL's must ensure the ESP Tracker is up to date before logging off each
    evening" — an agent whose statuses did not change is confirmed unchanged in one click and
    leaves the list; the others are named (issue 15 item 12)."""
    klass = make_class("LIC-B", "2026-11-25")
    ann = make_agent("E1", klass, [], first="Ann")
    bob = make_agent("E2", klass, [], first="Bob")
    marks = DayMarks(confirmed=frozenset({"E1"}))
    found = evening_checklist(
        [AgentProgress(ann, policy), AgentProgress(bob, policy)], context(FRIDAY), marks
    )
    assert [a["name"] for a in found.not_touched] == [bob.name]


def test_it_skips_classes_not_started_and_asks_for_the_tickets_of_the_five_forms(
    make_class, make_agent, context, policy
):
    """Seed 001: "TL's must ensure all Tickets have been submitted before logging off each
    evening using the five forms" — a check of its own; a class starting next week owes
    nothing yet (issue 15 item 12)."""
    later = make_class("LIC-C", "2026-12-07")
    agent = make_agent("E5", later, [])
    found = evening_checklist(
        [AgentProgress(agent, policy)], context(FRIDAY), DayMarks(), tickets_confirmed=False
    )
    assert found.agents == 0 and not found.not_touched
    assert not found.all_done  # the tickets are not confirmed
    found = evening_checklist(
        [AgentProgress(agent, policy)], context(FRIDAY), DayMarks(), tickets_confirmed=True
    )
    assert found.all_done
