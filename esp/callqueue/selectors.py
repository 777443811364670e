"""Reads of the queue: the database once per need, handed to the pure rules (R-C1, R-C2)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from esp.access import scopes
from esp.access.writes import may_write
from esp.lib import compiled
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.roles import CERTIFIER
from esp.roster.selectors import names_by_email
from esp.rules.board import in_flight
from esp.rules.callcert import PENDING
from esp.rules.notes import author, authors
from esp.rules.progress import AgentProgress
from esp.rules.readiness import (
    READINESS_TASKS,
    FreeCertifier,
    Waiting,
    clock_due,
    idle_order,
    mentor_cover,
    missing_words,
    over_clock,
    readiness,
    shadowing_day,
    suggested_pair,
    waiting_order,
)
from esp.rules.records import Fact as RuleFact

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
    """R-C2: the agents of `agents_qs` (a query of agents or of their ids; None: all) connected
    to a certifier more than the program's clock hours ago whose calls are not all scored."""
    rows = running_connections().order_by("connected_at")
    if agents_qs is not None:
        among = agents_qs.values("pk") if hasattr(agents_qs, "values") else agents_qs
        rows = rows.filter(agent__in=among)
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
    waiting, held, not_ready = [], [], []
    for record in records:
        progress = AgentProgress(record, policy)
        if record.employee_id in connected or progress.call_cert(as_of).result != PENDING:
            continue  # connected now, or certification over (passed, failed or marked done)
        state = readiness(record.facts, as_of)
        esp_start = progress.phase_start(policy.esp_phase, as_of)
        if state.equipment_issue:
            held.append({"employee_id": record.employee_id, "name": record.name, "state": state})
        elif not state.ready and esp_start is not None and esp_start <= as_of:
            not_ready.append(_not_ready_line(record, state, progress.class_dates(as_of).code))
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
        "not_ready": sorted(not_ready, key=lambda line: (line["class_code"], line["name"])),
        "free": free,
        "suggested": suggested_pair(waiting, free),
        "connections": connections,
        "over": [line for line in connections if line["over"]],
        "certifiers": certifiers_today(now),
    }


