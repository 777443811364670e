"""Writes of the queue: each validated, atomic and audited (STYLE §4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esp.access.scopes import has_role
from esp.audit.services import audit_record
from esp.roster.models import Agent, CertifierAssignment
from esp.roster.roles import CERTIFIER

from .models import CertifierAvailability, CertifierConnection, Mentor, ShadowingPairing
from .selectors import finished_connections


@transaction.atomic
def mentor_mark(*, actor, capacity: int, user=None, agent: Agent | None = None) -> Mentor:
    """The ESP Manager marks a trusted agent (or user) as mentor, or changes the capacity."""
    if (user is None) == (agent is None):
        raise ValidationError("A mentor is either a user or an agent.")
    mentor, created = Mentor.objects.get_or_create(
        user=user, agent=agent, defaults={"capacity": capacity}
    )
    old = None if created else mentor.capacity
    mentor.capacity = capacity
    mentor.active = True
    mentor.full_clean()
    mentor.save()
    audit_record(
        actor=actor, action="mentor_mark", obj=mentor, changes={"capacity": [old, capacity]}
    )
    return mentor


@transaction.atomic
def shadowing_pair(*, mentor: Mentor, agent: Agent, room: str, day: date, actor):
    """R-C1: pair an agent with a mentor in a shadowing room, within the mentor's capacity."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if not mentor.active:
        raise ValidationError(f"{mentor} is not an active mentor.")
    if mentor.agent_id == agent.pk:
        raise ValidationError("An agent cannot shadow themselves.")
    taken = mentor.pairings.filter(ended_on__isnull=True).count()
    if taken >= mentor.capacity:
        raise ValidationError(
            f"{mentor} already has {taken} agent{'s' if taken != 1 else ''} "
            f"(capacity {mentor.capacity})."
        )
    if ShadowingPairing.objects.filter(agent=agent, ended_on__isnull=True).exists():
        raise ValidationError(f"{agent.name} is already paired with a mentor.")
    pairing = ShadowingPairing(mentor=mentor, agent=agent, room=room.strip(), paired_on=day)
    pairing.full_clean()
    pairing.save()
    audit_record(
        actor=actor,
        action="shadowing_pair",
        obj=agent,
        changes={"mentor": [None, str(mentor)], "room": [None, pairing.room]},
    )
    return pairing


@transaction.atomic
def shadowing_end(*, pairing: ShadowingPairing, day: date, actor) -> ShadowingPairing:
    changed = ShadowingPairing.objects.filter(pk=pairing.pk, ended_on__isnull=True).update(
        ended_on=day
    )
    if changed:
        audit_record(
            actor=actor,
            action="shadowing_end",
            obj=pairing.agent,
            changes={"mentor": [str(pairing.mentor), None]},
        )
    pairing.refresh_from_db()
    return pairing


@transaction.atomic
def availability_set(
    *, certifier, day: date, available: bool, actor, hours: Decimal | None = None
) -> CertifierAvailability:
    if not has_role(certifier, CERTIFIER):
        raise ValidationError(f"{certifier} is not a certifier.")
    row, created = CertifierAvailability.objects.get_or_create(
        certifier=certifier, date=day, defaults={"available": available, "hours": hours}
    )
    old = None if created else [row.available, str(row.hours)]
    row.available, row.hours = available, hours
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="availability_set",
        obj=row,
        changes={"available": [old, [available, str(hours)]]},
    )
    return row


@transaction.atomic
def connection_open(*, certifier, agent: Agent, now: datetime, actor) -> CertifierConnection:
    """R-C2: connect a certifier with an agent; the 4-hour clock starts now. The certifier is
    assigned to the agent, and so sees the agent's page until the connection is closed
    (`esp.access.scopes`, issue 12 item 1)."""
    if not has_role(certifier, CERTIFIER):
        raise ValidationError(f"{certifier} is not a certifier.")
    # A connection whose agent has all calls scored has ended: close it before the new one.
    stale = CertifierConnection.objects.filter(
        closed_at__isnull=True, pk__in=finished_connections()
    )
    stale.filter(certifier=certifier).update(closed_at=now)
    stale.filter(agent=agent).update(closed_at=now)
    connection = CertifierConnection(
        certifier=certifier, agent=agent, connected_at=now, connected_by=actor
    )
    connection.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:
        raise ValidationError(
            "That certifier or that agent is already in an open connection."
        ) from None
    CertifierAssignment.objects.get_or_create(certifier=certifier, agent=agent)
    audit_record(
        actor=actor,
        action="connection_open",
        obj=agent,
        changes={"certifier": [None, certifier.email], "connected_at": [None, now.isoformat()]},
    )
    return connection


@transaction.atomic
def connection_close(*, connection: CertifierConnection, now: datetime, actor) -> bool:
    """Release the certifier (the agent returns to the queue unless all calls are scored);
    from then on the certifier no longer sees the agent (`esp.access.scopes`)."""
    changed = CertifierConnection.objects.filter(pk=connection.pk, closed_at__isnull=True).update(
        closed_at=now
    )
    if changed:
        audit_record(
            actor=actor,
            action="connection_close",
            obj=connection.agent,
            changes={"certifier": [connection.certifier.email, None]},
        )
    return bool(changed)
