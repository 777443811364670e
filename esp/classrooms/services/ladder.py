"""R-S3, the ESP invite ladder's writes: extend an agent's ESP invite by a business day (same
UID, SEQUENCE + 1), then move them to another ESP classroom; each atomic and audited."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from esp.audit.services import audit_record
from esp.roster.models import Agent
from esp.rules import classrooms as rules

from ..models import Classroom, Invitation
from ..selectors import LadderRow, esp_ladder
from .invitations import invitation_cancel, invitation_deliver, invitation_resend, iso_days


def _lock(invitation: Invitation) -> None:
    """Lock the invitation's room, then the invitation (the order room edits take), and
    refuse when either changed since it was read."""
    room = Classroom.objects.select_for_update().get(pk=invitation.classroom_id)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if room.version != invitation.classroom.version or current.sequence != invitation.sequence:
        raise ValidationError(
            "This classroom or invitation changed at the same time; nothing was saved. "
            "Open the page again and retry."
        )


def _ladder_row(agent: Agent, as_of: date) -> LadderRow:
    """The agent's row of the ladder, their room and invitation locked (refused when none)."""
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    program = agent.training_class.program
    for row in esp_ladder(program, as_of, [agent.pk]):
        _lock(row.invitation)
        return row
    raise ValidationError(
        f"{agent.name} has no ESP invitation to extend or move as of {as_of:%m/%d/%Y} "
        "(not in the ESP phase, their Call Certs and TBTs done, or their invite still runs)."
    )


@transaction.atomic
def invitation_extend(*, agent: Agent, actor=None, now: datetime, as_of: date) -> Invitation:
    """R-S3: add the next business day to the agent's ESP invite (same UID, SEQUENCE + 1)."""
    row = _ladder_row(agent, as_of)
    if row.step.action != rules.EXTEND:
        raise ValidationError(
            f"{agent.name}'s invite has had its {row.invitation.extensions} extra days: "
            "move them to another ESP classroom."
        )
    invitation = row.invitation
    invitation.days = iso_days(sorted(set(row.days) | {row.step.day}))
    invitation.extensions += 1
    invitation_resend(
        invitation, invitation.classroom, now=now, reason=f"extended to {row.step.day:%m/%d/%Y}"
    )
    audit_record(
        actor=actor,
        action="classroom_invite_extend",
        obj=agent,
        changes={
            "room": invitation.classroom_id,
            "day": row.step.day.isoformat(),
            "extensions": invitation.extensions,
            "sequence": invitation.sequence,
        },
    )
    return invitation


def _invite_to(room: Classroom, agent: Agent, days, *, now: datetime, reason: str) -> Invitation:
    """The agent's invitation to `room` for `days`: a new one, or their old one made active
    again with these days."""
    invitation, created = Invitation.objects.get_or_create(
        classroom=room,
        agent=agent,
        defaults={"days": iso_days(days), "from_day": days[0], "updated_at": now},
    )
    invitation.agent = agent
    if created:
        invitation_deliver(invitation, room, now=now, reason=reason)
        return invitation
    invitation.status = Invitation.ACTIVE
    invitation.days = iso_days(days)
    invitation.from_day = days[0]
    invitation.extensions = 0
    invitation.save(update_fields=["status", "days", "from_day", "extensions"])
    invitation_resend(invitation, room, now=now, reason=reason)
    return invitation


@transaction.atomic
def invitation_move(
    *, agent: Agent, room: Classroom, actor=None, now: datetime, as_of: date
) -> Invitation:
    """R-S3: cancel the agent's ESP invite and invite them to `room` for its days after D."""
    row = _ladder_row(agent, as_of)
    Classroom.objects.select_for_update().filter(pk=room.pk).first()
    if row.step.action != rules.MOVE:
        raise ValidationError(
            f"{agent.name}'s invite can still be extended: extend it before a move."
        )
    allowed = {target.pk: days for target, days in row.targets}
    if room.pk not in allowed:
        raise ValidationError(
            f"{room} is not an ESP classroom running or starting next; choose one of the list."
        )
    old = row.invitation
    invitation_cancel(old, old.classroom, now=now, reason=f"moved to {room}")
    invitation = _invite_to(
        room, agent, allowed[room.pk], now=now, reason=f"moved from {old.classroom}"
    )
    audit_record(
        actor=actor,
        action="classroom_invite_move",
        obj=agent,
        changes={"from_room": old.classroom_id, "to_room": room.pk, "days": invitation.days},
    )
    return invitation
