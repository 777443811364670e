"""The virtual classroom planner's pages (R-S1–R-S3). Views parse input, call a service and
render; every object is looked up inside the user's scope (404 outside)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esp.access import scopes
from esp.lib import clock
from esp.lib.dates import picked_day, required_day
from esp.programs.calendars import calendar_for
from esp.programs.models import Phase
from esp.reports.builders import program_for

from . import services
from .models import KINDS, PROVIDERS, Classroom


def _class(request, code):
    training_class = (
        scopes.visible_classes(request.user)
        .select_related("program")
        .prefetch_related("phase_starts__phase")
        .filter(code=code)
        .first()
    )
    if training_class is None:
        raise Http404
    return training_class


def _room(request, training_class, room_id) -> Classroom:
    room = (
        Classroom.objects.filter(training_class=training_class, pk=room_id)
        .select_related("phase", "training_class__program")
        .first()
    )
    if room is None or not services.may_change(request.user, room.phase):
        raise Http404
    return room


def _optional_day(text: str, what: str) -> date | None:
    return required_day(text, what) if (text or "").strip() else None


def _room_fields(request) -> dict:
    """The room form's fields (add and change share them); a bad date raises."""
    post = request.POST
    return {
        "name": post.get("name", ""),
        "provider": post.get("provider", ""),
        "link": post.get("link", ""),
        "first_day": required_day(post.get("first_day"), "First day"),
        "last_day": required_day(post.get("last_day"), "Last day"),
        "link_valid_from": _optional_day(post.get("link_valid_from"), "Link valid from"),
    }


def _back(training_class, as_of):
    return redirect(f"/classrooms/{training_class.code}/?as_of={as_of.isoformat()}")


def planner(request):
    program = program_for()
    as_of = picked_day(request, program)
    now = clock.now(program.time_zone)
    calendar = calendar_for(program)
    running = []
    for training_class in (
        scopes.visible_classes(request.user)
        .filter(program=program)
        .exclude(  # long over: production began more than a month ago
            phase_starts__phase__key="production",
            phase_starts__start_date__lt=as_of - timedelta(days=31),
        )
        .select_related("program")
        .prefetch_related("phase_starts__phase")
        .order_by("start_date", "code")
    ):
        spans = services.phase_spans(training_class, calendar)
        if spans and spans[-1][1][-1] >= as_of:
            running.append((training_class, spans))
    plans = services.class_plans([c for c, _ in running], as_of, now)
    classes = [
        {
            "class": training_class,
            "current": next((p for p, days in spans if days[0] <= as_of <= days[-1]), None),
            "upcoming": next((p for p, days in spans if days[0] > as_of), None),
            "warnings": sum(p.warning_count for p in plans[training_class.pk]),
            "rooms": sum(len(p.rooms) for p in plans[training_class.pk]),
        }
        for training_class, spans in running
    ]
    ladder = services.esp_ladder(program, as_of, scopes.visible_agents(request.user))
    return render(
        request,
        "classrooms/planner.html",
        {
            "as_of": as_of,
            "classes": classes,
            "ladder": ladder,
            "can_move": scopes.has_role(
                request.user, scopes.ESP_MANAGER, scopes.TL, scopes.CERT_COORDINATOR
            ),
        },
    )


def class_plan(request, code):
    training_class = _class(request, code)
    program = training_class.program
    as_of = picked_day(request, program)
    plans = services.class_plan(training_class, as_of, clock.now(program.time_zone))
    return render(
        request,
        "classrooms/class.html",
        {
            "class": training_class,
            "as_of": as_of,
            "plans": plans,
            # the phases whose rooms the user may change: no buttons for the others (issue 12
            # item 3; the PM plans with the others but changes no room)
            "changeable": [
                p.phase.key for p in plans if services.may_change(request.user, p.phase)
            ],
            "kinds": KINDS,
            "providers": PROVIDERS,
            "kind_names": services.KIND_NAMES,
        },
    )