def _not_ready_line(record, state, class_code: str) -> dict:
    """An agent in the ESP phase not ready yet, with what is missing in words (R-C1)."""
    return {
        "employee_id": record.employee_id,
        "name": record.name,
        "class_code": class_code,
        "missing": missing_words(state),
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


# -- readiness pages (R-C1, seed 004 items 3-4; issue 15 item 1) ------------------------------

READINESS_KINDS = ("task", "equipment", "status", "move")


def _latest_readiness(agent_ids) -> dict[tuple[int, str], Fact]:
    """(agent id, readiness task) -> its latest fact, for the agents of `agent_ids`."""
    latest: dict[tuple[int, str], Fact] = {}
    for fact in Fact.objects.filter(
        agent__in=agent_ids, kind="task", item__in=READINESS_TASKS
    ).order_by("date", "pk"):
        latest[(fact.agent_id, fact.item)] = fact
    names = names_by_email(authors(latest.values()))
    for fact in latest.values():  # names, not e-mail addresses (issue 17 item 4)
        fact.by_name = author(fact.by, names)
    return latest


def _step(fact: Fact | None) -> dict:
    """One readiness task as the page shows it, with the id its form is based on."""
    return {
        "done": fact is not None and fact.value in ("done", "not_applicable"),
        "fact": fact,
        "based_on": fact.pk if fact is not None else "",
    }


def _readiness_rows(program: Program, as_of: date, agents, class_code=None) -> list[dict]:
    """Per agent of `agents` (in flight): the readiness state, what is missing in words, the
    two steps with their latest fact, the open shadowing pairing. `agents`: a query of
    agents, or a list of their ids (one agent: its facts alone are looked at)."""
    records = agent_records(
        program,
        as_of,
        class_code=class_code,
        in_flight=True,
        agent_ids=agents if isinstance(agents, list) else agents.values("pk"),
        kinds=READINESS_KINDS,
    )
    by_id = {
        a.employee_id: a
        for a in Agent.objects.filter(employee_id__in=[r.employee_id for r in records])
    }
    latest = _latest_readiness([a.pk for a in by_id.values()])
    pairings = _open_pairings(by_id.values())
    rows = []
    for record in records:
        agent = by_id[record.employee_id]
        rows.append(_readiness_row(agent, record.facts, as_of, latest, pairings.get(agent.pk)))
    rows.sort(key=lambda row: (row["agent"].last_name, row["agent"].first_name))
    return rows


def _open_pairings(agents) -> dict[int, ShadowingPairing]:
    """Agent id -> their open shadowing pairing, for `agents`."""
    return {
        p.agent_id: p
        for p in ShadowingPairing.objects.filter(
            ended_on__isnull=True, agent__in=agents
        ).select_related("mentor__agent", "mentor__user")
    }


def _readiness_row(agent: Agent, facts, as_of: date, latest: dict, pairing) -> dict:
    """One agent's readiness row from their facts as of D and their latest readiness facts."""
    state = readiness(facts, as_of)
    return {
        "agent": agent,
        "state": state,
        "missing": missing_words(state),
        "day1": _step(latest.get((agent.pk, "readiness_day1"))),
        "shadowing": _step(latest.get((agent.pk, "readiness_shadowing"))),
        "pairing": pairing,
    }


def class_readiness(user, training_class: TrainingClass, as_of: date) -> dict:
    """The readiness page of a class: its agents the user sees, what each is missing, and
    what the user may record (R-C1)."""
    program = training_class.program
    rows = _readiness_rows(
        program, as_of, scopes.visible_agents(user), class_code=training_class.code
    )
    esp_start = (
        ClassPhase.objects.filter(
            training_class=training_class, phase__key=program.policy().esp_phase
        )
        .values_list("start_date", flat=True)
        .first()
    )
    calendar = calendar_for(program)
    return {
        "training_class": training_class,
        "rows": rows,
        "esp_start": esp_start,
        "shadowing_on": shadowing_day(esp_start, calendar) if esp_start else None,
        "can_record": may_write(user, "task", "readiness_day1"),
        "ready": sum(1 for row in rows if row["state"].ready),
        "day1_open": [row for row in rows if not row["day1"]["done"]],
        "shadowing_open": [row for row in rows if not row["shadowing"]["done"]],
    }


def readiness_classes(user, program: Program, as_of: date) -> list[dict]:
    """The classes the user sees whose ESP phase began in the last three weeks or begins
    within the next week, latest start first: where readiness is recorded (the window is
    docs/decisions-r-ready.md's)."""
    calendar = calendar_for(program)
    starts = (
        ClassPhase.objects.filter(
            training_class__in=scopes.visible_classes(user).filter(program=program),
            phase__key=program.policy().esp_phase,
            start_date__gte=as_of - timedelta(days=21),
            start_date__lte=as_of + timedelta(days=7),
        )
        .order_by("-start_date", "training_class__code")
        .values_list("training_class__code", "start_date")
    )
    return [
        {"code": code, "esp_start": start, "shadowing_on": shadowing_day(start, calendar)}
        for code, start in starts
    ]


def agent_readiness(agent: Agent, as_of: date) -> dict | None:
    """One agent's readiness row (None when not in flight: transferred or employment ended)."""
    rows = _readiness_rows(agent.training_class.program, as_of, [agent.pk])
    return rows[0] if rows else None


def page_readiness(agent: Agent, page) -> dict | None:
    """`agent_readiness` from the agent page's facts (`page.record`, `page.all_facts`; issue
    14: the page read them once): None when not in flight as of the page's day."""
    if not in_flight(page.record.facts, page.as_of):
        return None
    latest = {
        (agent.pk, f.item): f
        for f in page.all_facts
        if f.kind == "task" and f.item in READINESS_TASKS
    }
    pairing = _open_pairings([agent]).get(agent.pk)
    return _readiness_row(agent, page.record.facts, page.as_of, latest, pairing)


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's readiness part (esp.progress.hooks): the state, what is missing, the
    two steps with their one-click forms for those who may record them (R-C1)."""
    if page.for_agent:
        return {"readiness_panel": None}
    row = page_readiness(agent, page)
    if row is None:
        return {"readiness_panel": None}
    return {
        "readiness_panel": {
            **row,
            "can_record": may_write(user, "task", "readiness_day1", agent),
        }
    }


# -- mentors (R-C1, seed 003) ------------------------------------------------------------------


def mentors_page() -> dict:
    """Every mentor, active first, with the agents shadowing them now; agents transferred to
    production (experienced) offered as candidates."""
    taken = dict(
        ShadowingPairing.objects.filter(ended_on__isnull=True)
        .values_list("mentor")
        .annotate(n=Count("pk"))
    )
    mentors = sorted(
        Mentor.objects.select_related("agent__training_class", "user"),
        key=lambda m: (not m.active, str(m)),
    )
    candidates = (
        Agent.objects.filter(
            pk__in=Fact.objects.filter(kind="task", item="transfer", value="done").values("agent")
        )
        .exclude(pk__in=Mentor.objects.filter(active=True, agent__isnull=False).values("agent"))
        .order_by("last_name", "first_name")[:500]
    )
    return {
        "mentors": [{"mentor": m, "name": str(m), "taken": taken.get(m.pk, 0)} for m in mentors],
        "candidates": candidates,
    }


def mentor_by_pk(pk) -> Mentor | None:
    return Mentor.objects.filter(pk=pk).first() if str(pk or "").isdigit() else None


def agent_by_key(text: str) -> Agent | None:
    """The agent named by an employee id, or by the "Name (employee id)" the list offers."""
    text = (text or "").strip()
    if text.endswith(")") and "(" in text:
        text = text[text.rindex("(") + 1 : -1].strip()
    return Agent.objects.filter(employee_id=text).first() if text else None


SHADOWING = "readiness_shadowing"
TRANSFER = "transfer"  # the task `agents_in_scope(in_flight=True)` takes by default
FACT_COLUMNS = ("date", "pk", "kind", "item", "value")  # esp.rules.records.Fact's first five


def _waiting_per_class(program: Program, as_of: date, codes: list[str]) -> Counter:
    """Per class of `codes`, its agents (home or moved in) in flight, not paired with a
    mentor now, whose shadowing half day is not recorded as of the day (R-C1): one query of
    the facts the rules (`readiness`, `in_flight`) read (issue 14: four queries before)."""

    def build():  # the members' ids first (their classes, their moves: by index), their rows
        moved = Fact.objects.filter(kind="move", item__in=codes).order_by().values("agent_id")
        members = Agent.objects.filter(training_class__code__in=codes).order_by().values("pk")
        members = members.union(moved)
        read = FilteredRelation(
            "facts",
            condition=Q(facts__kind="move", facts__item__in=codes)
            | Q(facts__date__lte=as_of)
            & (
                Q(facts__kind="task", facts__item__in=[SHADOWING, TRANSFER])
                | Q(facts__kind="status", facts__item="employment")
            ),
        )
        paired = ShadowingPairing.objects.filter(agent=OuterRef("pk"), ended_on__isnull=True)
        return (  # NOT EXISTS: an anti-join from the members (NOT IN read every agent)
            Agent.objects.filter(pk__in=members, training_class__program=program)
            .exclude(Exists(paired))
            .annotate(read=read)
            .order_by()
            .values_list("pk", "training_class__code", *(f"read__{c}" for c in FACT_COLUMNS))
        )

    rows = compiled.rows(("mentor_cover_waiting", program.pk, as_of, tuple(codes)), build)
    agents: dict[int, tuple[str, list[RuleFact]]] = {}
    for pk, home, day, fact_pk, kind, item, value in rows:
        found = agents.setdefault(pk, (home, []))[1]
        if fact_pk is not None:
            found.append(RuleFact(day, fact_pk, kind, item, value))
    waiting: Counter = Counter()
    for home, facts in agents.values():
        facts.sort(key=lambda f: (f.date, f.seq))
        shadowing = [f for f in facts if f.kind == "task" and f.item == SHADOWING]
        missing = readiness(shadowing, as_of, tasks=(SHADOWING,)).missing
        if SHADOWING not in missing or not in_flight(facts, as_of, transfer_task=TRANSFER):
            continue
        moves = {f.item for f in facts if f.kind == "move"}
        waiting.update(code for code in codes if code == home or code in moves)
    return waiting


def mentor_cover_ahead(program: Program, as_of: date) -> list:
    """Seed 003: before a class's shadowing half day (ESP day 2), whether the mentors' free
    places cover its agents about to shadow — for the shadowing days today and the next
    business day, the classes of a day together (they share the mentors). A fixed number of
    queries (each compiled once: esp.lib.compiled) reading only their agents' facts (issue 14)."""
    calendar, esp_phase = calendar_for(program), program.policy().esp_phase
    days = (as_of, calendar.next_business_day(as_of))
    by_day: dict[date, list[str]] = {}
    for code, start in compiled.rows(
        ("mentor_cover_starts", program.pk, esp_phase, as_of, days[1]),
        lambda: (
            ClassPhase.objects.filter(training_class__program=program, phase__key=esp_phase)
            .filter(start_date__gte=as_of - timedelta(days=7), start_date__lte=days[1])
            .values_list("training_class__code", "start_date")
        ),
    ):
        day = shadowing_day(start, calendar)
        if day in days:
            by_day.setdefault(day, []).append(code)
    if not by_day:
        return []
    taken = Count("pairings", filter=Q(pairings__ended_on__isnull=True))
    mentors = compiled.rows(  # (capacity, taken) of each active mentor
        ("mentor_cover_mentors",),
        lambda: Mentor.objects.filter(active=True).annotate(n=taken).values_list("capacity", "n"),
    )
    waiting = _waiting_per_class(program, as_of, [c for codes in by_day.values() for c in codes])
    return [
        mentor_cover(day, codes, sum(waiting[code] for code in codes), mentors)
        for day, codes in sorted(by_day.items())
    ]
