"""The ESP Manager's Today reads (issue 14): the agents in flight and the tasks done are picked
by their section's order in the read model's index, which must name the same lines as the
section itself; the glance and the funnel count what the shared sources count."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from esp.lib.urls import page_url
from esp.progress.models import ReportLine
from esp.progress.services import task_status_set
from esp.roster.models import Agent
from esp.roster.roles import ESP_MANAGER
from esp.roster.selectors import program_for
from esp.rules.report_lines import TODAY, TODAY_SECTIONS
from esp.web import charts, sections
from esp.web.sections import glance, sources
from tests.web.test_query_counts import MONDAY, NOW, N, season
from tests.web_support import staff


def manager_basis(**more):
    request = RequestFactory().get("/")
    request.user = staff("esp.manager@cxp.example", ESP_MANAGER)
    return sections.basis(request.user, program_for(), MONDAY, NOW, **more)


def with_tasks_done(program, esp, write):
    """The scenario of the query counts, two agents having done a task each (the funnel)."""
    season(esp, write, N)
    first, second = program.tasks.filter(needs_proof=False).values_list("key", flat=True)[:2]
    for employee_id, task in (("E100", first), ("E500", second)):
        agent = Agent.objects.get(employee_id=employee_id)
        task_status_set(agent=agent, task=task, status="done", day=MONDAY, actor=None)
    return first, second


def test_each_today_section_has_one_order_and_each_order_one_section(program, esp, write):
    with_tasks_done(program, esp, write)
    manager_basis()
    pairs = set(
        ReportLine.objects.filter(report=TODAY).values_list("section", "section_order").distinct()
    )
    assert {"flight", "done", "flag", "proctored"} <= {section for section, _ in pairs}
    assert pairs == {(section, TODAY_SECTIONS.index(section)) for section, _ in pairs}


def test_the_glance_and_the_funnel_count_what_the_sources_count(program, esp, write):
    first, second = with_tasks_done(program, esp, write)
    base = manager_basis(first=None)
    rows = glance.classes_at_a_glance(base).items
    flight = sources.in_flight_per_class(base)
    assert {row["code"]: row["agents"] for row in rows} == flight
    assert {row["code"]: row["late"] for row in rows} == {
        code: sources.late_per_class(base).get(code, 0) for code in flight
    }
    pictures = glance.pictures(base)
    assert pictures.funnel_total == sources.in_flight(base) == sum(flight.values()) > 0
    done = sources.done_per_task(base)  # counted by a done line's state: its task
    assert done[first] >= 1 and done[second] >= 1
    assert set(done) <= {task.key for task in base.policy.tasks}
    assert [bar.value for bar in pictures.funnel] == [
        done.get(task.key, 0) for task in base.policy.tasks
    ]


def test_the_aging_and_the_actions_due_count_what_the_sources_count(program, esp, write):
    with_tasks_done(program, esp, write)
    base = manager_basis(first=None)
    ages = sources.late_ages(base)
    assert ages
    aging = glance.pictures(base).aging.items
    assert {row["code"]: row["total"] for row in aging} == dict(Counter(c for c, _ in ages))
    for row in aging:
        mine = [age for code, age in ages if code == row["code"]]
        assert row["buckets"] == [
            sum(1 for a in mine if low <= a <= high) for _, low, high in charts.AGE_BUCKETS
        ]
    due = sources.due_per_class(base)
    assert {r["code"]: r["due"] for r in glance.classes_at_a_glance(base).items} == {
        code: due.get(code, 0) for code in sources.in_flight_per_class(base)
    }


@pytest.mark.parametrize("value", ["AET-2610-119", "E100045", "a b", "é&?#%", "x:y@z~"])
def test_a_link_reversed_once_is_the_link_reversed_for_each_row(value):
    for name in ("progress:board", "progress:agent"):
        assert page_url(name, value) == reverse(name, args=[value])


@pytest.mark.parametrize("value", ["", "a/b"])
def test_a_value_the_route_refuses_is_refused_as_before(value):
    with pytest.raises(NoReverseMatch):
        page_url("progress:agent", value)
