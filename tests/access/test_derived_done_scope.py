"""The scopes count a task done exactly as the rules do (issue 14; R-C4, R-P4, R-T5).

A Call Cert is done when the agent's scored calls pass the program (R-C4), a TBT when every
course of the program is done, with or without a task fact. An agent past the Cert
Coordinator's (and the TBT SMEs') phase is theirs only while one of those is not done: the
load test's only errors were an agent whose calls had passed, listed as late, then refused
(404) from an open list once someone recorded the Call Cert done.

As of Monday 11/30/2026 noon (America/Chicago), OLD-Z (ESP from 11/10) is in production:
every agent in it is past the phase, AHIP and the carrier certification not applicable.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esp.access import scopes
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.progress.services import fact_record
from esp.progress.services.activity import import_activity
from esp.roster.models import Agent
from esp.roster.roles import CERT_COORDINATOR, TBT_SME
from esp.rules.board import in_flight
from esp.rules.progress import AgentProgress
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 12, tzinfo=CHICAGO)
D = date.fromisoformat
BEFORE, AHEAD = D("2026-11-27"), D("2026-12-01")  # a day before today, a day after

CLASSES = """
class_code,program,campaign,site,start_date,licensing_start,training_start,esp_start,tl_emails,pm_email
OLD-Z,esp-aetna,Aetna,SLC,2026-10-19,2026-10-21,2026-10-27,2026-11-10,tl@cxp.example,pm@cxp.example
"""
COURSES = "number,name\nT100,Medicare basics\nT200,Plan types\n"
#: employee id -> (name, calls 1 to 5 scored before today, scores re-scored ahead of today)
AGENTS = {
    "E301": ("Pat Passed", (100, 90, 90, 90, 90), {}),
    "E302": ("Fay Failed", (100, 90, 60, 60, 90), {}),
    "E303": ("Ava Ahead", (100, 90, 90, 90, 90), {"3": "60", "4": "60"}),
    "E304": ("Abe Ahead", (100, 90, 60, 60, 90), {"3": "90", "4": "90"}),
}
ROSTER = "employee_id,first_name,last_name,work_email,personal_email,class_code\n" + "".join(
    f"{e},{n.split()[0]},{n.split()[1]},{e}@cxp.example,{e}@mail.example,OLD-Z\n"
    for e, (n, _, _) in AGENTS.items()
)


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


def record(agent, day, kind, item, value="done"):
    fact_record(agent=agent, day=day, kind=kind, item=item, value=value, actor=None)


@pytest.fixture
def world(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("courses", COURSES)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    agents = {a.employee_id: a for a in Agent.objects.all()}
    for employee_id, (_, scores, rescored) in AGENTS.items():
        agent = agents[employee_id]
        for task in ("ahip", "carrier_cert"):
            record(agent, BEFORE, "task", task, "not_applicable")
        for number, score in enumerate(scores, start=1):
            record(agent, BEFORE, "call", str(number), str(score))
        for number, score in rescored.items():  # entered ahead of their day
            record(agent, AHEAD, "call", number, score)
    return SimpleNamespace(
        agents=agents,
        coordinator=staff("cert.coordinator@cxp.example", CERT_COORDINATOR),
        sme=staff("tbt.sme@cxp.example", TBT_SME),
    )


def seen(user) -> set[str]:
    """The agents in the user's scope: the list, and each agent's own check."""
    listed = set(scopes.visible_agents(user).values_list("employee_id", flat=True))
    pks = scopes.visible_agent_pks(user, 100)
    assert {a.pk for a in Agent.objects.filter(employee_id__in=listed)} == set(pks)
    for agent in Agent.objects.all():
        fresh = type(user).objects.get(pk=user.pk)  # nothing remembered
        assert scopes.sees_agent(fresh, agent) == (agent.employee_id in listed), agent
    return listed


def page_and_today(client, user, employee_id: str) -> tuple[int, bool]:
    client.force_login(user)
    status = client.get(reverse("progress:agent", args=[employee_id])).status_code
    today = client.get("/today/").content.decode()
    return status, AGENTS[employee_id][0] in today


def courses_done(agent, day, courses=("T100", "T200")):
    for course in courses:
        record(agent, day, "tbt", course)


def test_calls_passed_take_an_agent_out_of_the_coordinators_scope_before_and_after(world, client):
    """Pat's five calls passed (R-C4): the Call Cert is done though no task says so; with
    the TBT done by its courses, Pat is not the Coordinator's (not listed, not on Today, the
    page 404), and recording the Call Cert done changes nothing. Fay failed two calls (60%):
    hers. Ava's calls passed by today (the failed re-scores are dated tomorrow); Abe's
    failed by today (the passing re-scores, tomorrow): the rules decide them by today's
    facts."""
    for agent in world.agents.values():
        courses_done(agent, BEFORE)
    coordinator = world.coordinator
    assert seen(coordinator) == {"E302", "E304"}
    assert page_and_today(client, coordinator, "E301") == (404, False)
    assert page_and_today(client, coordinator, "E302") == (200, True)
    assert page_and_today(client, coordinator, "E303") == (404, False)
    assert page_and_today(client, coordinator, "E304") == (200, True)
    record(world.agents["E301"], D("2026-11-30"), "task", "call_cert")
    assert seen(coordinator) == {"E302", "E304"}
    assert page_and_today(client, coordinator, "E301") == (404, False)


def test_courses_done_take_an_agent_out_of_the_smes_scope_before_and_after(world, client):
    """The TBT is done when every course of the program is: Pat with both courses is no TBT
    SME's (nor the Coordinator's: the calls passed too), Fay with one is; marking Pat's
    TBT done changes nothing; Fay's second course takes her out of the SME's scope (not the
    Coordinator's: her calls failed)."""
    pat, fay = world.agents["E301"], world.agents["E302"]
    courses_done(pat, BEFORE)
    courses_done(fay, BEFORE, ("T100",))
    sme, coordinator = world.sme, world.coordinator
    assert {"E302"} <= seen(sme) and "E301" not in seen(sme)
    assert page_and_today(client, sme, "E301") == (404, False)
    assert page_and_today(client, sme, "E302") == (200, True)
    record(pat, D("2026-11-30"), "task", "tbt")
    assert "E301" not in seen(sme) and "E301" not in seen(coordinator)
    assert page_and_today(client, sme, "E301") == (404, False)
    courses_done(fay, D("2026-11-30"), ("T200",))
    assert "E302" not in seen(sme) and "E302" in seen(coordinator)
    assert page_and_today(client, sme, "E302") == (404, False)


def test_a_settings_change_settles_the_marks_after_its_commit(
    world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """ "Done" depends on the settings: with the call pass mark lowered from 85 to 60, Fay's
    calls (100, 90, 60, 60, 90) all pass (R-C4) and her Call Cert is done. The marks are
    computed again once the change commits, by the settings version they record; the
    worker's round finds nothing left to do, in one query."""
    from esp.progress.models import SettledPolicy
    from esp.progress.services.settled import settle_programs

    for agent in world.agents.values():
        courses_done(agent, BEFORE)
    assert "E302" in seen(world.coordinator)
    program = world.agents["E302"].training_class.program
    program.call_pass_mark = 60
    with django_capture_on_commit_callbacks(execute=True):
        program.save()
    assert "E302" not in seen(world.coordinator)
    assert ",call_cert," in Agent.objects.get(employee_id="E302").tasks_done
    program.refresh_from_db()
    assert SettledPolicy.objects.get(pk=program.pk).policy_stamp == program.policy_stamp
    with django_assert_max_num_queries(1):
        assert settle_programs() == 0


def test_the_worker_settles_marks_computed_by_other_settings(world):
    """After an upgrade (no settings version recorded) or a commit whose settle never ran,
    the worker's round computes the marks again (here: Pat's, made stale by hand)."""
    from esp.progress.models import SettledPolicy
    from esp.progress.services.settled import settle_programs

    Agent.objects.filter(employee_id="E301").update(tasks_done="")
    SettledPolicy.objects.all().delete()
    assert settle_programs() == 1
    assert ",call_cert," in Agent.objects.get(employee_id="E301").tasks_done
    assert settle_programs() == 0


def test_courses_done_ahead_of_today_count_from_their_day(world):
    """A course dated tomorrow does not complete the TBT today (R-P4: as of today)."""
    pat = world.agents["E301"]
    courses_done(pat, BEFORE, ("T100",))
    courses_done(pat, AHEAD, ("T200",))
    assert "E301" in seen(world.sme) and "E301" in seen(world.coordinator)


TODAY = NOW.date()
STEP = st.tuples(
    st.sampled_from(sorted(AGENTS)),
    st.sampled_from(
        [
            ("task", "call_cert"),
            ("task", "tbt"),
            ("task", "transfer"),
            ("status", "employment"),
            ("call", "2"),
            ("call", "3"),
            ("call", "4"),
            ("tbt", "T100"),
            ("tbt", "T200"),
            ("equipment", "verified"),
        ]
    ),
    st.integers(0, 3),  # which value (`value_of`)
    st.integers(-4, 3),  # the day, from today
    st.booleans(),  # through the activity import, else the service
)
VALUES = {
    "task": ("done", "not_applicable", "in_progress", "failed"),
    "status": ("active", "termed", "active", "resigned"),
    "call": ("90", "60", "85", "100"),
}


def rules_late(program, role: str) -> set[str]:
    """The agents the rules call in flight today with one of the role's tasks not done."""
    policy = program.policy()
    found = set()
    for record in agent_records(program, TODAY):
        progress = AgentProgress(record, policy)
        if in_flight(record.facts, TODAY) and not progress.all_done(
            scopes.SEEN_THROUGH[role], TODAY
        ):
            found.add(record.employee_id)
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=6))
def test_the_scopes_answer_as_the_rules_whatever_the_writes(program, world, write, steps):
    """Random calls, courses, equipment, task and employment facts, dated before or after
    today and written through the service or the activity import (the examples add to one
    another on the same database): the Coordinator's and the SME's scopes (list, today's
    pks, each agent's check) are the agents the rules call late; each agent's kept marks,
    from `facts_until` on, the tasks the rules call done. Pat and Ava start with both
    courses done: their calls passed by today decide whether they are the Coordinator's."""
    if not Fact.objects.filter(kind="tbt").exists():  # the first example
        for employee_id in ("E301", "E303"):
            courses_done(world.agents[employee_id], BEFORE)
    for employee_id, (kind, item), which, offset, imported in steps:
        day = TODAY + timedelta(days=offset)
        value = VALUES.get(kind, ("done",) if kind == "tbt" else ("",))
        value = value[which % len(value)]
        if imported:
            import_activity(
                write(
                    "date,employee_id,kind,item,value,by,note\n"
                    f"{day},{employee_id},{kind},{item},{value},Hypothesis,\n"
                )
            )
        else:
            record(world.agents[employee_id], day, kind, item, value)
    for role, user in ((CERT_COORDINATOR, world.coordinator), (TBT_SME, world.sme)):
        assert seen(user) == rules_late(program, role), role
    policy = program.policy()
    for agent_record in agent_records(program, date.max):
        agent = Agent.objects.get(employee_id=agent_record.employee_id)
        done = AgentProgress(agent_record, policy).done_tasks(agent.facts_until)
        assert set(filter(None, agent.tasks_done.split(","))) == done
