"""The agent's own page (issue 15 item 6; SPEC §1 Agent: "signs in (or uses a personal link);
self-reports daily progress; sees own progress, scores, due steps, classrooms and the notes
addressed to them (a note is staff-only unless written to the agent)").

The scenario of tests/access/test_agent_sees_own.py, Monday 11/30/2026 noon (Chicago): class
AET-A in its ESP phase since 11/25 (TL tl.one); Ann Able (E001) signs in as ann@; the TL
wrote her a staff note, a note to her, a task remark, a red flag, a coaching, a termination
review and a written CAP dated 12/02. Bob Baker (E002) has no account yet.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from esp.access.matrix import ACCESS, PUBLIC
from esp.audit.models import AuditEntry
from esp.certification.services import call_score
from esp.classrooms.models import Classroom
from esp.classrooms.services import invites_send
from esp.mailing.models import OutboxMessage
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import AGENT
from esp.selfreport import services
from tests.access.test_agent_sees_own import (  # noqa: F401 - fixtures
    EXPECTATION,
    HIDDEN,
    NOW,
    TO_AGENT,
    TODAY,
    monday_november_30,
    world,
)
from tests.web_support import messages_of

COACHING = "Slow down on the Medicare disclosures"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def own_page(world) -> str:  # noqa: F811
    response = signed_in(world["ann"]).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/agents/E001/"
    return response.content.decode()


@pytest.fixture
def scored(world):  # noqa: F811
    """Call 1 (coached, 100) with the certifier's coaching; a classroom with its link."""
    agent = world["agent"]
    call_score(
        agent=agent,
        call_number=1,
        notes_well="Clear opening",
        notes_down=COACHING,
        actor=world["manager"],
        day=TODAY,
    )
    training_class = TrainingClass.objects.get(code="AET-A")
    room = Classroom.objects.create(
        training_class=training_class,
        phase=training_class.program.phases.get(key="esp"),
        name="Call Certs and TBTs",
        link="https://g2t.example/esp-a",
        first_day=date(2026, 11, 25),
        last_day=date(2026, 12, 1),
        created_at=NOW,
    )
    invites_send(room=room, actor=None, now=NOW, as_of=TODAY)
    return world


def test_the_agent_lands_on_their_own_page_with_tasks_scores_steps_classrooms_and_notes(scored):
    """§1: signed in, the agent's landing is their own page: their tasks with ages in
    business days, the call's score and coaching, the steps due, their classroom with its
    link and hours in the program's time zone, the notes written to them, and the
    self-report form — never a staff note, a remark, a red flag or a termination review."""
    page = own_page(scored)
    assert "<h1>Ann Able" in page
    assert "business day" in page  # task ages in words
    calls = page.split('id="calls-h"')[1].split("</section>")[0]
    assert "<td>1</td><td>100</td>" in calls
    assert COACHING in page
    assert "Coaching</strong> on the licensing ladder — overdue" in page
    assert "https://g2t.example/esp-a" in page
    assert "11/25/2026, 11/27/2026, 11/30/2026, 12/01/2026 · 8:00 AM to 4:30 PM" in page
    assert "America/Chicago" in page
    assert TO_AGENT in page and EXPECTATION in page
    for text in HIDDEN:
        assert text not in page, text
    assert "Red flag" not in page and "Termination review" not in page
    assert "Today's self-report" in page and "Send my report" in page
    assert "My progress" in page  # the menu's one entry for the agent
    assert "Send a new link" not in page and "Reported by e-mail" not in page


def test_the_agent_sends_todays_self_report_from_their_page(world):  # noqa: F811
    """Seed 000: "self-report their progress before logging off each evening": from their
    own page, once a day, in their own name."""
    client = signed_in(world["ann"])
    response = client.post(reverse("selfreport:own"), {"finished": "TBT 5", "blocked": ""})
    assert response["Location"] == "/agents/E001/#self-report"
    assert messages_of(response) == ["Thank you: your report for today is recorded."]
    fact = world["agent"].facts.get(kind="self_report")
    assert (fact.date, fact.by, fact.note, fact.recorded_by) == (
        TODAY,
        "Ann Able",
        "Finished: TBT 5",
        world["ann"],
    )
    page = client.get("/agents/E001/").content.decode()
    assert "Your report for today, 11/30/2026, is recorded" in page
    again = client.post(reverse("selfreport:own"), {"finished": "More"})
    assert "You already sent your report for 11/30/2026." in messages_of(again)[-1]
    assert world["agent"].facts.filter(kind="self_report").count() == 1


