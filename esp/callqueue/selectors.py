"""Reads of the queue: the database once per need, handed to the pure rules (R-C1, R-C2)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from esp.access import scopes
from esp.programs.models import Program
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.roster.models import Agent
from esp.roster.roles import CERTIFIER
from esp.rules.callcert import PENDING
from esp.rules.progress import AgentProgress
from esp.rules.readiness import (
    FreeCertifier,
    Waiting,
    clock_due,
    idle_order,
    over_clock,
    readiness,
    suggested_pair,
    waiting_order,
)

from .models import CertifierAvailability, CertifierConnection, Mentor, ShadowingPairing


def _calls_scored():
    """The number of distinct call numbers scored for the row's agent."""
    return Coalesce(
        Subquery(
            Fact.objects.filter(agent=OuterRef("agent"), kind="call")
            .values("agent")
            .annotate(n=Count("item", distinct=True))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def open_connections():
    """Connections not closed, with the agent's calls scored and the program's clock."""
    return (
        CertifierConnection.objects.filter(closed_at__isnull=True)
        .annotate(
            calls_scored=_calls_scored(),
            calls_per_agent=F("agent__training_class__program__calls_per_agent"),
            clock_hours=F("agent__training_class__program__call_clock_hours"),
        )
        .select_related("agent", "certifier")
    )


def finished_connections():
    """The ids of open connections whose agent has every call scored: they have ended."""
    return open_connections().filter(calls_scored__gte=F("calls_per_agent")).values("pk")


def running_connections():
    """Open connections whose agent's calls are not all scored yet."""
    return open_connections().filter(calls_scored__lt=F("calls_per_agent"))


def _certifier_name(user) -> str:
    return user.get_full_name() or user.email


def connection_line(connection, now: datetime) -> dict:
    return {
        "connection": connection,
        "agent": connection.agent,
        "certifier": _certifier_name(connection.certifier),
        "connected_at": connection.connected_at,
        "due_at": clock_due(connection.connected_at, connection.clock_hours),
        "calls_scored": connection.calls_scored,
        "calls_per_agent": connection.calls_per_agent,
        "over": over_clock(
            connection.connected_at,
            now,
            hours=connection.clock_hours,
            calls_scored=connection.calls_scored,
            calls_per_agent=connection.calls_per_agent,
        ),
    }


def over_the_clock(agents_qs, now: datetime) -> list[dict]:
    """R-C2: the agents of `agents_qs` connected to a certifier more than the program's clock
    hours ago whose calls are not all scored (for the coordinator's and the Today pages)."""
    rows = running_connections().filter(agent__in=agents_qs.values("pk")).order_by("connected_at")
    return [line for line in (connection_line(c, now) for c in rows) if line["over"]]


def free_certifiers(now: datetime) -> list[FreeCertifier]:
    """Certifiers available today and not in a running connection, longest idle first."""
    User = get_user_model()
    busy = running_connections().values("certifier_id")
    people = (
        User.objects.filter(
            is_active=True,
            groups__name=CERTIFIER,
            certifier_availability__date=now.date(),
            certifier_availability__available=True,
        )
        .exclude(pk__in=busy)
        .annotate(last_closed=Max("certifier_connections__closed_at"))
        .distinct()
    )
    return idle_order(
        FreeCertifier(person.pk, _certifier_name(person), person.last_closed) for person in people
    )


def certifiers_today(now: datetime) -> list[dict]:
    """Every active certifier with today's availability (None: not set yet)."""
    User = get_user_model()
    people = User.objects.filter(is_active=True, groups__name=CERTIFIER).order_by(
        "last_name", "email"
    )
    rows = {
        row.certifier_id: row
        for row in CertifierAvailability.objects.filter(date=now.date(), certifier__in=people)
    }
    return [
        {"key": person.pk, "name": _certifier_name(person), "availability": rows.get(person.pk)}
        for person in people
    ]


def queue(user, program: Program, now: datetime) -> dict:
    """The coordinator's screen: ready agents in waiting order, agents held back by an
    equipment issue, free certifiers, the suggested pair and the running connections."""
    as_of = now.date()
    policy = program.policy()
    visible = scopes.visible_agents(user)
    records = agent_records(
        program,
        as_of,
        in_flight=True,
        agent_ids=visible.values("pk"),
        transfer_task=policy.transfer_task,
        kinds=("task", "equipment", "call", "status", "move"),
    )
    connected = set(running_connections().values_list("agent__employee_id", flat=True))
    waiting, held = [], []
    for record in records:
        progress = AgentProgress(record, policy)
        if record.employee_id in connected or progress.call_cert(as_of).result != PENDING:
            continue  # connected now, or certification over (passed, failed or marked done)
        state = readiness(record.facts, as_of)
        if state.equipment_issue:
            held.append({"employee_id": record.employee_id, "name": record.name, "state": state})
        elif state.ready:
            waiting.append(
                Waiting(
                    record.employee_id,
                    record.name,
                    state.since,
                    progress.phase_start(policy.esp_phase, as_of),
                )
            )
    waiting = waiting_order(waiting)
    free = free_certifiers(now)
    connections = [
        connection_line(c, now)
        for c in running_connections().filter(agent__in=visible).order_by("connected_at")
    ]
    return {
        "waiting": waiting,
        "held": held,
        "free": free,
        "suggested": suggested_pair(waiting, free),
        "connections": connections,
        "over": [line for line in connections if line["over"]],
        "certifiers": certifiers_today(now),
    }


def my_connections(user, now: datetime) -> list[dict]:
    """A certifier's own open connections."""
    return [
        connection_line(c, now)
        for c in open_connections().filter(certifier=user).order_by("connected_at")
    ]


def availability_of(user, day) -> CertifierAvailability | None:
    """The certifier's availability on the day (None: not set)."""
    return CertifierAvailability.objects.filter(certifier=user, date=day).first()


def get_connection_for_user(user, pk) -> CertifierConnection:
    """An open connection of an agent the user may see (404 otherwise)."""
    try:
        return CertifierConnection.objects.select_related("agent", "certifier").get(
            pk=int(pk),
            closed_at__isnull=True,
            agent__in=scopes.visible_agents(user).values("pk"),
        )
    except (CertifierConnection.DoesNotExist, ValueError, TypeError):
        raise Http404("no such connection") from None


def shadowing_of(agent) -> ShadowingPairing | None:
    return agent.shadowing_pairings.filter(ended_on__isnull=True).select_related("mentor").first()


def shadowing_board(user) -> dict:
    """R-C1: the active mentors with their open pairings and free places, and the agents the
    user may see who are not paired yet."""
    visible = scopes.visible_agents(user)
    open_pairings = ShadowingPairing.objects.filter(ended_on__isnull=True)
    visible_ids = set(visible.values_list("pk", flat=True))
    by_mentor: dict[int, list[ShadowingPairing]] = {}
    for pairing in open_pairings.select_related("agent").order_by("paired_on", "pk"):
        by_mentor.setdefault(pairing.mentor_id, []).append(pairing)
    mentors = []
    for mentor in Mentor.objects.filter(active=True).select_related("user", "agent"):
        pairings = by_mentor.get(mentor.pk, [])
        mentors.append(
            {
                "mentor": mentor,
                "name": str(mentor),
                "pairings": [p for p in pairings if p.agent_id in visible_ids],
                "taken": len(pairings),
                "free": max(mentor.capacity - len(pairings), 0),
            }
        )
    mentors.sort(key=lambda m: m["name"])
    candidates = visible.exclude(pk__in=open_pairings.values("agent")).exclude(
        pk__in=Mentor.objects.filter(agent__isnull=False).values("agent")
    )
    return {"mentors": mentors, "candidates": candidates.order_by("last_name", "first_name")}


def get_pairing_for_user(user, pk) -> ShadowingPairing:
    try:
        return ShadowingPairing.objects.select_related("mentor", "agent").get(
            pk=int(pk), ended_on__isnull=True, agent__in=scopes.visible_agents(user).values("pk")
        )
    except (ShadowingPairing.DoesNotExist, ValueError, TypeError):
        raise Http404("no such pairing") from None


def certifier_by_key(key) -> object | None:
    """The user with id `key` in the Certifier role; None for any other key."""
    key = str(key or "")
    if not key.isdigit():
        return None
    return get_user_model().objects.filter(pk=key, groups__name=CERTIFIER).first()


def user_by_key(key):
    """The user with id `key` (the queue offered them as a free certifier)."""
    return get_user_model().objects.get(pk=key)


def agent_by_employee_id(employee_id: str) -> Agent:
    """The agent the queue offered as waiting."""
    return Agent.objects.get(employee_id=employee_id)


def active_mentor(pk) -> Mentor | None:
    return Mentor.objects.filter(pk=pk or 0, active=True).first()


def visible_agent(user, employee_id: str) -> Agent | None:
    """The agent with `employee_id` if `user` may see them, else None."""
    return scopes.visible_agents(user).filter(employee_id=employee_id).first()
