"""Writes of the breakout help queue (R-S4): each validated, atomic and audited (STYLE §4).

A state change is a conditional update (`WHERE status = <expected>`): two leaders pressing
"take into room" at once take the agent once; the other is told the request moved on.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esp.audit.services import audit_record
from esp.progress.services import actor_name
from esp.roster.models import Agent

from .models import HelpRequest

TOPIC_KEYS = {key for key, _ in HelpRequest.TOPICS}


def _audit(help_request: HelpRequest, *, actor, action: str, changes: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=help_request.agent,
        changes={"help_request": help_request.pk, **changes},
    )


def _open_message(agent: Agent, current: HelpRequest) -> str:
    where = (
        f"in {current.room} with {current.taken_by_name or 'a leader'}"
        if current.status == HelpRequest.IN_ROOM
        else "waiting"
    )
    return (
        f"{agent.name} already has an open help request ({current.get_topic_display()}, "
        f"{where}): finish or cancel it first."
    )


@transaction.atomic
def help_ask(*, agent: Agent, topic: str, need: str, actor, now: datetime) -> HelpRequest:
    """An agent (or a leader for them) asks for help on a topic; one open request at a time."""
    if topic not in TOPIC_KEYS:
        raise ValidationError("Choose a topic: TBT retake, equipment, AHIP/carrier site or other.")
    need = " ".join(need.split())
    if not need:
        raise ValidationError("Say in a few words what you need help with.")
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    current = agent.help_requests.filter(status__in=HelpRequest.OPEN).first()
    if current is not None:
        raise ValidationError(_open_message(agent, current))
    help_request = HelpRequest(
        agent=agent,
        topic=topic,
        need=need,
        asked_by=actor,
        asked_by_name=actor_name(actor),
        asked_at=now,
    )
    help_request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            help_request.save()
    except IntegrityError:  # asked twice at the same instant
        raise ValidationError(f"{agent.name} already has an open help request.") from None
    _audit(
        help_request,
        actor=actor,
        action="help_ask",
        changes={"status": [None, HelpRequest.WAITING], "topic": [None, topic], "need": need},
    )
    return help_request


def _move(help_request: HelpRequest, *, expected: str, fields: dict, refused: str) -> HelpRequest:
    changed = HelpRequest.objects.filter(pk=help_request.pk, status=expected).update(**fields)
    if not changed:
        help_request.refresh_from_db()
        raise ValidationError(
            f"{refused}: {help_request.agent.name}'s request is "
            f"{help_request.get_status_display().lower()} now."
        )
    help_request.refresh_from_db()
    return help_request


@transaction.atomic
def help_take(*, help_request: HelpRequest, room: str, actor, now: datetime) -> HelpRequest:
    """A leader takes a waiting agent into a breakout room."""
    room = " ".join(room.split())
    if not room:
        raise ValidationError("Name the breakout room, e.g. Breakout 2.")
    if len(room) > 100:
        raise ValidationError("A room name has at most 100 characters.")
    help_request = _move(
        help_request,
        expected=HelpRequest.WAITING,
        fields={
            "status": HelpRequest.IN_ROOM,
            "room": room,
            "taken_by": actor,
            "taken_by_name": actor_name(actor),
            "taken_at": now,
        },
        refused="Not taken",
    )
    _audit(
        help_request,
        actor=actor,
        action="help_take",
        changes={"status": [HelpRequest.WAITING, HelpRequest.IN_ROOM], "room": [None, room]},
    )
    return help_request


@transaction.atomic
def help_done(*, help_request: HelpRequest, outcome: str, actor, now: datetime) -> HelpRequest:
    """The visit is over: log what was done."""
    outcome = " ".join(outcome.split())
    if not outcome:
        raise ValidationError("Write what was done in the room (the outcome).")
    if len(outcome) > 500:
        raise ValidationError("An outcome has at most 500 characters.")
    help_request = _move(
        help_request,
        expected=HelpRequest.IN_ROOM,
        fields={
            "status": HelpRequest.DONE,
            "outcome": outcome,
            "closed_by": actor,
            "closed_by_name": actor_name(actor),
            "closed_at": now,
        },
        refused="Not closed",
    )
    _audit(
        help_request,
        actor=actor,
        action="help_done",
        changes={"status": [HelpRequest.IN_ROOM, HelpRequest.DONE], "outcome": [None, outcome]},
    )
    return help_request


@transaction.atomic
def help_cancel(*, help_request: HelpRequest, actor, now: datetime) -> HelpRequest:
    """The request is withdrawn while it waits (the agent no longer needs help)."""
    help_request = _move(
        help_request,
        expected=HelpRequest.WAITING,
        fields={
            "status": HelpRequest.CANCELLED,
            "closed_by": actor,
            "closed_by_name": actor_name(actor),
            "closed_at": now,
        },
        refused="Not cancelled",
    )
    _audit(
        help_request,
        actor=actor,
        action="help_cancel",
        changes={"status": [HelpRequest.WAITING, HelpRequest.CANCELLED]},
    )
    return help_request
