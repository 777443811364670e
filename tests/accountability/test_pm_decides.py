"""The PM decides terminations (issue 15 item 10; SPEC §1 "approves terminations", R-L5; seeds
000 and 001): a termination review the rules say is due reaches the PM by mail once and on
their Today even when nobody delivered it; the PM terms (with a Term document, made like the
CAP documents) or keeps the agent with a new expectation and its due date; anyone who works
with the agent can inform the PM now.

The scenario of tests/test_write_matrix.py (Monday 11/30/2026): AET-A has tl.one / pm.one and
agents E001 (Ann Able) and E002; LIC-B has tl.two / pm.two and E101.
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from esp.accountability.models import CapDocument, CapTemplate, TerminationDecision
from esp.accountability.services import (
    mail_due_termination_reviews,
    pm_inform,
    termination_decide,
    termination_decide_due,
)
from esp.audit.models import AuditEntry
from esp.mailing.models import OutboxMessage
from esp.progress import services
from esp.progress.models import Fact
from esp.roster.roles import CERTIFIER, ESP_MANAGER, LICENSING, PM, TL, WFM
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


def three_no_call_no_shows(world):
    """Ann Able (E001) misses three days without calling: the attendance ladder's last step,
    the termination review, falls due by the rules (R-A5: 3 NCNS) — and nobody delivers it."""
    for day in (23, 24, 25):
        services.fact_record(
            agent=world.agents["E001"],
            day=date(2026, 11, day),
            kind="attendance",
            item="ncns",
            actor=world.users[TL],
        )


def test_it_mails_the_pm_once_when_a_termination_review_falls_due_by_the_rules(world):
    """Seed 000: "If not completed after one more business day, the agent may be termed";
    SPEC R-L5: a termination review is a recommendation to the PM, who is mailed — also when
    the ladder says it is due and no TL delivered it."""
    three_no_call_no_shows(world)
    assert mail_due_termination_reviews(now=NOW) == 1
    [mail] = OutboxMessage.objects.filter(report="termination_review")
    assert mail.to == ["pm.one@cxp.example"]
    assert mail.subject == "Termination review due: Ann Able (E001)"
    assert "A termination review of Ann Able (E001), class AET-A, is due on the Attendance" in (
        mail.text
    )
    assert "/agents/E001/#ladders" in mail.text
    assert mail_due_termination_reviews(now=NOW) == 0  # once
    assert OutboxMessage.objects.filter(report="termination_review").count() == 1


def test_it_lists_a_termination_review_due_by_the_rules_on_the_pms_today(world, client):
    """SPEC §1: the PM "approves terminations"; R-L5: the PM sees the review on their Today."""
    three_no_call_no_shows(world)
    client.force_login(world.users[PM])
    today = client.get(reverse("web:today")).content.decode()
    assert "Termination reviews to decide (1)" in today
    assert "Due by the rules, not delivered yet" in today
    assert "Ann Able (E001), class AET-A — due" in today
    assert "/agents/E001/#termination-due-attendance" in today
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert 'id="termination-due-attendance"' in page
    # the whole list has its own page too (the see-all listed only the TLs' proposals)
    whole = client.get(reverse("web:today"), {"list": "termination_due"})
    assert (
        whole.status_code == 200 and "Ann Able (E001), class AET-A — due" in whole.content.decode()
    )
    client.force_login(world.users[TL])
    today = client.get(reverse("web:today")).content.decode()
    assert "Termination reviews to decide" not in today  # the TL delivers, never decides


def test_it_terms_the_agent_from_a_due_review_with_a_term_document(world, client):
    """R-L5: "term on a date, with a generated Term document"; the review counts as delivered
    (by the PM), so the ladder shows it no more; the document downloads from the agent page."""
    three_no_call_no_shows(world)
    client.force_login(world.users[PM])
    response = client.post(
        reverse("progress:termination_decide", args=["E001"]),
        {"ladder": "attendance", "decision": "term", "date": "12/04/2026", "reason": "3 NCNS"},
    )
    assert messages_of(response)[-1] == "Ann Able termed from 12/04/2026."
    decision = TerminationDecision.objects.get()
    review = decision.proposal
    assert (review.kind, review.item, review.value, review.recorded_by) == (
        "action",
        "termination_review",
        "attendance",
        world.users[PM],
    )
    assert decision.employment.value == "termed"
    assert decision.employment.date == date(2026, 12, 4)
    document = CapDocument.objects.get(fact=review)
    assert document.filename == "Able_Ann_term_12-04-2026.pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(document.pdf))).pages)
    assert "Termination of employment" in text
    assert "effective 12/04/2026" in text and "Reason: 3 NCNS" in text
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert 'id="termination-due-attendance"' not in page  # decided: not due any more
    link = reverse("accountability:cap_download", args=[document.pk])
    assert f'<a href="{link}" download>Term document (PDF)</a>' in page
    download = client.get(link)
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Able_Ann_term_12-04-2026.pdf"' in download["Content-Disposition"]
    client.force_login(world.users[TL])
    assert client.get(link).status_code == 200  # the TL prints it for the meeting
    assert AuditEntry.objects.filter(action="termination_term").count() == 1


def test_it_keeps_the_agent_with_a_new_expectation_and_its_due_date(world, client):
    """R-L5: "keep with a new expectation" — the text and the day it must be met by."""
    three_no_call_no_shows(world)
    client.force_login(world.users[PM])
    url = reverse("progress:termination_decide", args=["E001"])
    data = {"ladder": "attendance", "decision": "keep", "reason": "No absence for 30 days"}
    response = client.post(url, data)
    assert "Write the day the new expectation must be met by." in messages_of(response)[-1]
    assert not TerminationDecision.objects.exists()
    response = client.post(url, {**data, "expect_by": "12/30/2026"})
    assert messages_of(response)[-1] == "Ann Able kept; the new expectation is on the notes."
    kept = TerminationDecision.objects.get()
    assert (kept.decision, kept.expect_by, kept.employment) == ("keep", date(2026, 12, 30), None)
    note = Fact.objects.get(agent__employee_id="E001", kind="note")
    assert note.note.endswith(": No absence for 30 days (expected by 12/30/2026)")
    assert not CapDocument.objects.exists()  # no Term document when kept
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "keep, with a new expectation (No absence for 30 days, expected by 12/30/2026)" in page


def test_it_refuses_to_decide_a_review_that_is_not_due_and_lets_only_the_pm_decide(world):
    """R-L5: "only the ESP Manager or the PM changes employment; the system never terms anyone
    by itself" — nothing is due for Bob Baker (E002), and a TL cannot decide."""
    three_no_call_no_shows(world)
    with pytest.raises(ValidationError, match="No termination review of Bob Baker is due"):
        termination_decide_due(
            agent=world.agents["E002"], ladder="attendance", decision="term", reason="x",
            day=TODAY, actor=world.users[PM], as_of=TODAY,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        termination_decide_due(
            agent=world.agents["E001"], ladder="attendance", decision="term", reason="x",
            day=TODAY, actor=world.users[TL], as_of=TODAY,
        )  # fmt: skip
    assert not Fact.objects.filter(kind__in=("action", "status")).exists()


def test_a_tls_proposal_decided_to_term_gets_its_term_document_too(world, client):
    """R-L5: the Term document is made for every decision to term, a TL's proposal included."""
    proposal = services.step_deliver(
        agent=world.agents["E001"], ladder="attendance", step="termination_review",
        expectation="6 points", day=TODAY, actor=world.users[TL],
    )  # fmt: skip
    termination_decide(
        proposal=proposal, decision="term", reason="No improvement", day=TODAY,
        actor=world.users[PM],
    )  # fmt: skip
    document = CapDocument.objects.get(fact=proposal)
    assert "Reason and expectation given: 6 points" in document.text
    assert "Program manager (Pm One)" in document.text


# -- "inform their PM immediately" (seed 001) ---------------------------------------------------


def test_it_informs_the_pm_now_from_the_agent_page_with_the_tls_text(world, client):
    """Seed 001: "If there is an issue with an agent, the TL must inform their PM immediately
    of the situation." — mailed at once, audited, on the agent's history (staff notes)."""
    client.force_login(world.users[TL])
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert 'id="inform-pm"' in page
    response = client.post(
        reverse("accountability:inform_pm", args=["E001"]),
        {"text": "Ann says her background check came back with a finding."},
    )
    assert messages_of(response) == ["Sent to the PM now; it is on the agent's notes."]
    [mail] = OutboxMessage.objects.filter(report="pm_informed")
    assert mail.to == ["pm.one@cxp.example"]
    assert mail.subject == "About Ann Able (E001): Tl One informs you"
    assert "Ann says her background check came back with a finding." in mail.text
    note = Fact.objects.get(kind="note")
    assert note.note == (
        "Informed the PM (Pm One): Ann says her background check came back with a finding."
    )
    assert not note.to_agent
    audit = AuditEntry.objects.get(action="pm_informed")
    assert audit.actor == world.users[TL] and audit.object_id == "E001"
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Tl One - Informed the PM (Pm One): Ann says" in page


def test_it_refuses_an_empty_message_and_the_roles_that_do_not_work_with_the_agent(world):
    """Seed 001 speaks to the TLs; Licensing and the coordinator meet issues too, a certifier
    or WFM does not inform the PM from the app."""
    agent = world.agents["E001"]
    with pytest.raises(ValidationError, match="Write what the PM should know"):
        pm_inform(agent=agent, text=" ", day=TODAY, now=NOW, actor=world.users[TL])
    for role in (CERTIFIER, WFM):
        with pytest.raises(PermissionDenied):
            pm_inform(agent=agent, text="x", day=TODAY, now=NOW, actor=world.users[role])
    licensing = world.agents["E101"]  # LIC-B is Licensing's class today
    pm_inform(agent=licensing, text="Failed AHIP twice", day=TODAY, now=NOW,
              actor=world.users[LICENSING])  # fmt: skip
    assert OutboxMessage.objects.get(report="pm_informed").to == ["pm.two@cxp.example"]
    assert isinstance(NOW, datetime)


def test_the_esp_manager_words_the_term_document_and_the_pm_terms_with_it(world, client):
    """R-L5: the Term document is "generated like the CAP PDFs", so its wording is the ESP
    Manager's like theirs (issue 15 walk, leftover c): in the admin, started from the shipped
    text, previewed, refused with a CAP-only placeholder, audited, then used for the PDF."""
    client.force_login(world.users[ESP_MANAGER])
    add = reverse("admin:accountability_captemplate_add")
    data = {"program": world.program.pk, "step": "termination_review", "text": ""}
    assert client.post(add, data).status_code == 302  # empty: the shipped Term text
    template = CapTemplate.objects.get(step="termination_review")
    assert template.text.startswith("# Termination of employment")
    change = reverse("admin:accountability_captemplate_change", args=[template.pk])
    page = client.get(change).content.decode()
    assert "effective [the termination&#x27;s effective date, MM/DD/YYYY]" in page
    refused = client.post(change, {**data, "text": "$step for $agent_name"}).content.decode()
    assert "Unknown placeholder $step on line 1." in refused
    wording = "# Notice\nDear $agent_name, your last day is $effective_date ($reason)."
    assert client.post(change, {**data, "text": wording}).status_code == 302
    audit = AuditEntry.objects.filter(action="cap_template_changed").get()
    assert audit.changes["version"] == 2 and audit.actor == world.users[ESP_MANAGER]

    three_no_call_no_shows(world)
    client.force_login(world.users[PM])
    client.post(
        reverse("progress:termination_decide", args=["E001"]),
        {"ladder": "attendance", "decision": "term", "date": "12/04/2026", "reason": "3 NCNS"},
    )
    document = CapDocument.objects.get()
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(bytes(document.pdf))).pages)
    assert "Dear Ann Able, your last day is 12/04/2026 (3 NCNS)." in text
    assert (document.template, document.template_version) == (template, 2)
