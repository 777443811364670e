"""The Today page of every role makes as many queries for a class of N agents as for 3N
(SPEC §17 "Performance"): every section reads its rows in a fixed number of queries.

The scenario, as of Monday 11/30/2026 1:00 PM (America/Chicago), built like the access
matrix's (tests/access/test_access_matrix.py): AET-A started 11/02 and is in its ESP phase
since 11/25 (tl.one, pm.one); LIC-B started Wednesday 11/25 and is in its licensing phase
since 11/30 (tl.two, pm.two). Every agent has something on every list: LIC-B's failed the
AHIP exam twice (a proctored last attempt to arrange) and have an equipment issue without a
ticket; AET-A's failed it three times (a red flag), scored under the pass mark on a call, and
each has a proof waiting and an attendance occurrence today.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esp.callqueue.services import connection_open
from esp.progress.services import fact_record, step_deliver
from esp.progress.services.proofs import proof_submit
from esp.roster.models import Agent, CertifierAssignment
from esp.roster.roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)
from tests.web_support import png, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 13, tzinfo=CHICAGO)
MONDAY = date(2026, 11, 30)
EIGHT_AM = datetime(2026, 11, 30, 8, tzinfo=CHICAGO)
N = 2

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
LIC-B,esp-aetna,Aetna,PRV,2026-11-25,tl.two@cxp.example,pm.two@cxp.example
"""

PERSONAS = [
    (ESP_MANAGER, "esp.manager@cxp.example"),
    (CERT_COORDINATOR, "cert.coordinator@cxp.example"),
    (CERTIFIER, "certifier@cxp.example"),
    (TBT_SME, "tbt.sme@cxp.example"),
    (LICENSING, "licensing@cxp.example"),
    (WFM, "wfm@cxp.example"),
    (TL, "tl.one@cxp.example"),
    (PM, "pm.one@cxp.example"),
]


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


def roster(size: int) -> str:
    lines = ["employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email"]
    for code, tl, first in (("AET-A", "tl.one", 100), ("LIC-B", "tl.two", 500)):
        for n in range(first, first + size):
            lines.append(
                f"E{n},First{n},Last{n},e{n}@cxp.example,e{n}@mail.example,{code},{tl}@cxp.example"
            )
    return "\n".join(lines)


def season(esp, write, size: int) -> None:
    """Both classes with `size` agents each (the ones already there kept), every new agent
    on the lists."""
    code, _, err = esp("import", "classes", write(CLASSES, f"classes-{size}.csv"))
    assert code == 0, err
    code, _, err = esp("import", "roster", write(roster(size), f"roster-{size}.csv"))
    assert code == 0, err
    for role, email in PERSONAS:
        staff(email, role)
    certifier = staff("certifier@cxp.example", CERTIFIER)
    manager = staff("esp.manager@cxp.example", ESP_MANAGER)
    new = Agent.objects.exclude(facts__kind="exam").select_related("training_class")
    for agent in new:
        if agent.training_class.code == "LIC-B":
            for day in (date(2026, 11, 25), date(2026, 11, 27)):
                fact_record(agent=agent, day=day, kind="exam", item="ahip", value="failed")
            fact_record(agent=agent, day=MONDAY, kind="equipment", item="issue", value="")
        else:
            CertifierAssignment.objects.create(certifier=certifier, agent=agent)
            for day in (date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)):
                fact_record(agent=agent, day=day, kind="exam", item="ahip", value="failed")
            fact_record(agent=agent, day=MONDAY, kind="call", item="2", value="70")
            fact_record(agent=agent, day=MONDAY, kind="attendance", item="tardy", value="15")
            step_deliver(
                agent=agent,
                ladder="licensing",
                step="termination_review",
                expectation="Finish the licensing tasks",
                day=date(2026, 11, 9),
                actor=manager,
            )
            connection_open(  # one certifier each: a connection is one to one
                certifier=staff(f"certifier.{agent.employee_id.lower()}@cxp.example", CERTIFIER),
                agent=agent,
                now=EIGHT_AM,
                actor=manager,
            )
        proof_submit(agent=agent, item="carrier_cert", name="checks.png", data=png(), actor=manager)


def queries(client, email: str, name: str = "web:today", query: str = "") -> int:
    """The queries of one page load, once the per-process caches are warm."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email=email))
    client.get(reverse(name) + query, follow=True)  # warm the caches that fill once per process
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name) + query, follow=True)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(("role", "email"), PERSONAS)
def test_it_reads_the_today_page_in_as_many_queries_for_3n_agents_as_for_n(
    program, esp, write, client, role, email
):
    season(esp, write, N)
    few = queries(client, email)
    season(esp, write, 3 * N)
    assert queries(client, email) == few


def test_it_reads_the_agents_own_page_in_as_many_queries_for_3n_agents_as_for_n(
    program, esp, write, client
):
    season(esp, write, N)
    Agent.objects.filter(employee_id="E100").update(user=staff("e100@cxp.example", AGENT))
    few = queries(client, "e100@cxp.example", "web:home")
    season(esp, write, 3 * N)
    assert queries(client, "e100@cxp.example", "web:home") == few


def test_it_counts_over_a_page_with_every_list_filled(program, esp, write, client):
    """The scenario is not empty: the manager's page holds every list the counts cover."""
    season(esp, write, N)
    client.force_login(staff("esp.manager@cxp.example", ESP_MANAGER))
    page = client.get(reverse("web:today")).content.decode()
    for anchor in ("proctored", "flags", "over-the-clock", "callcert", "classes", "actions"):
        assert f'id="{anchor}"' in page, anchor
    assert "Termination reviews to decide (2)" in page
    assert "proofs waiting for review" in page


@pytest.mark.parametrize(
    "name", ["transfers", "not_reported", "proctored", "flags", "actions", "callcert"]
)
def test_it_reads_a_whole_today_list_in_as_many_queries_for_3n_agents_as_for_n(
    program, esp, write, client, name
):
    """A list's own page (`?list=`) reads every item, without the first-20 cut (issue 14)."""
    season(esp, write, N)
    few = queries(client, "esp.manager@cxp.example", query=f"?list={name}")
    season(esp, write, 3 * N)
    assert queries(client, "esp.manager@cxp.example", query=f"?list={name}") == few
