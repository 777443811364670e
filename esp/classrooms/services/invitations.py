"""The invitations of the virtual classrooms (R-S2): sent through the outbox as .ics (same UID
for an invitation's whole life, SEQUENCE + 1 on every update or cancellation), to every agent
of the class not yet invited, and cancelled when an agent leaves the class (R-T3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from esp.audit.services import audit_record
from esp.mailing.messages import make_message
from esp.mailing.services.outbox import Attachment, enqueue
from esp.programs.calendars import calendar_for
from esp.roster.models import Agent

from .. import ics
from ..models import PROVIDER_NAMES, Classroom, Invitation
from ..selectors import dates_of, day_times, invited_agent_ids, room_agents, room_days

REPORT = "classroom-invite"


def iso_days(days) -> list[str]:
    return [d.isoformat() for d in days]


def class_days(room: Classroom, calendar) -> list[date]:
    """The room's class days for an invitation; none (every day closed) is refused."""
    served = room_days(room, calendar)
    if not served:
        raise ValidationError(
            f"{room} has no class day from {room.first_day:%m/%d/%Y} to "
            f"{room.last_day:%m/%d/%Y}: the class is closed on each of them."
        )
    return served


# -- the invitation e-mails ----------------------------------------------------------------------


def _organizer() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "esp-tracker@localhost"


def _hours(room: Classroom):
    if not hasattr(room, "_day_hours"):  # once per room, not once per agent invited
        room._day_hours = day_times(room.training_class.program, room.phase)
    return room._day_hours


def _message(invitation: Invitation, room: Classroom, days, *, method: str, reason: str):
    start, end = _hours(room)
    context = {
        "agent": invitation.agent,
        "room": room,
        "provider": PROVIDER_NAMES.get(room.provider, room.provider),
        "days": days,
        "start": start,
        "end": end,
        "cancelled": method == ics.CANCEL,
        "updated": invitation.sequence > 0 and method == ics.REQUEST,
        "reason": reason,
    }
    return make_message("classroom-invite", context)


def _attachment(invitation: Invitation, room: Classroom, days, text: str, *, now, method):
    start, end = _hours(room)
    agent = invitation.agent
    data = ics.InviteData(
        uid=invitation.uid,
        sequence=invitation.sequence,
        summary=f"{room.training_class.code} {room.name}",
        link=room.link,
        description=text,
        days=days,
        start=start,
        end=end,
        time_zone=room.training_class.program.time_zone,
        organizer=_organizer(),
        attendees=(agent.work_email, agent.personal_email),
        stamp=now,
    )
    return Attachment(
        "invite.ics",
        ics.invitation_ics(data, method),
        f"{ics.CONTENT_TYPE}; method={method}",
    )


def _deliver(invitation: Invitation, room: Classroom, *, now: datetime, method: str, reason: str):
    agent = invitation.agent
    days = tuple(dates_of(invitation.days))
    message = _message(invitation, room, days, method=method, reason=reason)
    attachment = _attachment(invitation, room, days, message.text, now=now, method=method)
    queued = enqueue(
        key=f"{REPORT}|{invitation.uid}|{invitation.sequence}",
        report=REPORT,
        list_key=f"agent:{agent.employee_id}",
        to=[a for a in (agent.work_email, agent.personal_email) if a],
        message=replace(message, attachments=(attachment,)),
        now=now,
    )
    if queued is None:  # this SEQUENCE went out already: someone changed it at the same time
        raise ValidationError(
            f"{agent.name}'s invitation was changed elsewhere at the same time; nothing was "
            "sent. Open the page again and retry."
        )
    if room.link and room.link_sent_at is None and method == ics.REQUEST:
        room.link_sent_at = now
        Classroom.objects.filter(pk=room.pk, link_sent_at=None).update(link_sent_at=now)


def invitation_deliver(invitation: Invitation, room: Classroom, *, now: datetime, reason: str):
    """Send a new invitation (its SEQUENCE as it is)."""
    _deliver(invitation, room, now=now, method=ics.REQUEST, reason=reason)


