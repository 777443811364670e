"""Reads of the breakout help queue (R-S4): one query per need, scoped through
`esp.access.scopes.visible_agents(user)`."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from esp.access import scopes
from esp.access.matrix import EDITORS
from esp.lib import compiled
from esp.programs.models import Program, Task
from esp.progress.models import Fact
from esp.progress.selectors import agents_in_scope
from esp.roster.models import Agent, ClassPhase, TrainingClass

from .models import HelpRequest


def wait_label(since: datetime, now: datetime) -> str:
    """ "4 min", "1 h 05 min": how long someone has waited (never negative)."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _visible(user):
    return HelpRequest.objects.filter(agent__in=scopes.visible_agents(user).values("pk"))


# Up to this many agents the "ask for an agent" form offers a list; beyond, an employee ID field
# (an ESP Manager's scope is the whole season: a list of thousands is no help, and heavy).
ASK_LIST_MAX = 200


def running_classes(program: Program, today: date):
    """The classes of `program` under way on `today`: started, and not yet at the phase of
    the transfer to production."""
    transfer = Task.objects.filter(program=program, is_transfer=True).values("phase")
    in_production = ClassPhase.objects.filter(
        training_class=OuterRef("pk"), phase__in=transfer, start_date__lte=today
    )
    return TrainingClass.objects.filter(program=program, start_date__lte=today).exclude(
        Exists(in_production)
    )


def askable_agents(user, program: Program, today: date):
    """The agents a leader may put in the queue: in flight on `today` (employment not ended,
    not transferred: R-P3), of a class under way (their own, or one they moved into), in the
    user's scope, and without an open request; by name.

    The classes under way are read first (a short list of ids), then the candidates' ids
    before the user's scope: SQLite, which keeps no statistics here, plans the nested
    subqueries of one single query badly (seconds for an ESP Manager's season of 20,000
    agents). An ESP Manager sees everyone: no scope filter at all."""
    policy = program.policy()
    running = list(running_classes(program, today).values_list("pk", "code"))
    moved_in = Fact.objects.filter(
        kind="move", date__lte=today, item__in=[code for _, code in running]
    ).values("agent_id")
    agents = agents_in_scope(
        program, today, in_flight=True, transfer_task=policy.transfer_task
    ).filter(Q(training_class__in=[pk for pk, _ in running]) | Q(pk__in=moved_in))
    if not scopes.has_role(user, scopes.ESP_MANAGER):  # the candidates' ids, then the scope
        candidates = list(agents.values_list("pk", flat=True))
        agents = scopes.visible_agents(user).filter(pk__in=candidates)
    return agents.exclude(help_requests__status__in=HelpRequest.OPEN).order_by(
        "last_name", "first_name", "employee_id"
    )


def ask_choices(user, program: Program, today: date) -> dict:
    """The "ask for an agent" form: a list of the askable agents when there are few, else an
    employee ID field (`askable` None, `ask_by_id` True)."""
    askable = list(askable_agents(user, program, today)[: ASK_LIST_MAX + 1])
    if len(askable) > ASK_LIST_MAX:
        return {"askable": None, "ask_by_id": True}
    return {"askable": askable, "ask_by_id": False}


def queue(user, now: datetime, program: Program) -> dict:
    """The leaders' page: who waits (oldest first, with the wait), who is in which room with
    whom, today's finished visits, and the agents a leader may ask for (`ask_choices`)."""
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
    return {
        "waiting": waiting,
        "in_room": in_room,
        "finished": finished,
        **ask_choices(user, program, now.date()),
    }


def waiting_count(agents=None) -> int:
    """How many of `agents` (a queryset or a subquery of their ids: the page's scope, read
    once; None: every agent, the ESP Manager's, counted without asking the agents table)
    wait for help. Every agent's: the same query on each page, compiled once (issue 14)."""

    def waiting():
        return HelpRequest.objects.filter(status=HelpRequest.WAITING)

    if agents is None:
        return compiled.count(("breakouts.waiting_count",), waiting)
    return waiting().filter(agent__in=agents).count()


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
    """The agent's requests, newest first (names are stored on the row; the program rides
    along for its time zone: one query)."""
    requests = agent.help_requests.select_related("agent__training_class__program")
    return list(requests.order_by("-asked_at", "-pk")[:limit])


def zone_of(visits: list[HelpRequest]) -> str:
    """The time zone the visits' times are shown in: their agent's program's (issue 17 item
    3); "" (the server's) when there is no visit to show."""
    return visits[0].agent.training_class.program.time_zone if visits else ""


def get_open_request_for_user(user, employee_id: str, pk) -> tuple[Agent, HelpRequest | None]:
    """The agent (404 outside the user's scope) and their open request `pk` (None when that
    request is no longer open or is not theirs)."""
    agent = scopes.get_agent_for_user(user, employee_id)
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


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's breakouts part (esp.progress.hooks): the agent's visits (R-S4)."""
    visits = visits_of(agent)
    return {
        "breakouts_panel": {
            "visits": visits,
            "is_self": agent.user_id == user.pk,
            "is_leader": scopes.has_role(user, *EDITORS),
            "zone": zone_of(visits),  # issue 17 item 3
        }
    }
