"""Troubleshooting playbooks (SPEC R-Q2, issue 8 item 5): the four defaults of the seeds as
data, a walk-through on an agent with each step's outcome logged (who, when, note), solved
ends it, an unresolved one opens an equipment issue (R-Q1) or a carrier ticket, and only an
editor who sees the agent may run one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from esp.playbooks.defaults import load_default_playbooks
from esp.playbooks.models import Playbook, StepOutcome, Walkthrough
from esp.playbooks.selectors import current_step
from esp.playbooks.services import outcome_record, walkthrough_start
from esp.progress.models import CarrierTicket, Fact
from esp.roster.models import Agent
from esp.roster.roles import TL
from tests.web_support import staff

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example
AET-B,esp-aetna,Aetna,PRV,2026-11-02,tl.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E101,Liz,Lane,liz@cxp.example,liz@mail.example,AET-B,tl.two@cxp.example
"""


@pytest.fixture
def world(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    load_default_playbooks()
    return {
        "tl": staff("tl.one@cxp.example", TL),
        "other_tl": staff("tl.two@cxp.example", TL),
        "ann": Agent.objects.get(employee_id="E001"),
    }


def playbook(key):
    return Playbook.objects.get(key=key)


def test_the_four_default_playbooks_are_loaded_once_with_their_steps_in_order(world):
    assert list(Playbook.objects.values_list("key", flat=True)) == [
        "general",
        "carrier-site",
        "tbt-access",
        "dialer",
    ]
    general = [s.instruction for s in playbook("general").steps.all()]
    assert general[0].startswith("Use Chrome") and "Firefox" in general[1]
    assert "internet speed" in general[2] and "streaming" in general[3]
    assert "IT chat" in general[4] and "public-itchat" in general[4]
    carrier = [s.instruction for s in playbook("carrier-site").steps.all()]
    assert "cache and cookies" in carrier[0] and "Refresh" in carrier[1]
    assert "support" in carrier[2] and "TL" in carrier[2]
    assert playbook("carrier-site").escalation == Playbook.CARRIER
    tbt = " ".join(s.instruction for s in playbook("tbt-access").steps.all())
    assert "personal device" in tbt and "Citrix" in tbt and "Learning Hub" in tbt
    dialer = [s.instruction for s in playbook("dialer").steps.all()]
    assert "20 error" in dialer[0] and "reboot" in dialer[0]
    assert "drop-down" in dialer[1] and "log back in" in dialer[1]
    assert "hard restart" in dialer[2]
    # An ESP Manager's edit survives a reload; loading twice adds nothing.
    step = playbook("general").steps.first()
    step.instruction = "Use Chrome (edited)"
    step.save()
    load_default_playbooks()
    assert Playbook.objects.count() == 4
    assert playbook("general").steps.count() == 5
    assert playbook("general").steps.first().instruction == "Use Chrome (edited)"


def test_steps_follow_their_position_not_their_creation(world):
    book = Playbook.objects.create(key="custom", name="Custom")
    book.steps.create(position=2, instruction="Second")
    book.steps.create(position=1, instruction="First")
    walk = walkthrough_start(
        agent=world["ann"], playbook=book, actor=world["tl"], now=timezone.now()
    )
    assert current_step(walk).instruction == "First"
    outcome_record(
        walkthrough=walk, outcome=StepOutcome.NOT_HELPED, actor=world["tl"], now=timezone.now()
    )
    assert current_step(walk).instruction == "Second"


def test_every_outcome_is_logged_with_who_when_and_note_and_solved_ends_it(world):
    walk = walkthrough_start(
        agent=world["ann"], playbook=playbook("general"), actor=world["tl"], now=timezone.now()
    )
    outcome_record(
        walkthrough=walk,
        outcome=StepOutcome.NOT_HELPED,
        note="Chrome blank",
        actor=world["tl"],
        now=timezone.now(),
    )
    outcome_record(
        walkthrough=walk,
        outcome=StepOutcome.SOLVED,
        note="Works in Firefox",
        actor=world["tl"],
        now=timezone.now(),
    )
    walk.refresh_from_db()
    assert walk.status == Walkthrough.SOLVED and walk.ended_at is not None
    rows = list(walk.outcomes.values_list("position", "outcome", "note", "recorded_by"))
    assert rows == [
        (1, "not_helped", "Chrome blank", world["tl"].pk),
        (2, "solved", "Works in Firefox", world["tl"].pk),
    ]
    assert all(o.recorded_at for o in walk.outcomes.all())
    with pytest.raises(ValidationError):
        outcome_record(
            walkthrough=walk, outcome=StepOutcome.SOLVED, actor=world["tl"], now=timezone.now()
        )
    assert not Fact.objects.filter(kind="equipment").exists()


def test_unresolved_general_walkthrough_opens_an_equipment_issue_with_the_it_ticket(world):
    tl, ann = world["tl"], world["ann"]
    walk = walkthrough_start(agent=ann, playbook=playbook("general"), actor=tl, now=timezone.now())
    for _ in range(4):
        outcome_record(
            walkthrough=walk, outcome=StepOutcome.NOT_HELPED, actor=tl, now=timezone.now()
        )
    with pytest.raises(ValidationError, match="IT ticket"):  # the last step needs the ticket
        outcome_record(
            walkthrough=walk, outcome=StepOutcome.NOT_HELPED, actor=tl, now=timezone.now()
        )
    outcome_record(
        walkthrough=walk, outcome=StepOutcome.NOT_HELPED, note="No audio", ticket="IT-4711",
        actor=tl, now=timezone.now(),
    )  # fmt: skip
    walk.refresh_from_db()
    assert walk.status == Walkthrough.UNRESOLVED
    assert "IT-4711" in walk.result
    fact = Fact.objects.get(agent=ann, kind="equipment")
    assert (fact.item, fact.value) == ("issue", "IT-4711")
    assert "General troubleshooting" in fact.note


def test_unresolved_carrier_walkthrough_opens_a_carrier_ticket_and_a_note(world):
    tl, ann = world["tl"], world["ann"]
    walk = walkthrough_start(
        agent=ann, playbook=playbook("carrier-site"), actor=tl, now=timezone.now()
    )
    outcome_record(walkthrough=walk, outcome=StepOutcome.NOT_HELPED, actor=tl, now=timezone.now())
    outcome_record(walkthrough=walk, outcome=StepOutcome.NOT_HELPED, actor=tl, now=timezone.now())
    outcome_record(
        walkthrough=walk,
        outcome=StepOutcome.NOT_HELPED,
        ticket="AET-99",
        actor=tl,
        now=timezone.now(),
    )
    ticket = CarrierTicket.objects.get(agent=ann)
    assert ticket.ticket_number == "AET-99" and ticket.status == CarrierTicket.OPEN
    assert Fact.objects.filter(agent=ann, kind="note", note__contains="AET-99").exists()
    assert not Fact.objects.filter(kind="equipment").exists()


def test_a_tl_runs_it_from_the_pages_and_the_agent_page_lists_it(world, client):
    client.force_login(world["tl"])
    url = reverse("playbooks:troubleshoot", args=["E001"])
    agent_page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert url in agent_page and "No walk-through yet." in agent_page
    client.post(url, {"action": "start", "playbook": "dialer"})
    walk = Walkthrough.objects.get()
    page = client.get(url).content.decode()
    assert "Step 1:" in page and "20 error" in page
    client.post(
        url, {"action": "outcome", "walkthrough": walk.pk, "outcome": "solved", "note": "Rebooted"}
    )
    walk.refresh_from_db()
    assert walk.status == Walkthrough.SOLVED
    agent_page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Dialer (CTI / Zoiper)" in agent_page and "solved" in agent_page


def test_another_tl_gets_404_and_changes_nothing(world, client):
    client.force_login(world["other_tl"])
    url = reverse("playbooks:troubleshoot", args=["E001"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "start", "playbook": "general"}).status_code == 404
    assert not Walkthrough.objects.exists()


def test_initialize_loads_the_default_playbooks(db):
    from esp.programs.bootstrap import initialize

    initialize()
    assert (
        Playbook.objects.filter(key__in=["general", "carrier-site", "tbt-access", "dialer"]).count()
        == 4
    )


def test_an_esp_manager_edits_the_playbooks_in_the_admin(world, client):
    from esp.roster.services.staff import create_esp_manager

    client.force_login(create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1"))
    book = playbook("dialer")
    assert client.get("/admin/playbooks/playbook/").status_code == 200
    page = client.get(f"/admin/playbooks/playbook/{book.pk}/change/").content.decode()
    assert "hard restart" in page
    assert client.get("/admin/playbooks/walkthrough/").status_code == 200
