"""The reads of the API: the rows an endpoint lists, within what the user may see
(esp/access/scopes.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from esp.access import scopes
from esp.lib.sqlids import read_once
from esp.progress.models import Fact
from esp.progress.selectors import IDS_INLINE_MAX
from esp.roster.models import Agent, ClassPhase


def classes_for_user(user):
    """The classes `user` may see, with what the class serializer shows, by code: the phase
    starts with their phase in one query, the leads' addresses only (issue 14)."""
    people = get_user_model().objects.only("email")
    return (
        scopes.visible_classes(user)
        .select_related("program", "campaign")
        .prefetch_related(
            Prefetch(
                "phase_starts",
                ClassPhase.objects.select_related("phase").only(
                    "training_class_id", "start_date", "phase__key"
                ),
            ),
            Prefetch("tls", people),
            Prefetch("pms", people),
        )
        .order_by("code")
    )


def agents_for_user(user, class_code: str | None = None):
    """The agents `user` may see (of class `class_code` when given), by employee id. A scope
    is read once (esp.lib.sqlids.read_once), not in the page's count and its rows each."""
    agents = scopes.visible_agents(user)
    if not scopes.has_role(user, scopes.ESP_MANAGER):
        agents = Agent.objects.filter(pk__in=read_once(agents, IDS_INLINE_MAX))
    agents = agents.select_related("training_class", "site", "tl", "pm")
    if class_code:
        agents = agents.filter(training_class__code=class_code)
    return agents.order_by("employee_id")


def program_has_task(program, task: str) -> bool:
    return program.tasks.filter(key=task).exists()


def agent_notes(agent):
    """The agent's facts with a note, newest first (the notes timeline, R-N1)."""
    return Fact.objects.filter(agent=agent).exclude(note="").order_by("-date", "-pk")


def agent_facts(agent, kind: str):
    """The agent's facts of `kind` (call, attendance, flag), oldest first."""
    return Fact.objects.filter(agent=agent, kind=kind).order_by("date", "pk")
