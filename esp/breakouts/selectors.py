"""Reads of the breakout help queue (R-S4): one query per need, scoped through
`esp.roster.access.visible_agents(user)`."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404

from esp.roster import access
from esp.roster.models import Agent

from .models import HelpRequest


def wait_label(since: datetime, now: datetime) -> str:
    """ "4 min", "1 h 05 min": how long someone has waited (never negative)."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _visible(user):
    return HelpRequest.objects.filter(agent__in=access.visible_agents(user).values("pk"))


def queue(user, now: datetime) -> dict:
    """The leaders' page: who waits (oldest first, with the wait), who is in which room with
    whom, today's finished visits, and the agents a leader may ask for (no open request)."""
    visible = _visible(user).select_related("agent")
    waiting = [
        {"request": r, "wait": wait_label(r.asked_at, now)}
        for r in visible.filter(status=HelpRequest.WAITING).order_by("asked_at", "pk")
    ]
    in_room = [
        {"request": r, "for": wait_label(r.taken_at, now)}
        for r in visible.filter(status=HelpRequest.IN_ROOM).order_by("room", "taken_at", "pk")
    ]
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    finished = visible.filter(
        status__in=(HelpRequest.DONE, HelpRequest.CANCELLED), closed_at__gte=start_of_day
    ).order_by("-closed_at", "-pk")
    askable = (
        access.visible_agents(user)
        .exclude(help_requests__status__in=HelpRequest.OPEN)
        .order_by("last_name", "first_name", "employee_id")
    )
    return {"waiting": waiting, "in_room": in_room, "finished": finished, "askable": askable}


def waiting_count(user) -> int:
    return _visible(user).filter(status=HelpRequest.WAITING).count()


def open_request_of(agent: Agent) -> HelpRequest | None:
    return agent.help_requests.filter(status__in=HelpRequest.OPEN).first()


def place_in_line(help_request: HelpRequest) -> int:
    """1 for the longest-waiting request of the whole queue."""
    return (
        HelpRequest.objects.filter(status=HelpRequest.WAITING, asked_at__lte=help_request.asked_at)
        .exclude(asked_at=help_request.asked_at, pk__gt=help_request.pk)
        .count()
    )


def visits_of(agent: Agent, limit: int = 20) -> list[HelpRequest]:
    """The agent's requests, newest first (names are stored on the row: one query)."""
    return list(agent.help_requests.order_by("-asked_at", "-pk")[:limit])


def get_open_request_for_user(user, employee_id: str, pk) -> tuple[Agent, HelpRequest | None]:
    """The agent (404 outside the user's scope) and their open request `pk` (None when that
    request is no longer open or is not theirs)."""
    agent = access.get_agent_for_user(user, employee_id)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return agent, None
    return agent, agent.help_requests.filter(pk=pk, status__in=HelpRequest.OPEN).first()


def own_agent(user) -> Agent:
    """The signed-in agent's own record (404 for an account not linked to an agent)."""
    agent = Agent.objects.filter(user=user).first() if user.is_authenticated else None
    if agent is None:
        raise Http404("no agent")
    return agent


def free_room_name(in_use: set[str]) -> str:
    """The first "Breakout N" not in use now (a suggestion; the leader may type another)."""
    number = 1
    while f"Breakout {number}" in in_use:
        number += 1
    return f"Breakout {number}"


def rooms_in_use() -> set[str]:
    return set(
        HelpRequest.objects.filter(status=HelpRequest.IN_ROOM).values_list("room", flat=True)
    )
