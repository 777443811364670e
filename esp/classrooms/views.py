"""The virtual classroom planner's pages (R-S1–R-S3). Views parse input, call a selector or a
service and render; every object is looked up inside the user's scope (404 outside)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from esp.access import scopes
from esp.lib import clock
from esp.lib.dates import picked_day, required_day
from esp.lib.flash import attempt
from esp.programs.calendars import calendar_for
from esp.roster.selectors import program_for

from . import selectors, services
from .models import KIND_NAMES, KINDS, PROVIDERS


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


def _number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _back(training_class, as_of):
    return redirect(f"/classrooms/{training_class.code}/?as_of={as_of.isoformat()}")


def _to_ladder(as_of):
    return redirect(f"/classrooms/?as_of={as_of.isoformat()}#ladder")


def planner(request):
    program = program_for()
    as_of = picked_day(request, program)
    now = clock.now(program.time_zone)
    calendar = calendar_for(program)
    running = selectors.running_classes(request.user, program, as_of, calendar)
    plans = selectors.class_plans([c for c, _ in running], as_of, now)
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
    ladder = selectors.esp_ladder(program, as_of, scopes.visible_agent_ids(request.user))
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
    training_class = selectors.get_class_for_user(request.user, code)
    program = training_class.program
    as_of = picked_day(request, program)
    plans = selectors.class_plan(training_class, as_of, clock.now(program.time_zone))
    return render(
        request,
        "classrooms/class.html",
        {
            "class": training_class,
            "zone": program.time_zone,  # "Invites sent …" in the program's zone (issue 17)
            "as_of": as_of,
            "plans": plans,
            # the phases whose rooms the user may change: no buttons for the others (issue 12
            # item 3; the PM plans with the others but changes no room)
            "changeable": [
                p.phase.key for p in plans if selectors.may_change(request.user, p.phase)
            ],
            "kinds": KINDS,
            "providers": PROVIDERS,
            "kind_names": KIND_NAMES,
        },
    )


def _changeable_phase(user, program, key: str):
    """The phase `key` of the program, refused when unknown or not the user's to change."""
    phase = selectors.phase_of(program, key)
    if phase is None:
        raise ValidationError(f"Unknown phase {key!r}.")
    if not selectors.may_change(user, phase):
        raise ValidationError(
            f"The {phase.name} classrooms belong to {phase.owner or 'another team'}: "
            "ask them or the ESP Manager."
        )
    return phase


@require_POST
def room_add(request, code):
    training_class = selectors.get_class_for_user(request.user, code)
    program = training_class.program
    as_of = picked_day(request, program)
    attempt(
        request,
        lambda: services.room_create(
            training_class=training_class,
            phase=_changeable_phase(request.user, program, request.POST.get("phase", "")),
            kind=request.POST.get("kind", ""),
            overflow=request.POST.get("overflow") == "1",
            **_room_fields(request),
            actor=request.user,
            now=clock.now(program.time_zone),
        ),
        lambda room: f"Room {room.name} added.",
    )
    return _back(training_class, as_of)


@require_POST
def room_edit(request, code, room):
    training_class = selectors.get_class_for_user(request.user, code)
    room = selectors.get_room_for_user(request.user, training_class, room)
    program = training_class.program
    as_of = picked_day(request, program)
    attempt(
        request,
        lambda: services.room_update(
            room=room,
            version=_number(request.POST.get("version", "0")),
            **_room_fields(request),
            actor=request.user,
            now=clock.now(program.time_zone),
        ),
        lambda sent: (
            f"Room {room.name} saved"
            + (f"; {_plural(sent, 'updated invitation')} queued." if sent else ".")
        ),
    )
    return _back(training_class, as_of)


@require_POST
def room_send(request, code, room):
    training_class = selectors.get_class_for_user(request.user, code)
    room = selectors.get_room_for_user(request.user, training_class, room)
    program = training_class.program
    as_of = picked_day(request, program)
    attempt(
        request,
        lambda: services.invites_send(
            room=room, actor=request.user, now=clock.now(program.time_zone), as_of=as_of
        ),
        lambda count: (
            f"{_plural(count, 'invitation')} queued for {room.name}."
            if count
            else f"Everybody in the class already has an invitation to {room.name}."
        ),
    )
    return _back(training_class, as_of)


@require_POST
def room_cancel(request, code, room):
    training_class = selectors.get_class_for_user(request.user, code)
    room = selectors.get_room_for_user(request.user, training_class, room)
    program = training_class.program
    as_of = picked_day(request, program)
    attempt(
        request,
        lambda: services.room_cancel(
            room=room,
            actor=request.user,
            now=clock.now(program.time_zone),
            note=request.POST.get("note", "")[:200],
        ),
        lambda count: f"Room {room.name} cancelled; {_plural(count, 'cancellation')} queued.",
    )
    return _back(training_class, as_of)


@require_POST
def extend(request, employee_id):
    agent = selectors.get_agent_for_user(request.user, employee_id)
    program = agent.training_class.program
    as_of = picked_day(request, program)
    attempt(
        request,
        lambda: services.invitation_extend(
            agent=agent, actor=request.user, now=clock.now(program.time_zone), as_of=as_of
        ),
        lambda invitation: (
            f"{agent.name}'s invite now runs to "
            f"{date.fromisoformat(max(invitation.days)):%m/%d/%Y}; the update is queued."
        ),
    )
    return _to_ladder(as_of)


def _chosen(room):
    if room is None:
        raise ValidationError("Choose the ESP classroom to move the agent to.")
    return room


@require_POST
def move(request, employee_id):
    agent = selectors.get_agent_for_user(request.user, employee_id)
    program = agent.training_class.program
    as_of = picked_day(request, program)
    room = selectors.room_by_id(_number(request.POST.get("room", "")))
    attempt(
        request,
        lambda: services.invitation_move(
            agent=agent,
            room=_chosen(room),
            actor=request.user,
            now=clock.now(program.time_zone),
            as_of=as_of,
        ),
        lambda _: f"{agent.name} moved to {room}; the cancellation and the new invite are queued.",
    )
    return _to_ladder(as_of)
