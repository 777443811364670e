"""Writes of the breakout help queue (R-S4): each validated, atomic and audited (STYLE §4).

A state change is a conditional update (`WHERE status = <expected>`): two leaders pressing
"take into room" at once take the agent once; the other is told the request moved on.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esp.audit.services import audit_record
from esp.programs.models import Task
from esp.progress.models import Fact
from esp.progress.selectors import ENDED
from esp.progress.services import actor_name
from esp.roster.models import Agent
from esp.rules.records import SATISFYING

from .models import HelpRequest

TOPIC_KEYS = {key for key, _ in HelpRequest.TOPICS}


def _text(value: str, *, field: str, limit: int, missing: str) -> str:
    """A free-text field with its spaces tidied; refused, naming the field, when empty, too
    long or holding a NUL character (which PostgreSQL cannot store)."""
    if "\x00" in value:
        raise ValidationError(f"{field}: remove the NUL character (\\x00) from the text.")
    value = " ".join(value.split())
    if not value:
        raise ValidationError(missing)
    if len(value) > limit:
        raise ValidationError(f"{field}: at most {limit} characters (this one has {len(value)}).")
    return value


def _latest(agent: Agent, kind: str, items, day) -> Fact | None:
    return (
        Fact.objects.filter(agent=agent, kind=kind, item__in=items, date__lte=day)
        .order_by("-date", "-pk")
        .first()
    )


def _not_in_flight(agent: Agent, day) -> str | None:
    """Why no help can be asked for `agent` on `day` (R-P3): employment ended, or transferred
    to production; None when they are in flight."""
    employment = _latest(agent, "status", ["employment"], day)
    if employment is not None and employment.value in ENDED:
        return (
            f"{agent.name}'s employment ended ({employment.value} on "
            f"{employment.date:%m/%d/%Y}): no help request can be made for them."
        )
    transfer = Task.objects.filter(
        program_id=agent.training_class.program_id, is_transfer=True
    ).values("key")
    moved = _latest(agent, "task", transfer, day)
    if moved is not None and moved.value in SATISFYING:
        return (
            f"{agent.name} was transferred to production ({moved.date:%m/%d/%Y}): "
            "no help request can be made for them."
        )
    return None


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
    need = _text(
        need,
        field="What is needed",
        limit=HelpRequest._meta.get_field("need").max_length,
        missing="Say in a few words what you need help with.",
    )
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    refused = _not_in_flight(agent, now.date())
    if refused:
        raise ValidationError(refused)
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
    room = _text(
        room,
        field="Breakout room",
        limit=HelpRequest._meta.get_field("room").max_length,
        missing="Name the breakout room, e.g. Breakout 2.",
    )
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
    outcome = _text(
        outcome,
        field="Outcome",
        limit=HelpRequest._meta.get_field("outcome").max_length,
        missing="Write what was done in the room (the outcome).",
    )
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
