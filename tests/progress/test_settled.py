"""Issue 14: each agent's `settled_on`, the first day from which their facts show them
transferred or gone (R-P3), kept from the facts in every write's transaction; the scopes
skip the settled agents before their exact checks, so it must never claim an agent in
flight settled. With it `tasks_done` and `facts_until`: from `facts_until` on, the marks are
the exact answer (the scopes read them instead of the facts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esp.progress.services.activity import import_activity
from esp.progress.services.settled import marks_of, settle_all
from esp.roster.models import Agent
from esp.rules.board import ENDED, in_flight
from esp.rules.progress import AgentProgress
from esp.rules.records import AgentRecord, ClassDates, Fact
from tests.progress.test_import_batches import agents  # noqa: F401 - E001, E002 in AET-A
from tests.rules.conftest import default_policy

D = date.fromisoformat
DAY0 = date(2026, 11, 2)
COURSES = ("T1", "T2")
POLICY = replace(default_policy(), tbt_courses=COURSES)
TASK_VALUES = ("done", "not_applicable", "in_progress", "")
TASKS = ("transfer", "ahip", "carrier_cert", "call_cert", "tbt", "equipment")
#: (kind, items, values) of the facts drawn: the tasks' own, the employment status, and
#: what a derived "done" is computed from (calls R-C4, courses, equipment R-P4); a note the
#: marks do not read.
DRAWN = (
    ("task", TASKS, TASK_VALUES),
    ("status", ("employment",), ("active", *ENDED)),
    ("call", ("1", "2", "3", "4", "5"), ("100", "90", "85", "60")),
    ("tbt", COURSES, ("done", "in_progress")),
    ("equipment", ("received", "verified", "issue"), ("",)),
    ("note", ("",), ("a remark",)),
)

facts_strategy = st.lists(
    st.sampled_from(DRAWN).flatmap(
        lambda drawn: st.tuples(
            st.just(drawn[0]),
            st.sampled_from(drawn[1]),
            st.sampled_from(drawn[2]),
            st.integers(0, 20).map(lambda n: DAY0 + timedelta(days=n)),
        )
    ),
    max_size=12,
)


def record_of(facts) -> AgentRecord:
    """The rules' record of facts drawn in entry order (sorted by date, then entry)."""
    numbered = sorted(
        Fact(day, seq, kind, item, value) for seq, (kind, item, value, day) in enumerate(facts)
    )
    return AgentRecord("E001", "Ann", "Able", ClassDates("AET-A", {}), tuple(numbered))


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.integers(0, 25))
def test_a_day_from_settled_on_on_is_always_a_day_out_of_flight(facts, offset):
    """Sound whatever the order the facts were entered and their dates: from `settled_on` on,
    the agent is out of flight by the exact rule (the scopes may skip them)."""
    record = record_of(facts)
    settled = marks_of(record, POLICY).settled_on
    day = DAY0 + timedelta(days=offset)
    if settled is not None and day >= settled:
        assert not in_flight(record.facts, day)


@settings(max_examples=300, deadline=None)
@given(facts_strategy, st.integers(0, 25))
def test_from_facts_until_on_the_marks_are_the_exact_answer(facts, offset):
    """Whatever the entry order: on a day from `facts_until` on, `tasks_done` names exactly
    the tasks the rules call done (R-P4; the Call Cert by its calls, R-C4; the TBT by its
    courses; the equipment task by the equipment verified), and `settled_on` says exactly
    whether the agent is out of flight (R-P3)."""
    record = record_of(facts)
    marks = marks_of(record, POLICY)
    day = DAY0 + timedelta(days=offset)
    if marks.facts_until is None or day < marks.facts_until:
        return
    progress = AgentProgress(record, POLICY)
    done = {key for key in POLICY.task_keys if progress.is_done(key, day)}
    assert set(filter(None, marks.tasks_done.split(","))) == done
    assert (marks.settled_on is not None and marks.settled_on <= day) != in_flight(
        record.facts, day
    )


def test_the_earlier_of_a_transfer_and_an_end_of_employment_counts():
    def settled(*facts):
        return marks_of(record_of(facts), POLICY).settled_on

    assert settled(
        ("status", "employment", "termed", D("2026-11-20")),
        ("task", "transfer", "done", D("2026-11-10")),
    ) == D("2026-11-10")
    undone = ("task", "transfer", "in_progress", D("2026-11-12"))  # in flight again
    assert settled(("task", "transfer", "done", D("2026-11-10")), undone) is None
    rehired = ("status", "employment", "active", D("2026-11-06"))
    assert settled(("status", "employment", "resigned", D("2026-11-05")), rehired) is None


def test_a_call_cert_passed_by_its_calls_is_done_without_a_task_fact():
    """R-C4: five calls scored, 80% or more passed: the Call Cert is done, no task fact."""
    calls = [("call", str(n), "90", D("2026-11-20")) for n in range(1, 6)]
    marks = marks_of(record_of(calls), POLICY)
    assert (marks.tasks_done, marks.facts_until) == (",call_cert,", D("2026-11-20"))
    failed = calls[:3] + [("call", n, "60", D("2026-11-21")) for n in ("4", "5")]
    assert marks_of(record_of(failed), POLICY).tasks_done == ""


def settled_on(employee_id: str):
    return Agent.objects.get(employee_id=employee_id).settled_on


@pytest.mark.usefixtures("agents")
def test_the_activity_import_keeps_settled_on(write):
    """An import's facts settle their agents in its transaction, and undo them likewise."""
    header = "date,employee_id,kind,item,value,by,note\n"
    import_activity(
        write(
            header + "2026-11-20,E001,task,transfer,done,pm@cxp.example,\n"
            "2026-11-18,E002,status,employment,termed,pm@cxp.example,\n"
        )
    )
    assert (settled_on("E001"), settled_on("E002")) == (D("2026-11-20"), D("2026-11-18"))
    ann = Agent.objects.get(employee_id="E001")
    assert (ann.tasks_done, ann.facts_until) == (",transfer,", D("2026-11-20"))
    import_activity(write(header + "2026-11-23,E001,task,transfer,in_progress,pm@cxp.example,\n"))
    assert settled_on("E001") is None
    ann.refresh_from_db()
    assert (ann.tasks_done, ann.facts_until) == ("", D("2026-11-23"))


@pytest.mark.usefixtures("agents")
def test_settle_all_recomputes_from_the_facts(write):
    """`esp rebuild` after a restore: a stale value is put right."""
    header = "date,employee_id,kind,item,value,by,note\n"
    import_activity(write(header + "2026-11-20,E001,task,transfer,done,pm@cxp.example,\n"))
    Agent.objects.update(settled_on=D("2026-11-01"))  # as a restore of another day might
    assert settle_all() == 2
    assert (settled_on("E001"), settled_on("E002")) == (D("2026-11-20"), None)
    assert list(Agent.objects.order_by("employee_id").values_list("tasks_done", flat=True)) == [
        ",transfer,",
        "",
    ]
