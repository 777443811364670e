"""SPEC §17: the agent page and the class board read the database a fixed number of times,
whatever the number of agents in the class (issue 13): a class of N agents and one of 3N
agents make the same number of queries."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esp.roster.services.staff import create_esp_manager
from tests.reports.test_reports import CLASSES
from tests.web_support import PASSWORD

NOW = datetime(2026, 12, 2, 12, tzinfo=ZoneInfo("America/Chicago"))
ROSTER_HEADER = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email"
ACTIVITY_HEADER = "date,employee_id,kind,item,value,by,note"


@pytest.fixture(autouse=True)
def wednesday_december_2(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    with time_machine.travel(NOW, tick=False):
        yield


def _roster(count: int) -> str:
    lines = [ROSTER_HEADER]
    for n in range(1, count + 1):
        lines.append(
            f"Q{n:03},First{n},Last{n},q{n}@cxp.example,q{n}@mail.example,AET-A,tl.one@cxp.example"
        )
    return "\n".join(lines)


def _activity(count: int) -> str:
    """Every kind of fact the pages show, for every agent; one in three moved to AET-B."""
    lines = [ACTIVITY_HEADER]
    for n in range(1, count + 1):
        who = f"Q{n:03}"
        lines += [
            f"2026-11-04,{who},task,producer_world,done,tl.one@cxp.example,",
            f"2026-11-05,{who},exam,ahip,failed,licensing@cxp.example,",
            f"2026-11-05,{who},action,coaching,exams,tl.one@cxp.example,Retake plan",
            f"2026-11-06,{who},task,ahip,done,licensing@cxp.example,",
            f"2026-11-09,{who},note,,,tl.one@cxp.example,Doing fine",
            f"2026-11-10,{who},equipment,received,TCK-{n},tl.one@cxp.example,",
            f"2026-11-11,{who},flag,raised,other,tl.one@cxp.example,Check",
            f"2026-11-30,{who},call,1,100,cert@cxp.example,",
        ]
        if n % 3 == 0:
            lines.append(f"2026-11-16,{who},move,AET-B,,tl.one@cxp.example,Restart")
    return "\n".join(lines)


@pytest.fixture
def season(program, write, esp, client):
    """`season(count)`: class AET-A with `count` agents and their facts; a manager signed in."""

    def make(count: int):
        for kind, text in (
            ("classes", CLASSES),
            ("roster", _roster(count)),
            ("activity", _activity(count)),
        ):
            code, _, err = esp("import", kind, write(text, f"{kind}-{count}.csv"))
            assert code == 0, err
        client.force_login(create_esp_manager(f"manager{count}@cxp.example", PASSWORD))
        return client

    return make


def _queries(client, url: str) -> int:
    """The queries of the page once what is built once a day (the outlook) is built."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _counts(season, url: str) -> list[int]:
    client = season(3)
    small = _queries(client, url)
    season(9)  # the same class, now with three times the agents
    return [small, _queries(client, url)]


@pytest.mark.django_db
def test_it_reads_the_class_board_in_a_fixed_number_of_queries(season):
    small, large = _counts(season, reverse("progress:board", args=["AET-A"]))
    assert small == large


@pytest.mark.django_db
def test_it_reads_the_agent_page_in_a_fixed_number_of_queries(season):
    small, large = _counts(season, reverse("progress:agent", args=["Q001"]))
    assert small == large


@pytest.mark.django_db
def test_it_reads_a_moved_agents_page_in_a_fixed_number_of_queries(season):
    small, large = _counts(season, reverse("progress:agent", args=["Q003"]))
    assert small == large
