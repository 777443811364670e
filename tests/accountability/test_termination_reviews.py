"""Termination reviews are proposals the PM decides (issue 12 item 3; SPEC R-L5, R-P3): a TL
delivers the termination-review step, which mails the agent's PM at once and waits on the
PM's Today page and the agent's page; the PM terms the agent on a date or keeps them with a
new expectation, both audited; nobody else changes employment, and nothing is termed by
itself.

The scenario of tests/test_write_matrix.py (Monday 11/30/2026): AET-A has tl.one / pm.one and
agents E001 (Ann Able) and E002; LIC-B has tl.two / pm.two and E101.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from esp.accountability.models import TerminationDecision
from esp.accountability.selectors import pending_termination_reviews
from esp.accountability.services import termination_decide
from esp.audit.models import AuditEntry
from esp.mailing.models import OutboxMessage
from esp.progress import services
from esp.progress.models import Fact
from esp.roster.roles import ESP_MANAGER, PM, TL
from tests.access.test_write_matrix import (  # noqa: F401 - the autouse fixture: Monday 11/30, proofs apart
    NOW,
    build_world,
    monday_november_30,
)
from tests.web_support import messages_of

TODAY = NOW.date()


@pytest.fixture
def world(program, write, esp):
    world = build_world(program, write, esp)
    OutboxMessage.objects.all().delete()  # the import's invitations: not ours
    return world


def propose(world, client):
    """tl.one delivers the attendance termination review of Ann Able from her page."""
    client.force_login(world.users[TL])
    response = client.post(
        reverse("progress:deliver", args=["E001"]),
        {
            "ladder": "attendance",
            "step": "termination_review",
            "expectation": "6 points in 90 days",
        },
    )
    assert messages_of(response) == ["Delivered and recorded."]
    return Fact.objects.get(kind="action", item="termination_review")


def employment(agent_id: str) -> list[str]:
    return list(
        Fact.objects.filter(agent__employee_id=agent_id, kind="status").values_list(
            "value", flat=True
        )
    )


def test_it_mails_the_pm_when_a_tl_delivers_a_termination_review(world, client):
    """R-L5, issue 12 item 3: the TL's delivery is a proposal, mailed to the PM at once;
    the employment does not change."""
    proposal = propose(world, client)
    [mail] = OutboxMessage.objects.all()
    assert mail.to == ["pm.one@cxp.example"]
    assert mail.report == "termination_review" and mail.status == OutboxMessage.PENDING
    assert mail.subject == "Termination review to decide: Ann Able (E001)"
    assert "Tl One delivered a termination review for Ann Able (E001), class AET-A" in mail.text
    assert "on the attendance ladder on 11/30/2026" in mail.text
    assert "Expectation set: 6 points in 90 days" in mail.text
    assert "/agents/E001/#ladders" in mail.text
    assert employment("E001") == []
    assert list(pending_termination_reviews(world.users[PM])) == [proposal]
    assert list(pending_termination_reviews(world.users[TL])) == []  # a TL does not decide


def test_it_shows_the_proposal_on_the_pms_today_and_the_agent_page_with_a_decide_form(
    world, client
):
    proposal = propose(world, client)
    client.force_login(world.users[PM])
    today = client.get(reverse("web:today")).content.decode()
    assert "Termination reviews to decide (1)" in today
    assert f"/agents/E001/#termination-review-{proposal.pk}" in today
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert f'id="termination-review-{proposal.pk}"' in page
    assert "waiting for the PM's decision" in page
    assert reverse("progress:termination_decide", args=["E001"]) in page
    client.force_login(world.users[TL])
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert reverse("progress:termination_decide", args=["E001"]) not in page  # not the TL's to use
    assert "Termination reviews to decide" not in client.get(reverse("web:today")).content.decode()


def test_it_terms_the_agent_on_the_pms_date_and_audits_it(world, client):
    proposal = propose(world, client)
    client.force_login(world.users[PM])
    response = client.post(
        reverse("progress:termination_decide", args=["E001"]),
        {
            "proposal": proposal.pk,
            "decision": "term",
            "date": "12/01/2026",
            "reason": "No improvement",
        },
    )
    assert messages_of(response)[-1] == "Ann Able termed from 12/01/2026."
    decision = TerminationDecision.objects.get(proposal=proposal)
    assert (decision.decision, decision.effective, decision.decided_by) == (
        "term",
        date(2026, 12, 1),
        world.users[PM],
    )
    fact = decision.employment
    assert (fact.kind, fact.value, fact.date, fact.recorded_by) == (
        "status",
        "termed",
        date(2026, 12, 1),
        world.users[PM],
    )
    assert fact.note == "No improvement (termination review of 11/30/2026 (attendance ladder))"
    audit = AuditEntry.objects.get(action="termination_term")
    assert (audit.actor, audit.object_id, audit.changes["proposed_by"]) == (
        world.users[PM],
        "E001",
        "Tl One",
    )
    assert list(pending_termination_reviews(world.users[PM])) == []
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "decided 11/30/2026: term the agent from 12/01/2026 (No improvement)" in page


def test_it_keeps_the_agent_with_a_new_expectation_and_refuses_a_second_decision(world, client):
    proposal = propose(world, client)
    pm = world.users[PM]
    with pytest.raises(ValidationError, match="Write the new expectation"):
        termination_decide(proposal=proposal, decision="keep", reason=" ", day=TODAY, actor=pm)
    kept = termination_decide(
        proposal=proposal, decision="keep", reason="Perfect attendance for 30 days", day=TODAY,
        actor=pm,
    )  # fmt: skip
    assert kept.employment is None and employment("E001") == []
    note = Fact.objects.get(agent__employee_id="E001", kind="note")
    assert note.note == (
        "Kept after the termination review of 11/30/2026 (attendance ladder): "
        "Perfect attendance for 30 days"
    )
    assert AuditEntry.objects.filter(action="termination_keep", actor=pm).count() == 1
    with pytest.raises(ValidationError, match="already decided \\(keep, with a new expectation\\)"):
        termination_decide(proposal=proposal, decision="term", reason="x", day=TODAY, actor=pm)
    assert employment("E001") == []


def test_it_lets_only_the_pm_or_the_esp_manager_decide(world, client):
    """Issue 12 item 3: a TL proposes, never decides or terms (404 on the route; the service
    refuses with the reason); another class's PM does not see the agent."""
    proposal = propose(world, client)
    tl = world.users[TL]
    with pytest.raises(PermissionDenied, match="only the ESP Manager or the PM may"):
        termination_decide(proposal=proposal, decision="term", reason="x", day=TODAY, actor=tl)
    with pytest.raises(PermissionDenied):
        services.employment_set(agent=proposal.agent, status="termed", day=TODAY, actor=tl)
    data = {"proposal": proposal.pk, "decision": "term", "reason": "x"}
    url = reverse("progress:termination_decide", args=["E001"])
    client.force_login(tl)
    assert client.post(url, data).status_code == 404
    from tests.web_support import staff

    client.force_login(staff("pm.two@cxp.example", PM))  # LIC-B's PM
    assert client.post(url, data).status_code == 404
    assert employment("E001") == [] and not TerminationDecision.objects.exists()
    manager = world.users[ESP_MANAGER]
    termination_decide(proposal=proposal, decision="term", reason="x", day=TODAY, actor=manager)
    assert employment("E001") == ["termed"]