def invitation_resend(invitation: Invitation, room: Classroom, *, now: datetime, reason: str):
    """Send the invitation's changed days (SEQUENCE + 1)."""
    invitation.sequence += 1
    invitation.updated_at = now
    invitation.reason = reason
    invitation.save(update_fields=["sequence", "updated_at", "reason", "days", "extensions"])
    _deliver(invitation, room, now=now, method=ics.REQUEST, reason=reason)


def invitation_cancel(invitation: Invitation, room: Classroom, *, now: datetime, reason: str):
    """Cancel the invitation (SEQUENCE + 1, METHOD:CANCEL)."""
    invitation.sequence += 1
    invitation.status = Invitation.CANCELLED
    invitation.updated_at = now
    invitation.reason = reason
    invitation.save(update_fields=["sequence", "status", "updated_at", "reason"])
    _deliver(invitation, room, now=now, method=ics.CANCEL, reason=reason)


# -- the writes ----------------------------------------------------------------------------------


def _refuse_unsendable(room: Classroom) -> None:
    if room.cancelled_at:
        raise ValidationError("This room is cancelled.")
    if room.overflow:
        raise ValidationError(f"{room} is a classroom for extended agents: they join it by a move.")


@transaction.atomic
def invites_send(*, room: Classroom, actor=None, now: datetime, as_of: date) -> int:
    """R-S2: an invitation (.ics) to every agent of the class not yet invited, at their work
    and personal addresses. Returns how many were queued."""
    room = Classroom.objects.select_for_update().get(pk=room.pk)
    _refuse_unsendable(room)
    calendar = calendar_for(room.training_class.program)
    served = class_days(room, calendar)
    invited = invited_agent_ids(room)
    count = 0
    for agent in room_agents(room, as_of):
        if agent.pk in invited:
            continue
        invitation = Invitation.objects.create(
            classroom=room, agent=agent, days=iso_days(served), updated_at=now
        )
        invitation.agent = agent
        invitation_deliver(invitation, room, now=now, reason="")
        count += 1
    if room.invites_sent_at is None and count:
        room.invites_sent_at = now
        room.save(update_fields=["invites_sent_at"])
    audit_record(
        actor=actor,
        action="classroom_invites_send",
        obj=room.training_class,
        changes={"room": room.pk, "name": room.name, "invited": count},
    )
    return count


@transaction.atomic
def invitations_after_move(*, agent: Agent, to_class: str, day: date, actor=None, now) -> int:
    """R-T3 with R-S2: an agent moving to another class from `day` leaves the rooms of other
    classes still in use from then on (a cancellation each); the new class's rooms invite
    them with "invite agents not yet invited". Returns how many were cancelled."""
    count = 0
    for invitation in (
        Invitation.objects.select_for_update()
        .filter(agent=agent, status=Invitation.ACTIVE, classroom__last_day__gte=day)
        .exclude(classroom__training_class__code=to_class)
        .select_related("classroom__training_class__program", "classroom__phase", "agent")
    ):
        invitation_cancel(
            invitation, invitation.classroom, now=now, reason=f"moved to class {to_class}"
        )
        count += 1
    if count:
        audit_record(
            actor=actor,
            action="classroom_invites_cancel_on_move",
            obj=agent,
            changes={"to_class": to_class, "from": day.isoformat(), "cancelled": count},
        )
    return count


def leave_rooms_on_move(
    sender, *, agent: Agent, old_class, new_class, actor, now: datetime, **extra
) -> int:
    """Receiver of `esp.roster.signals.agent_moved` (connected in ClassroomsConfig.ready()):
    wherever a move comes from (page, API, activity import), the agent's invitations to the
    rooms of other classes still in use from the move's day are cancelled. The day is the
    signal's `day` when sent, else the day of `now` in the program's time zone."""
    day = extra.get("day")
    if day is None:
        day = now.astimezone(ZoneInfo(agent.training_class.program.time_zone)).date()
    to_class = getattr(new_class, "code", new_class)
    return invitations_after_move(agent=agent, to_class=to_class, day=day, actor=actor, now=now)
