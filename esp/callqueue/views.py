"""The Cert Coordinator's queue page and its actions; a certifier's own connections (R-C2).

Views parse input, call a selector or a service and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.lib import clock
from esp.lib.display import clock_time
from esp.lib.flash import attempt
from esp.progress.services import Conflict
from esp.roster.selectors import program_for
from esp.rules.readiness import READINESS_TASKS, READINESS_WORDS

from . import selectors, services


def _now(program):
    return clock.now(program.time_zone)


def queue(request):
    program = program_for()
    now = _now(program)
    context = selectors.queue(request.user, program, now)
    context.update({"now": now, "clock_hours": program.call_clock_hours, "zone": program.time_zone})
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
        {
            "connections": selectors.my_connections(request.user, now),
            "now": now,
            "zone": program.time_zone,  # times in the program's zone (issue 17 item 3)
        },
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
    if action in ("end", "end_ready"):
        pairing = selectors.get_pairing_for_user(request.user, request.POST.get("pairing"))
        done = action == "end_ready"
        services.shadowing_end(pairing=pairing, day=day, actor=request.user, shadowing_done=done)
        if done:
            return f"{pairing.agent.name}'s shadowing ended; the shadowing half day is recorded."
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


# -- readiness (R-C1, seed 004 items 3-4) ------------------------------------------------------


def readiness_index(request):
    """The classes in or about to start the ESP phase, each to its readiness page."""
    program = program_for()
    today = clock.today(program.time_zone)
    classes = selectors.readiness_classes(request.user, program, today)
    return render(request, "callqueue/readiness_index.html", {"classes": classes, "today": today})


@require_http_methods(["GET", "HEAD", "POST"])
def readiness_class(request, code: str):
    """A class's readiness: day 1 and the shadowing half day per agent in one click each, or
    for every agent of the class at once."""
    training_class = scopes.get_class_for_user(request.user, code)
    program = training_class.program
    today = clock.today(program.time_zone)
    here = reverse("callqueue:readiness_class", args=[training_class.code])
    if request.method == "POST":
        if request.POST.get("action") == "class":
            _record_for_class(request, training_class, today)
        else:
            _record_one(request, today)
        return redirect(here)
    context = selectors.class_readiness(request.user, training_class, today)
    return render(request, "callqueue/readiness_class.html", {**context, "today": today})


@require_POST
def readiness_agent(request, employee_id: str):
    """The agent page's readiness buttons: back to the agent page."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    _record_one(request, clock.today(agent.training_class.program.time_zone), agent=agent)
    return redirect(reverse("progress:agent", args=[agent.employee_id]) + "#readiness")


def _task(request) -> str:
    task = request.POST.get("task", "")
    if task not in READINESS_TASKS:
        raise ValidationError("Choose day 1 or the shadowing half day.")
    return task


def _record_one(request, day, agent=None) -> None:
    """One click for one agent: done (or, `done=no`, not done after all)."""
    try:
        task = _task(request)
        agent = agent or scopes.get_agent_for_user(request.user, request.POST.get("agent", ""))
        done = request.POST.get("done", "yes") != "no"
        services.readiness_record(
            agent=agent,
            task=task,
            day=day,
            actor=request.user,
            done=done,
            based_on=request.POST.get("based_on", ""),
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return
    what = READINESS_WORDS[task]
    messages.success(
        request,
        f"{agent.name}: {what} recorded as done."
        if done
        else f"{agent.name}: {what} recorded as not done.",
    )


def _record_for_class(request, training_class, day) -> None:
    """One click for the class: every agent the page listed as not done yet, each on the
    version the page showed."""
    try:
        task = _task(request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return
    visible = scopes.visible_agents(request.user)
    listed = []
    for employee_id in request.POST.getlist("agent"):
        agent = visible.filter(employee_id=employee_id).first()
        if agent is not None:
            listed.append((agent, request.POST.get(f"based_on_{employee_id}", "")))
    recorded, left = services.readiness_record_class(
        training_class=training_class, task=task, agents=listed, day=day, actor=request.user
    )
    what = READINESS_WORDS[task]
    if recorded:
        count = len(recorded)
        messages.success(
            request, f"{what.capitalize()} recorded as done for {count} agent{'s' * (count != 1)}."
        )
    for agent, reason in left:
        messages.error(request, f"{agent.name}: not recorded. {reason}")
    if not recorded and not left:
        messages.error(request, f"No agent of the class was waiting for {what}.")


# -- mentors (R-C1, seed 003) ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def mentors(request):
    """The ESP Manager marks trusted agents as mentors (with how many agents each takes at
    once), changes that, or no longer counts on one."""
    if request.method == "POST":
        attempt(request, lambda: _mentor_action(request), lambda said: said)
        return redirect("callqueue:mentors")
    return render(request, "callqueue/mentors.html", selectors.mentors_page())


def _mentor_action(request) -> str:
    action = request.POST.get("action", "")
    if action == "unmark":
        mentor = selectors.mentor_by_pk(request.POST.get("mentor"))
        if mentor is None:
            raise ValidationError("Choose a mentor.")
        services.mentor_unmark(mentor=mentor, actor=request.user)
        return f"{mentor} is no longer a mentor."
    capacity = request.POST.get("capacity", "").strip()
    if not capacity.isdigit() or not 1 <= int(capacity) <= 10:
        raise ValidationError("A mentor takes 1 to 10 agents at once.")
    if action == "capacity":
        mentor = selectors.mentor_by_pk(request.POST.get("mentor"))
        if mentor is None:
            raise ValidationError("Choose a mentor.")
        kind = {"agent": mentor.agent} if mentor.agent_id else {"user": mentor.user}
        services.mentor_mark(actor=request.user, capacity=int(capacity), **kind)
        return f"{mentor} takes up to {capacity} agents at once."
    agent = selectors.agent_by_key(request.POST.get("agent", ""))
    if agent is None:
        raise ValidationError("Choose an agent by name or employee ID from the list.")
    services.mentor_mark(actor=request.user, capacity=int(capacity), agent=agent)
    return f"{agent.name} is a mentor, taking up to {capacity} agents at once."