# -- the TL proposes when they judge it needed (issue 12 item 3 follow-up) ----------------------


def test_it_offers_the_tl_a_propose_form_before_the_ladder_says_a_review_is_due(world, client):
    """Issue 12 item 1 (follow-up of item 3), R-L5: the agent page gives the TL a visible
    "Propose a termination review" form (the ladder it concerns + the reason) even when no
    review is due; it goes through step_deliver, mails the PM and waits on the PM's Today."""
    from esp.progress import pages as selectors

    agent = world.agents["E001"]
    due = selectors.agent_page(agent, TODAY).due_steps
    assert "termination_review" not in {s["step"] for s in due}  # not due today
    client.force_login(world.users[TL])
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "<h3>Propose a termination review</h3>" in page
    assert '<option value="attendance">Attendance</option>' in page
    assert '<option value="exams">' not in page  # the failed-exams ladder has no review
    proposal = propose(world, client)
    assert proposal.recorded_by == world.users[TL] and proposal.value == "attendance"
    [mail] = OutboxMessage.objects.filter(report="termination_review")
    assert mail.to == ["pm.one@cxp.example"]
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Propose a termination review</h3>" not in page
    assert "delivered 11/30/2026 by Tl One is waiting for the PM's decision" in page
    client.force_login(world.users[PM])
    assert "Termination reviews to decide (1)" in client.get(reverse("web:today")).content.decode()
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Propose a termination review</h3>" not in page  # the PM decides, never proposes


