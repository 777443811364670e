"""The rooms of a class (R-S1): add, change (the invitations already sent get an update) and
cancel (each invitation a cancellation); each validated, atomic and audited (STYLE §4)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from esp.audit.services import audit_record
from esp.programs.calendars import calendar_for
from esp.programs.models import Phase
from esp.roster.models import TrainingClass
from esp.rules import classrooms as rules

from ..models import KIND_NAMES, MAIN, PROVIDER_NAMES, Classroom, Invitation
from ..selectors import dates_of
from .invitations import class_days, invitation_cancel, invitation_resend, iso_days


def _link_problems(link: str) -> list[str]:
    if len(link) > 500:
        return ["the link has at most 500 characters"]
    if not link.lower().startswith("https://"):
        return ["the link must start with https://"]
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError:
        return [f"{link!r} is not a web address (no spaces or line breaks)"]
    return []


def _day_problems(first_day: date, last_day: date, calendar) -> list[str]:
    if first_day > last_day:
        return [f"the first day {first_day:%m/%d/%Y} is after the last day {last_day:%m/%d/%Y}"]
    if not rules.served_days(calendar, first_day, last_day):
        return [f"{first_day:%m/%d/%Y}–{last_day:%m/%d/%Y} has no business day: no class"]
    return []


def _check_room(training_class, phase, kind, name, provider, link, first_day, last_day, calendar):
    problems = []
    if phase.program_id != training_class.program_id:
        problems.append(
            f"phase {phase.key} is not a phase of class {training_class.code}'s program"
        )
    if kind not in KIND_NAMES:
        problems.append(f"unknown room kind {kind!r}")
    if provider not in PROVIDER_NAMES:
        problems.append(f"unknown provider {provider!r}")
    if not name.strip():
        problems.append("the room needs a name")
    elif len(name.strip()) > 120 or "\x00" in name:
        problems.append("the room's name has at most 120 characters")
    if link:
        problems += _link_problems(link)
    problems += _day_problems(first_day, last_day, calendar)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def room_create(
    *,
    training_class: TrainingClass,
    phase: Phase,
    kind: str,
    name: str,
    provider: str,
    link: str,
    first_day: date,
    last_day: date,
    link_valid_from: date | None = None,
    overflow: bool = False,
    actor=None,
    now: datetime,
) -> Classroom:
    link = link.strip()
    calendar = calendar_for(training_class.program)
    _check_room(training_class, phase, kind, name, provider, link, first_day, last_day, calendar)
    room = Classroom.objects.create(
        training_class=training_class,
        phase=phase,
        kind=kind,
        name=name.strip(),
        provider=provider,
        link=link.strip(),
        first_day=first_day,
        last_day=last_day,
        link_valid_from=link_valid_from,
        overflow=overflow and kind == MAIN,
        created_by=actor,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="classroom_create",
        obj=training_class,
        changes={
            "room": room.pk,
            "phase": phase.key,
            "kind": kind,
            "name": room.name,
            "link": room.link,
            "days": [first_day.isoformat(), last_day.isoformat()],
        },
    )
    return room


def _room_values(room: Classroom) -> dict:
    """What the audit row keeps of a room before and after a change."""
    return {
        "name": room.name,
        "provider": room.provider,
        "link": room.link,
        "days": [room.first_day.isoformat(), room.last_day.isoformat()],
        "link_valid_from": room.link_valid_from.isoformat() if room.link_valid_from else None,
    }


def _locked_for_change(room: Classroom, version: int) -> Classroom:
    room = Classroom.objects.select_for_update().get(pk=room.pk)
    if room.version != version:
        raise ValidationError(
            "Someone else changed this room since you opened the page; nothing was saved. "
            "Here is the current room."
        )
    if room.cancelled_at:
        raise ValidationError("This room is cancelled.")
    return room


def _resend_invitations(room: Classroom, calendar, *, now: datetime) -> int:
    """The room's active invitations get its new days (an agent who joined part-way keeps
    joining from their day; extension days after the room's end are kept)."""
    served = class_days(room, calendar)
    sent = 0
    for invitation in room.invitations.filter(status=Invitation.ACTIVE).select_related("agent"):
        old = dates_of(invitation.days)
        start = invitation.from_day or served[0]
        extra = [d for d in old if d > served[-1]] if invitation.extensions else []
        invitation.days = iso_days(sorted({d for d in served if d >= start} | set(extra)) or served)
        invitation_resend(invitation, room, now=now, reason="updated")
        sent += 1
    return sent


@transaction.atomic
def room_update(
    *,
    room: Classroom,
    version: int,
    name: str,
    provider: str,
    link: str,
    first_day: date,
    last_day: date,
    link_valid_from: date | None,
    actor=None,
    now: datetime,
) -> int:
    """Change a room; the invitations already sent get an update (same UID, SEQUENCE + 1).
    Returns how many updates were queued."""
    room = _locked_for_change(room, version)
    calendar = calendar_for(room.training_class.program)
    link = link.strip()
    _check_room(
        room.training_class, room.phase, room.kind, name, provider, link, first_day, last_day,
        calendar,
    )  # fmt: skip
    before = _room_values(room)
    room.name, room.provider, room.link = name.strip(), provider, link.strip()
    room.first_day, room.last_day, room.link_valid_from = first_day, last_day, link_valid_from
    room.version += 1
    room.save()
    audit_record(
        actor=actor,
        action="classroom_update",
        obj=room.training_class,
        changes={"room": room.pk, "before": before, "after": _room_values(room)},
    )
    return _resend_invitations(room, calendar, now=now)


@transaction.atomic
def room_cancel(*, room: Classroom, actor=None, now: datetime, note: str = "") -> int:
    room = Classroom.objects.select_for_update().get(pk=room.pk)
    if room.cancelled_at:
        return 0
    room.cancelled_at = now
    room.version += 1
    room.save(update_fields=["cancelled_at", "version"])
    count = 0
    for invitation in room.invitations.filter(status=Invitation.ACTIVE).select_related("agent"):
        invitation_cancel(invitation, room, now=now, reason=note or "classroom cancelled")
        count += 1
    audit_record(
        actor=actor,
        action="classroom_cancel",
        obj=room.training_class,
        changes={"room": room.pk, "name": room.name, "invitations_cancelled": count, "note": note},
    )
    return count
