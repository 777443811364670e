"""Writes of the queue: each validated, atomic and audited (STYLE §4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esp.access.scopes import has_role
from esp.audit.services import audit_record
from esp.progress.services import Conflict, task_status_set
from esp.roster.models import Agent, CertifierAssignment, TrainingClass
from esp.roster.roles import CERTIFIER
from esp.rules.readiness import READINESS_TASKS, READINESS_WORDS
from esp.rules.records import DONE, NOT_STARTED

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
def mentor_unmark(*, mentor: Mentor, actor) -> Mentor:
    """The ESP Manager no longer counts on this mentor (kept on record, inactive). A mentor
    with agents shadowing them now is refused: end those pairings first."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    taken = mentor.pairings.filter(ended_on__isnull=True).count()
    if taken:
        raise ValidationError(
            f"{mentor} still has {taken} agent{'s' if taken != 1 else ''} shadowing: end "
            "those pairings on the Shadowing page first."
        )
    if mentor.active:
        mentor.active = False
        mentor.save(update_fields=["active"])
        audit_record(actor=actor, action="mentor_unmark", obj=mentor, changes={"active": [1, 0]})
    return mentor


# -- readiness (R-C1, seed 004 items 3-4) ------------------------------------------------------


def readiness_record(
    *,
    agent: Agent,
    task: str,
    day: date,
    actor,
    done: bool = True,
    based_on=None,
    note: str = "",
    source: str = "form",
):
    """Record day 1 (systems and scripting) or the role play / shadowing half day as done
    (or, `done` False, as not done: a correction). A task fact like any other (the fact row is
    its audit): the write matrix and `based_on` (§17 no lost work) are checked there."""
    if task not in READINESS_TASKS:
        raise ValidationError(f"Readiness is {' or '.join(READINESS_WORDS.values())}.")
    return task_status_set(
        agent=agent,
        task=task,
        status=DONE if done else NOT_STARTED,
        day=day,
        actor=actor,
        note=note,
        based_on=based_on,
        source=source,
    )


@transaction.atomic
def readiness_record_class(
    *,
    training_class: TrainingClass,
    task: str,
    agents: list[tuple[Agent, object]],
    day: date,
    actor,
    source: str = "form",
) -> tuple[list[Agent], list[tuple[Agent, str]]]:
    """One click for the whole class: `task` done for each of `agents` (agent, the
    `based_on` the page showed). An agent changed by someone else since is left as it is and
    named back (with what changed); the others are recorded. Returns (recorded, left)."""
    recorded, left = [], []
    for agent, based_on in agents:
        try:
            with transaction.atomic():
                readiness_record(
                    agent=agent, task=task, day=day, actor=actor, based_on=based_on, source=source
                )
        except Conflict as exc:
            left.append((agent, str(exc)))
        else:
            recorded.append(agent)
    if recorded:
        audit_record(
            actor=actor,
            action="readiness_class",
            obj=training_class,
            changes={task: [None, [a.employee_id for a in recorded]]},
        )
    return recorded, left


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
def shadowing_end(
    *, pairing: ShadowingPairing, day: date, actor, shadowing_done: bool = False
) -> ShadowingPairing:
    """End a pairing; with `shadowing_done`, also record the agent's role play / shadowing
    half day as done (R-C1: the pairing was that half day)."""
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
    if shadowing_done:
        readiness_record(agent=pairing.agent, task="readiness_shadowing", day=day, actor=actor)
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
