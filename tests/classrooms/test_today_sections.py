"""The sections other pages show of the planner, as data (issue 13: template tags receive
data and never query): the Today section of the classroom owners and an agent's invitations."""

from __future__ import annotations

from datetime import date as D

from esp.classrooms import selectors, services
from esp.roster.models import Agent, TrainingClass
from tests.classrooms.test_classrooms import at, esp_room, world  # noqa: F401


def test_it_lists_the_rooms_whose_invites_are_due_for_today(world):  # noqa: F811
    room = esp_room("AET-C", D(2026, 12, 9), D(2026, 12, 11), world)
    due = selectors.invites_due(TrainingClass.objects.all(), D(2026, 12, 3))
    assert room in [d.room for d in due]
    for _ in range(2):  # every class's (the ESP Manager's): compiled once, read each time
        every = selectors.invites_due(None, D(2026, 12, 3))
        assert [(d.room, d.deadline, d.late) for d in every] == [
            (d.room, d.deadline, d.late) for d in due
        ]
    assert selectors.invites_due(TrainingClass.objects.none(), D(2026, 12, 3)) == []


def test_it_lists_an_agents_invitations_with_their_days(world):  # noqa: F811
    room = esp_room("AET-A", D(2026, 11, 25), D(2026, 11, 30), world)
    services.invites_send(room=room, actor=world, now=at(D(2026, 11, 20)), as_of=D(2026, 11, 20))
    (row,) = selectors.agent_invitations(Agent.objects.get(employee_id="E001"))
    assert row.invitation.classroom == room
    assert row.days == [D(2026, 11, 25), D(2026, 11, 27), D(2026, 11, 30)]  # 11/26: Thanksgiving