@require_POST
def room_add(request, code):
    training_class = _class(request, code)
    program = training_class.program
    as_of = picked_day(request, program)
    try:
        phase = Phase.objects.filter(program=program, key=request.POST.get("phase", "")).first()
        if phase is None:
            raise ValidationError(f"Unknown phase {request.POST.get('phase', '')!r}.")
        if not services.may_change(request.user, phase):
            raise ValidationError(
                f"The {phase.name} classrooms belong to {phase.owner or 'another team'}: "
                "ask them or the ESP Manager."
            )
        room = services.room_create(
            training_class=training_class,
            phase=phase,
            kind=request.POST.get("kind", ""),
            overflow=request.POST.get("overflow") == "1",
            **_room_fields(request),
            actor=request.user,
            now=clock.now(program.time_zone),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Room {room.name} added.")
    return _back(training_class, as_of)


@require_POST
def room_edit(request, code, room):
    training_class = _class(request, code)
    room = _room(request, training_class, room)
    program = training_class.program
    as_of = picked_day(request, program)
    try:
        version = int(request.POST.get("version", "0"))
    except ValueError:
        version = 0
    try:
        sent = services.room_update(
            room=room,
            version=version,
            **_room_fields(request),
            actor=request.user,
            now=clock.now(program.time_zone),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Room {room.name} saved"
            + (f"; {sent} updated invitation{'s' if sent != 1 else ''} queued." if sent else "."),
        )
    return _back(training_class, as_of)


@require_POST
def room_send(request, code, room):
    training_class = _class(request, code)
    room = _room(request, training_class, room)
    program = training_class.program
    as_of = picked_day(request, program)
    try:
        count = services.invites_send(
            room=room, actor=request.user, now=clock.now(program.time_zone), as_of=as_of
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{count} invitation{'s' if count != 1 else ''} queued for {room.name}."
            if count
            else f"Everybody in the class already has an invitation to {room.name}.",
        )
    return _back(training_class, as_of)


@require_POST
def room_cancel(request, code, room):
    training_class = _class(request, code)
    room = _room(request, training_class, room)
    program = training_class.program
    as_of = picked_day(request, program)
    count = services.room_cancel(
        room=room,
        actor=request.user,
        now=clock.now(program.time_zone),
        note=request.POST.get("note", "")[:200],
    )
    messages.success(
        request,
        f"Room {room.name} cancelled; {count} cancellation{'s' if count != 1 else ''} queued.",
    )
    return _back(training_class, as_of)


def _agent(request, employee_id):
    agent = (
        scopes.visible_agents(request.user)
        .select_related("training_class__program")
        .filter(employee_id=employee_id)
        .first()
    )
    if agent is None:
        raise Http404
    return agent


@require_POST
def extend(request, employee_id):
    agent = _agent(request, employee_id)
    program = agent.training_class.program
    as_of = picked_day(request, program)
    try:
        invitation = services.invitation_extend(
            agent=agent, actor=request.user, now=clock.now(program.time_zone), as_of=as_of
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        last = max(invitation.days)
        messages.success(
            request,
            f"{agent.name}'s invite now runs to {date.fromisoformat(last):%m/%d/%Y}; "
            "the update is queued.",
        )
    return redirect(f"/classrooms/?as_of={as_of.isoformat()}#ladder")


@require_POST
def move(request, employee_id):
    agent = _agent(request, employee_id)
    program = agent.training_class.program
    as_of = picked_day(request, program)
    try:
        room_id = int(request.POST.get("room", ""))
    except ValueError:
        room_id = 0
    room = Classroom.objects.filter(pk=room_id).select_related("training_class").first()
    try:
        if room is None:
            raise ValidationError("Choose the ESP classroom to move the agent to.")
        services.invitation_move(
            agent=agent,
            room=room,
            actor=request.user,
            now=clock.now(program.time_zone),
            as_of=as_of,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{agent.name} moved to {room}; the cancellation and the new invite are queued.",
        )
    return redirect(f"/classrooms/?as_of={as_of.isoformat()}#ladder")