def test_it_refuses_a_second_review_while_one_waits_and_one_on_a_ladder_without_it(world, client):
    """Issue 12 item 1 (follow-up of item 3), R-L5: one proposal waits for the PM at a time,
    and only on a ladder that has a termination review step; both refused in plain words."""
    propose(world, client)
    tl, agent = world.users[TL], world.agents["E001"]
    with pytest.raises(ValidationError, match="already waiting for the PM's decision"):
        services.step_deliver(
            agent=agent, ladder="licensing", step="termination_review", expectation="x",
            day=TODAY, actor=tl,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="The Failed exams ladder has no termination review"):
        services.step_deliver(
            agent=world.agents["E002"], ladder="exams", step="termination_review",
            expectation="x", day=TODAY, actor=tl,
        )  # fmt: skip
    assert Fact.objects.filter(kind="action").count() == 1
    termination_decide(
        proposal=Fact.objects.get(kind="action"), decision="keep", reason="Improving",
        day=TODAY, actor=world.users[PM],
    )  # fmt: skip
    later = services.step_deliver(
        agent=agent, ladder="licensing", step="termination_review", expectation="Again",
        day=TODAY, actor=tl,
    )  # fmt: skip
    assert later.value == "licensing"  # once decided, a new proposal may follow


def test_it_shows_a_termination_scheduled_after_the_as_of_day(world, client):
    """Issue 12 item 3 (follow-up of item 3; R-L5, R-P3): once the PM terms the agent from a
    later date, the agent page says "Termed from 12/04/2026 (scheduled)" in its header and
    Employment card until that day, then "Termed"; the employment form is based on it."""
    import re

    proposal = propose(world, client)
    termination_decide(
        proposal=proposal, decision="term", reason="No improvement", day=date(2026, 12, 4),
        actor=world.users[PM],
    )  # fmt: skip
    client.force_login(world.users[PM])
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    header = page.split("<p>Class ", 1)[1].split("</p>", 1)[0]
    assert "Active · <strong>Termed from 12/04/2026 (scheduled)</strong> · as of 11/30/2026" in (
        header
    )
    card = page.split('id="employment-h"', 1)[1].split("</section>", 1)[0]
    assert "<li><strong>Termed from 12/04/2026 (scheduled)</strong> by Pm One: No improvement" in (
        card
    )
    scheduled = Fact.objects.get(kind="status")
    assert re.search(rf'name="based_on" value="{scheduled.pk}"', card)
    later = client.get(reverse("progress:agent", args=["E001"]), {"as_of": "12/04/2026"})
    header = later.content.decode().split("<p>Class ", 1)[1].split("</p>", 1)[0]
    assert "Termed · as of 12/04/2026" in header and "(scheduled)" not in header
