"""Issue 14's goal: the pages make a number of queries that does not grow with the agents,
"tested at 200 and 2,000 agents". The seasons are the benchmark's (esp.demo.season, as
bench/run.py generates them), imported through the importers; the pages are the ones bench/
times: every role's Today and its first agent's page, the class board, the attendance day
and the extension board of the largest class, the classes list, each report's first page
and the API's (the ESP Manager and a TL), the API's lists.

Two generated seasons differ in what a page has to show, not only in size: the TL's class
may have termination reviews due in one and none in the other, the first agent may have
been moved or not; a section with nothing to show skips its query, and a list is counted
only when its first items fill it. So a page may take up to `SHAPE` queries more or fewer
at 2,000 than at 200; a read per agent or per class would take hundreds more. The exact
equality is held on hand-made data at N and 3N agents (tests/*/test_query_counts.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.today import people
from esp.demo.season import generate_season, write_season
from esp.programs.calendars import calendar_for
from esp.progress.services import projection
from esp.progress.services.activity import import_activity
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import ESP_MANAGER, TL
from esp.roster.services import import_classes, import_roster
from esp.rules.report_lines import REPORTS

AS_OF = date(2026, 11, 23)  # the benchmark's day
SHAPE = 3  # queries a page may differ by between the two seasons' shapes (see above)
NOON = datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("America/Chicago"))

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_the_benchmarks_day(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOON, tick=False):
        yield


def load(program, tmp_path, agents: int) -> None:
    """The benchmark's season of `agents` in place of whatever season was there."""
    projection.drop()
    Agent.objects.all().delete()
    TrainingClass.objects.all().delete()
    season = generate_season(as_of=AS_OF, agents=agents, seed=1, calendar=calendar_for(program))
    paths = write_season(season, tmp_path / f"season-{agents}")
    import_classes(paths["classes"])
    import_roster(paths["roster"])
    import_activity(paths["activity"])


def counts() -> dict[str, int]:
    """Page -> its queries, each page asked twice (the first may build the day's lines)."""
    from esp.access import scopes

    day = AS_OF.isoformat()
    found = {}

    def count(user, name: str, url: str) -> None:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        found[name] = len(queries)

    readers = people(AS_OF)  # bench/today.py's accounts: one per role, a busy class's TL, PM
    for role, user in readers.items():
        user.refresh_from_db()
        count(user, f"Today, {role}", f"/today/?as_of={day}")
        agent = scopes.visible_agents(user).order_by("pk").first()
        if agent is not None:  # a Certifier or the WFM sees none by scope
            count(user, f"agent page, {role}", f"/agents/{agent.employee_id}/?as_of={day}")
    manager = readers[ESP_MANAGER]
    largest = TrainingClass.objects.annotate(n=Count("agents")).order_by("-n", "code").first()
    first = largest.agents.order_by("employee_id").first().employee_id
    pages = {
        "classes list": "/classes/",
        "class board": f"/classes/{largest.code}/?as_of={day}",
        "attendance day": f"/classes/{largest.code}/attendance/?date={day}",
        "extension board": f"/operations/extensions/?as_of={day}",
        "API classes": "/api/v1/classes/",
        "API agents": "/api/v1/agents/",
        "API tasks": f"/api/v1/agents/{first}/tasks/",
        "API calls": f"/api/v1/agents/{first}/calls/",
        "API notes": f"/api/v1/agents/{first}/notes/",
        "API attendance": f"/api/v1/agents/{first}/attendance/",
        "API readiness": f"/api/v1/classes/{largest.code}/readiness/",
    }
    for name, url in pages.items():
        count(manager, name, url)
    for who in (ESP_MANAGER, TL):
        for name in REPORTS:
            count(readers[who], f"{name} report, {who}", f"/reports/{name}/?as_of={day}")
            count(readers[who], f"API {name} report, {who}", f"/api/v1/reports/{name}/?as_of={day}")
    return found


def test_no_page_of_the_goal_takes_more_queries_at_2000_agents_than_at_200(program, tmp_path):
    load(program, tmp_path, 200)
    few = counts()
    load(program, tmp_path, 2000)
    many = counts()
    assert len(few) >= 8 + 6 + 11 + 2 * 2 * len(REPORTS)  # six roles see agents
    assert many.keys() == few.keys()
    grown = {page: (few[page], n) for page, n in many.items() if abs(n - few[page]) > SHAPE}
    assert not grown, grown  # page: (queries at 200, at 2,000)
