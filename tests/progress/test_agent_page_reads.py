"""Issue 14: the agent page reads the agent's facts once and its parts share that read; what
they compute from it is what their own reads gave (the records of the reports, the in-flight
filter, readiness, the self-report of the day)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from esp.callqueue.selectors import agent_readiness, page_readiness
from esp.lib.request_memo import once, request_memo
from esp.progress.pages import agent_page, agent_record
from esp.progress.selectors import agent_history, agent_records, agents_in_scope
from esp.roster.models import Agent
from esp.rules.board import in_flight
from tests.progress.test_query_counts import (  # noqa: F401 - the autouse fixture: 12/02/2026
    _history,
    season,
    wednesday_december_2,
)

DAYS = [date(2026, 11, 2) + timedelta(days=n) for n in range(0, 60, 3)]


@pytest.fixture
def agents(season, write, esp):  # noqa: F811 - the fixture imported above
    season(9)
    code, _, err = esp("import", "activity", write(_history(3), "more.csv"))
    assert code == 0, err
    return list(Agent.objects.select_related("training_class__program").order_by("employee_id"))


@pytest.mark.django_db
def test_it_builds_the_agents_record_from_the_page_read_as_the_reports_do(agents):
    for agent in agents:  # Q003, Q006, Q009 moved to AET-B; Q001 has a term set ahead
        program = agent.training_class.program
        history = agent_history(agent)
        for day in DAYS:
            [expected] = agent_records(program, day, agent_ids=[agent.pk])
            assert agent_record(agent, history, day) == expected, (agent.employee_id, day)


@pytest.mark.django_db
def test_it_tells_who_is_in_flight_as_the_sql_filter_does(agents):
    for agent in agents:
        program = agent.training_class.program
        history = agent_history(agent)
        for day in DAYS:
            kept = agents_in_scope(program, day, agent_ids=[agent.pk], in_flight=True).exists()
            assert in_flight(history, day) == kept, (agent.employee_id, day)


@pytest.mark.django_db
def test_it_shows_the_readiness_the_readiness_pages_show(agents):
    for agent in agents:
        for day in DAYS[::4]:
            page = agent_page(agent, day)
            assert page_readiness(agent, page) == agent_readiness(agent, day)


def test_it_reads_once_per_page_and_each_time_elsewhere():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    assert [once(("k",), read), once(("k",), read)] == [1, 2]
    with request_memo():
        assert [once(("k",), read), once(("k",), read), once(("j",), read)] == [3, 3, 4]
    assert once(("k",), read) == 5


def test_the_agent_page_forms_are_rendered_once_per_initial_values():
    """issue 14: the agent page's forms are kept as HTML by their initial values; the same
    values give the same HTML as a form rendered afresh, other values other HTML."""
    from datetime import date

    from esp.progress import forms
    from esp.progress.views import _rendered

    first = _rendered(forms.MoveForm, "move-%s", date=date(2026, 11, 23))
    again = _rendered(forms.MoveForm, "move-%s", date=date(2026, 11, 23))
    assert again["as_div"] is first["as_div"]
    fresh = forms.MoveForm(auto_id="move-%s", initial={"date": date(2026, 11, 23)}).as_div()
    assert first["as_div"] == fresh
    other = _rendered(forms.MoveForm, "move-%s", date=date(2026, 11, 24))
    assert other["as_div"] != first["as_div"]
    assert 'value="2026-11-24"' in other["as_div"]


def test_it_keeps_what_a_page_reads_of_a_settings_version_between_pages():
    """issue 14: a program's settings (its tasks, its review ladders, its class-day hours) are
    read once per settings version on the pages that opted in, each time elsewhere."""
    from esp.lib.request_memo import once_kept

    reads = []

    def read():
        reads.append(1)
        return len(reads)

    key = ("settings-test", object())  # a version no other test names
    assert [once_kept(key, read), once_kept(key, read)] == [1, 2]  # no page: each time
    with request_memo():
        assert once_kept(key, read) == 3
    with request_memo():
        assert once_kept(key, read) == 3  # the next page: kept
    with request_memo():
        assert once_kept(("settings-test", object()), read) == 4  # another version: read


@pytest.mark.django_db
def test_the_agent_page_shows_a_settings_change_on_the_next_page(season):  # noqa: F811
    """A task renamed (its program gets a new settings stamp) shows on the next page."""
    from django.urls import reverse

    from esp.programs.models import Task

    client = season(3)
    url = reverse("progress:agent", args=["Q001"])
    assert "Producer World" in client.get(url).text
    task = Task.objects.get(key="producer_world")
    task.name = "Producer World (renamed)"
    task.save()
    assert "Producer World (renamed)" in client.get(url).text
