"""The breakout help queue pages (R-S4): the leaders' queue, asking for help, and the
take / done / cancel actions. Views parse input, call a selector or a service, and redirect
(POST-redirect-GET); every agent is fetched through the access layer (404 outside scope)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.access.matrix import EDITORS
from esp.classrooms.selectors import breakout_rooms_open
from esp.lib import clock
from esp.lib.flash import attempt
from esp.roster.selectors import program_for

from . import selectors, services
from .models import HelpRequest


def _now():
    return clock.now(program_for().time_zone)


def _is_leader(user) -> bool:
    return scopes.has_role(user, *EDITORS)


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _home(request) -> str:
    return "breakouts:queue" if _is_leader(request.user) else "breakouts:ask"


def queue(request):
    program = program_for()
    now = clock.now(program.time_zone)
    context = selectors.queue(request.user, now, program)
    context.update(
        {
            "now": now,
            "zone": program.time_zone,  # times in the program's zone (issue 17 item 3)
            "topics": HelpRequest.TOPICS,
            "room_suggestion": selectors.free_room_name(selectors.rooms_in_use()),
            "planned_rooms": breakout_rooms_open(
                scopes.visible_classes(request.user), now.date()
            ),  # R-S1: the planner's breakout rooms open today
        }
    )
    return render(request, "breakouts/queue.html", context)


def _ask_for(request, leader: bool):
    """An ask form posted: the agent asked for (a leader's choice, or the user's own record),
    then the service; back to where the user came from."""
    if leader:
        employee_id = request.POST.get("agent", "").strip()
        if not employee_id:
            messages.error(request, "Agent: choose the agent who needs help.")
            return _back(request, "breakouts:ask")
        agent = scopes.get_agent_for_user(request.user, employee_id)
    else:
        agent = selectors.own_agent(request.user)
    attempt(
        request,
        lambda: services.help_ask(
            agent=agent,
            topic=request.POST.get("topic", ""),
            need=request.POST.get("need", ""),
            actor=request.user,
            now=_now(),
        ),
        lambda help_request: (
            f"{agent.name} is in the breakout queue ({help_request.get_topic_display()})."
            if leader
            else f"You asked for help ({help_request.get_topic_display()}): a leader will take "
            "you into a breakout room."
        ),
    )
    return _back(request, _home(request))


def _own_queue_place(user) -> dict:
    """What an agent sees of the queue: their open request, their place in line, visits."""
    agent = selectors.own_agent(user)
    current = selectors.open_request_of(agent)
    return {
        "agent": agent,
        "current": current,
        "place": selectors.place_in_line(current)
        if current and current.status == HelpRequest.WAITING
        else None,
        "visits": selectors.visits_of(agent),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request):
    """An agent asks for help for themselves; a leader asks for an agent they can see."""
    leader = _is_leader(request.user)
    if request.method == "POST":
        return _ask_for(request, leader)
    program = program_for()
    # the visits' times in the program's zone (issue 17 item 3)
    context = {"topics": HelpRequest.TOPICS, "leader": leader, "zone": program.time_zone}
    if leader:
        today = clock.now(program.time_zone).date()
        context.update(selectors.ask_choices(request.user, program, today))
    else:
        context.update(_own_queue_place(request.user))
    return render(request, "breakouts/ask.html", context)


def _act(request, employee_id: str, act, done_message):
    agent, help_request = selectors.get_open_request_for_user(
        request.user, employee_id, request.POST.get("request")
    )
    if help_request is None:
        messages.error(request, f"{agent.name} has no such open help request any more.")
        return _back(request, _home(request))
    attempt(request, lambda: act(help_request), done_message)
    return _back(request, _home(request))


@require_POST
def take(request, employee_id: str):
    room = request.POST.get("room", "")
    return _act(
        request,
        employee_id,
        lambda r: services.help_take(help_request=r, room=room, actor=request.user, now=_now()),
        lambda r: f"{r.agent.name} is in {r.room} with you.",
    )


@require_POST
def done(request, employee_id: str):
    outcome = request.POST.get("outcome", "")
    return _act(
        request,
        employee_id,
        lambda r: services.help_done(
            help_request=r, outcome=outcome, actor=request.user, now=_now()
        ),
        lambda r: f"{r.agent.name}'s visit is logged.",
    )


@require_POST
def cancel(request, employee_id: str):
    return _act(
        request,
        employee_id,
        lambda r: services.help_cancel(help_request=r, actor=request.user, now=_now()),
        lambda r: f"{r.agent.name}'s help request is cancelled.",
    )
