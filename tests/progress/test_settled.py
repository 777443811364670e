"""Issue 14: each agent's `settled_on`, the first day from which their facts show them
transferred or gone (R-P3), kept from the facts in every write's transaction; the scopes
skip the settled agents before their exact checks, so it must never claim an agent in
flight settled. With it `tasks_done` and `facts_until`: from `facts_until` on, the marks are
the exact answer (the scopes read them instead of the facts)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esp.progress.services.activity import import_activity
from esp.progress.services.settled import marks_of, settle_all, settled_days
from esp.roster.models import Agent
from esp.rules.board import ENDED
from esp.rules.records import SATISFYING
from tests.progress.test_import_batches import agents  # noqa: F401 - E001, E002 in AET-A

D = date.fromisoformat
DAY0 = date(2026, 11, 2)
TRANSFER = ("task", "transfer")
EMPLOYMENT = ("status", "employment")
AHIP, CARRIER = ("task", "ahip"), ("task", "carrier_cert")
TASK_VALUES = ("done", "not_applicable", "in_progress", "")
VALUES = {TRANSFER: TASK_VALUES, EMPLOYMENT: ("active", *ENDED), AHIP: TASK_VALUES}
VALUES[CARRIER] = TASK_VALUES


def out_of_flight(facts, day: date) -> bool:
    """R-P3 as the scopes check it: the latest transfer fact dated by `day` done (or not
    applicable), or the latest employment status by then ended."""

    def latest(key):
        dated = [(d, n, v) for n, (k, v, d) in enumerate(facts) if k == key and d <= day]
        return max(dated)[2] if dated else None

    return latest(TRANSFER) in SATISFYING or latest(EMPLOYMENT) in ENDED


def latest_by(facts, key, day):
    dated = [(d, n, v) for n, (k, v, d) in enumerate(facts) if k == key and d <= day]
    return max(dated)[2] if dated else None


facts_strategy = st.lists(
    st.sampled_from(list(VALUES)).flatmap(
        lambda key: st.tuples(
            st.just(key),
            st.sampled_from(VALUES[key]),
            st.integers(0, 20).map(lambda n: DAY0 + timedelta(days=n)),
        )
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.integers(0, 25))
def test_a_day_from_settled_on_on_is_always_a_day_out_of_flight(facts, offset):
    """Sound whatever the order the facts were entered and their dates: from `settled_on` on,
    the agent is out of flight by the exact rule (the scopes may skip them)."""
    ordered = sorted(enumerate(facts), key=lambda pair: (pair[1][2], pair[0]))
    rows = [(1, *key, value, day) for _, (key, value, day) in ordered]
    settled = settled_days(rows).get(1)
    day = DAY0 + timedelta(days=offset)
    if settled is not None and day >= settled:
        assert out_of_flight(facts, day)


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.integers(0, 25))
def test_from_facts_until_on_the_marks_are_the_exact_answer(facts, offset):
    """Whatever the entry order: on a day from `facts_until` on, `tasks_done` names exactly
    the tasks whose latest fact dated by then is done or not applicable (R-P4), and
    `settled_on` says exactly whether the agent is out of flight (R-P3)."""
    ordered = sorted(enumerate(facts), key=lambda pair: (pair[1][2], pair[0]))
    marks = marks_of([(1, *key, value, day) for _, (key, value, day) in ordered]).get(1)
    day = DAY0 + timedelta(days=offset)
    if marks is None or day < marks.facts_until:
        return
    done = {key[1] for key in (TRANSFER, AHIP, CARRIER) if latest_by(facts, key, day) in SATISFYING}
    assert set(filter(None, marks.tasks_done.split(","))) == done
    assert (marks.settled_on is not None and marks.settled_on <= day) == out_of_flight(facts, day)


def test_the_earlier_of_a_transfer_and_an_end_of_employment_counts():
    rows = [
        (1, "status", "employment", "termed", D("2026-11-20")),
        (1, "task", "transfer", "done", D("2026-11-10")),
        (2, "task", "transfer", "done", D("2026-11-10")),
        (2, "task", "transfer", "in_progress", D("2026-11-12")),  # undone: in flight again
        (3, "status", "employment", "resigned", D("2026-11-05")),
        (3, "status", "employment", "active", D("2026-11-06")),  # rehired
    ]
    assert settled_days(rows) == {1: D("2026-11-10"), 2: None, 3: None}


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
