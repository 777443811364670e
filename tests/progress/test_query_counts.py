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

from esp.reports import services as outlook_services
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
    """The queries of the page once what is built once a day (the outlook) is built, as a
    process reads it that has not unpickled it yet (whether this one has depends on the
    tests run before: the count must not)."""
    client.get(url)
    outlook_services._snapshots.clear()
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


# -- the agent's history (issue 14: the agent page's count depends on neither the season's size
# nor how much happened to the agent) --------------------------------------------------------


def _history(rounds: int) -> str:
    """`rounds` more of everything the agent page lists, for Q001 (and a later term set ahead;
    the exams as many whatever `rounds`: what a failed exam asks for depends on their number)."""
    lines = [ACTIVITY_HEADER]
    for n in range(rounds):
        day = f"2026-11-{12 + n % 3:02}"
        lines += [
            f"{day},Q001,task,carrier_cert,in_progress,licensing@cxp.example,Try {n}",
            f"{day},Q001,task,readiness_day1,done,coordinator@cxp.example,",
            f"{day},Q001,action,coaching,attendance,tl.one@cxp.example,Round {n}",
            f"{day},Q001,action,termination_review,attendance,tl.one@cxp.example,Review {n}",
            f"{day},Q001,note,,,pm.one@cxp.example,Note {n}",
            f"{day},Q001,equipment,received,TCK-9{n},tl.one@cxp.example,",
            f"{day},Q001,flag,resolved,other,tl.one@cxp.example,",
            f"2026-11-2{4 + n % 2},Q001,call,{2 + n % 2},{80 + n},cert{n}@cxp.example,Coach {n}",
            f"{day},Q001,attendance,tardy,15,tl.one@cxp.example,",
            f"{day},Q001,n_number,requested,,licensing@cxp.example,",
        ]
    lines.append("2026-11-12,Q001,exam,ahip,failed,licensing@cxp.example,")  # the same state
    lines.append("2026-12-18,Q001,status,employment,resigned,pm.one@cxp.example,Moving away")
    return "\n".join(lines)


def _decide_reviews() -> None:
    """Each delivered termination review of Q001 decided (the page names each decision)."""
    from esp.accountability.models import TerminationDecision
    from esp.progress.models import Fact

    for fact in Fact.objects.filter(agent__employee_id="Q001", item="termination_review"):
        TerminationDecision.objects.get_or_create(
            proposal=fact, defaults={"decision": "keep", "effective": fact.date, "reason": "Kept"}
        )


@pytest.mark.django_db
def test_it_reads_the_agent_page_in_a_fixed_number_of_queries_whatever_the_agents_history(
    season, write, esp
):
    client = season(3)
    url = reverse("progress:agent", args=["Q001"])
    counts = []
    for rounds in (2, 6):
        code, _, err = esp("import", "activity", write(_history(rounds), f"more-{rounds}.csv"))
        assert code == 0, err
        _decide_reviews()
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]
