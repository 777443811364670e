"""The Cert Coordinator's queue page and its actions; a certifier's own connections (R-C2).

Views parse input, call a selector or a service and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from esp.lib import clock
from esp.lib.display import clock_time
from esp.lib.flash import attempt
from esp.roster.selectors import program_for

from . import selectors, services


def _now(program):
    return clock.now(program.time_zone)


def queue(request):
    program = program_for()
    now = _now(program)
    context = selectors.queue(request.user, program, now)
    context.update({"now": now, "clock_hours": program.call_clock_hours})
    return render(request, "callqueue/queue.html", context)


@require_POST
def connect(request):
    """Connect the chosen pair or the suggested pair, release a certifier, or set a
    certifier's availability today."""
    program = program_for()
    now = _now(program)
    action = request.POST.get("action", "")
    if action == "release":
        connection = selectors.get_connection_for_user(request.user, request.POST.get("connection"))
        services.connection_close(connection=connection, now=now, actor=request.user)
        messages.success(request, f"{connection.agent.name}'s certifier was released.")
        return redirect("callqueue:queue")
    if action == "availability":
        return _availability(request, now)
    state = selectors.queue(request.user, program, now)
    if action == "suggested":
        if state["suggested"] is None:
            messages.error(request, "No free certifier or no waiting agent to connect.")
            return redirect("callqueue:queue")
        certifier_key, employee_id = state["suggested"][0].key, state["suggested"][1].employee_id
    else:
        certifier_key = request.POST.get("certifier", "")
        employee_id = request.POST.get("agent", "")
    free = {str(c.key) for c in state["free"]}
    waiting = {w.employee_id for w in state["waiting"]}
    if str(certifier_key) not in free or employee_id not in waiting:
        messages.error(request, "Choose a free certifier and a waiting agent.")
        return redirect("callqueue:queue")
    certifier = selectors.user_by_key(certifier_key)
    agent = selectors.agent_by_employee_id(employee_id)
    attempt(
        request,
        lambda: services.connection_open(
            certifier=certifier, agent=agent, now=now, actor=request.user
        ),
        f"{agent.name} connected with {certifier.get_full_name() or certifier.email} at "
        f"{clock_time(now)}; the calls are due within {program.call_clock_hours} hours.",
    )
    return redirect("callqueue:queue")


def _availability(request, now):
    """The coordinator marks a certifier available (or not) today."""
    certifier = selectors.certifier_by_key(request.POST.get("certifier", ""))
    if certifier is None:
        messages.error(request, "Choose a certifier.")
        return redirect("callqueue:queue")
    available = request.POST.get("available") == "yes"
    services.availability_set(
        certifier=certifier, day=now.date(), available=available, actor=request.user
    )
    name = certifier.get_full_name() or certifier.email
    messages.success(request, f"{name} is {'' if available else 'not '}available today.")
    return redirect("callqueue:queue")


def mine(request):
    program = program_for()
    now = _now(program)
    return render(
        request,
        "callqueue/mine.html",
        {"connections": selectors.my_connections(request.user, now), "now": now},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def shadowing(request):
    """R-C1: mentors and their shadowing rooms; pair an agent with a mentor, or end a pairing."""
    program = program_for()
    day = clock.today(program.time_zone)
    if request.method == "POST":
        attempt(request, lambda: _shadowing_action(request, day), lambda done: done)
        return redirect("callqueue:shadowing")
    return render(request, "callqueue/shadowing.html", selectors.shadowing_board(request.user))


def _shadowing_action(request, day) -> str:
    """End a pairing or pair an agent with a mentor; what the page then says."""
    action = request.POST.get("action", "")
    if action == "end":
        pairing = selectors.get_pairing_for_user(request.user, request.POST.get("pairing"))
        services.shadowing_end(pairing=pairing, day=day, actor=request.user)
        return f"{pairing.agent.name}'s shadowing ended."
    if action == "pair":
        mentor = selectors.active_mentor(request.POST.get("mentor", ""))
        agent = selectors.visible_agent(request.user, request.POST.get("agent", ""))
        room = request.POST.get("room", "").strip()
        if mentor is None or agent is None or not room:
            raise ValidationError("Choose a mentor, an agent and a shadowing room.")
        services.shadowing_pair(mentor=mentor, agent=agent, room=room, day=day, actor=request.user)
        return f"{agent.name} shadows {mentor} in {room}."
    raise ValidationError("Nothing to do.")
