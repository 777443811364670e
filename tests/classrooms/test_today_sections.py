"""The sections other pages show of the planner, as data (issue 13: template tags receive
data and never query): the Today section of the classroom owners and an agent's invitations."""

from __future__ import annotations

from datetime import date as D

from esp.classrooms import selectors, services
from esp.programs.models import Program
from esp.roster.models import Agent, TrainingClass
from tests.classrooms.test_classrooms import at, esp_room, world  # noqa: F401


def test_it_lists_the_rooms_whose_invites_are_due_for_today(world):  # noqa: F811
    esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    program = Program.objects.get(key="esp-aetna")
    section = selectors.classrooms_today(world, program, D(2026, 12, 3))
    due = selectors.invites_due(TrainingClass.objects.all(), D(2026, 12, 3))
    assert section.count == len(due) + len(section.ladder) > 0
    assert [d.room for d in section.due] == [d.room for d in due]
    assert section.as_of == D(2026, 12, 3)


def test_it_lists_an_agents_invitations_with_their_days(world):  # noqa: F811
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    (row,) = selectors.agent_invitations(Agent.objects.get(employee_id="E001"))
    assert row.invitation.classroom == room
    assert row.days == [D(2026, 11, 25), D(2026, 11, 27), D(2026, 11, 30)]  # 11/26: Thanksgiving
