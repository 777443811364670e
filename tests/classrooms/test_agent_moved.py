"""R-T3 with R-S2 through roster's `agent_moved` signal: wherever a move comes from (page, API,
activity import), the classrooms app cancels the mover's invitations to the old class's rooms
still in use from the move's day."""

from __future__ import annotations

from datetime import date as D

import pytest

from esp.audit.models import AuditEntry
from esp.classrooms import services
from esp.classrooms.models import Invitation
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import ESP_MANAGER
from esp.roster.signals import agent_moved
from tests.classrooms.test_classrooms import CLASSES, ROSTER, at, esp_room, invites_of
from tests.web_support import staff


@pytest.fixture
def manager(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return staff("esp.manager@cxp.example", ESP_MANAGER)


def invited(manager):
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), manager)
    services.invites_send(room=room, actor=manager, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    return Agent.objects.get(employee_id="E002")


def test_it_cancels_the_old_class_rooms_when_roster_sends_agent_moved(manager):
    bob = invited(manager)
    agent_moved.send(
        sender=Agent,
        agent=bob,
        old_class=TrainingClass.objects.get(code="AET-A"),
        new_class=TrainingClass.objects.get(code="AET-C"),
        actor=manager,
        now=at(D(2026, 11, 23)),
        day=D(2026, 11, 23),
    )
    assert Invitation.objects.get(agent=bob).status == Invitation.CANCELLED
    (_, _), (cancel, row) = invites_of("E002")
    assert str(cancel["method"]) == "CANCEL"
    assert Invitation.objects.get(agent__employee_id="E001").status == Invitation.ACTIVE
    entry = AuditEntry.objects.get(action="classroom_invites_cancel_on_move")
    assert entry.changes == {"to_class": "AET-C", "from": "2026-11-23", "cancelled": 1}


def test_it_takes_the_day_of_now_when_the_signal_names_no_day(manager):
    bob = invited(manager)
    # a class code is enough for the new class; the old room ends 11/30, before the move
    agent_moved.send(
        sender=Agent,
        agent=bob,
        old_class="AET-A",
        new_class="AET-C",
        actor=manager,
        now=at(D(2026, 12, 1)),
    )
    assert Invitation.objects.get(agent=bob).status == Invitation.ACTIVE
    assert not AuditEntry.objects.filter(action="classroom_invites_cancel_on_move").exists()
    agent_moved.send(
        sender=Agent,
        agent=bob,
        old_class="AET-A",
        new_class="AET-C",
        actor=manager,
        now=at(D(2026, 11, 30), 8),
    )
    assert Invitation.objects.get(agent=bob).status == Invitation.CANCELLED


def test_it_keeps_the_invitations_of_the_class_moved_into(manager):
    bob = invited(manager)
    agent_moved.send(
        sender=Agent, agent=bob, old_class="AET-C", new_class="AET-A", actor=manager,
        now=at(D(2026, 11, 23)),
    )  # fmt: skip
    assert Invitation.objects.get(agent=bob).status == Invitation.ACTIVE