def test_the_agent_reaches_no_other_agent_and_no_staff_page(world):  # noqa: F811
    """§1 "themselves only", §17: every page of the matrix, opened by the signed-in agent on
    another agent or a class, or a staff page, answers 404; only their own page, the API's
    own answers, the breakout request and the self-report are theirs."""
    client = signed_in(world["ann"])
    assert client.get("/agents/E002/").status_code == 404
    assert client.get("/agents/E001/").status_code == 200
    allowed_gets = {
        "web:home",  # to their own page
        "progress:agent",
        "breakouts:ask",
        "api:schema",
        "api:docs",
        "api:me",
        "api:agents",
        "api:report",
    }
    opened = []
    for route, rule in ACCESS.items():
        if rule.scope == PUBLIC or "GET" not in rule.methods or route in allowed_gets:
            continue
        if AGENT in rule.roles:
            opened.append(route)  # object routes: checked on another agent below
    assert sorted(opened) == sorted(
        {
            "progress:proof_file",
            "accountability:cap_download",
            "api:agent",
            "api:tasks",
            "api:notes",
            "api:calls",
            "api:ladder_steps",
            "api:attendance",
        }
    )
    for path in (
        "/today/",
        "/classes/",
        "/classes/AET-A/",
        "/reports/",
        "/invitations/",
        "/self-reports/class/AET-A/by-email/",
        "/api/v1/agents/E002/",
        "/api/v1/agents/E002/notes/",
        "/api/v1/agents/E002/calls/",
    ):
        status = client.get(path).status_code
        assert status in (403, 404), (path, status)
    listed = client.get("/api/v1/agents/").json()
    employee_ids = {row["employee_id"] for row in listed.get("results", listed)}
    assert employee_ids == {"E001"}


def test_the_manager_invites_an_agent_from_invitations_and_the_account_is_linked(world):  # noqa: F811
    """Invited like staff: the ESP Manager's invitations page takes an agent's employee ID or
    e-mail; the account (Agent role, inactive until a password is set) is linked to the agent
    record and the invitation is mailed to the agent's work e-mail."""
    OutboxMessage.objects.all().delete()
    client = signed_in(world["manager"])
    page = client.get("/invitations/").content.decode()
    assert "Invite an agent to sign in" in page
    response = client.post("/invitations/", {"form": "agent", "agent": "bob@mail.example"})
    assert response["Location"] == "/invitations/"
    assert messages_of(response) == [
        "Bob Baker (E002) is invited to sign in: the e-mail with the link to set a password is "
        "on its way to bob@cxp.example."
    ]
    bob = Agent.objects.select_related("user").get(employee_id="E002")
    assert bob.user.email == "bob@cxp.example" and not bob.user.is_active
    assert (bob.user.first_name, bob.user.last_name) == ("Bob", "Baker")
    assert list(bob.user.groups.values_list("name", flat=True)) == [AGENT]
    mail = OutboxMessage.objects.get(report="invitation")
    assert mail.to == ["bob@cxp.example"]
    assert "your own progress" in mail.text
    assert AuditEntry.objects.filter(action="agent_invited", object_id="E002").exists()
    pending = client.get("/invitations/").content.decode()
    assert "bob@cxp.example" in pending
    again = client.post("/invitations/", {"form": "agent", "agent": "E001"})
    assert "Ann Able already signs in as ann@cxp.example" in again.content.decode()
    unknown = client.post("/invitations/", {"form": "agent", "agent": "E999"})
    assert "No agent has that employee ID or e-mail address." in unknown.content.decode()


def test_the_tl_invites_an_agent_from_the_agent_page(world):  # noqa: F811
    """ "Invite to sign in" on the agent page, for whoever sends the agent's self-report link."""
    client = signed_in(world["tl"])
    page = client.get("/agents/E002/").content.decode()
    assert "Bob does not sign in yet" in page and "Invite to sign in" in page
    response = client.post(reverse("accounts:agent_invite", args=["E002"]))
    assert response["Location"] == "/agents/E002/#self-report"
    assert Agent.objects.get(employee_id="E002").user.email == "bob@cxp.example"
    page = client.get("/agents/E002/").content.decode()
    assert "Invited to sign in as bob@cxp.example" in page
    assert "Ann signs in as ann@cxp.example" in client.get("/agents/E001/").content.decode()


def test_the_agent_sets_a_password_from_their_personal_link_and_signs_in(world):  # noqa: F811
    """SPEC §1 "signs in (or uses a personal link)": the personal link offers to choose a
    password; then the agent signs in with their work e-mail and lands on their own page."""
    bob = Agent.objects.select_related("training_class__program").get(employee_id="E002")
    url = services.link_issue(bob, actor=world["tl"])
    token = url.rstrip("/").rsplit("/", 1)[-1]
    client = Client()
    assert "Sign in to ESP Tracker" in client.get(f"/r/{token}/").content.decode()
    page = client.get(f"/r/{token}/sign-in/").content.decode()
    assert "Choose a password to sign in with your work e-mail (bob@cxp.example)" in page
    short = client.post(f"/r/{token}/sign-in/", {"password1": "abc", "password2": "abc"})
    assert (
        short.status_code == 400
        and get_user_model().objects.filter(email="bob@cxp.example").count() == 0
    )
    password = "Bright-River-Stone-42"
    response = client.post(f"/r/{token}/sign-in/", {"password1": password, "password2": password})
    assert response["Location"] == "/sign-in/?next=/"
    bob.refresh_from_db()
    assert bob.user.is_active and bob.user.email == "bob@cxp.example"
    assert AuditEntry.objects.filter(action="agent_account_opened", object_id="E002").exists()
    signed = client.post(
        "/sign-in/?next=/", {"username": "bob@cxp.example", "password": password}, follow=True
    )
    assert signed.redirect_chain[-1][0] == "/agents/E002/"
    assert "<h1>Bob Baker" in signed.content.decode()
    assert (
        "You already sign in as bob@cxp.example"
        in client.get(f"/r/{token}/sign-in/").content.decode()
    )
