"""Who may see which classes and agents (SPEC §1, §17 access).

One per-role queryset filter serves both lists and object checks: a page lists
`visible_agents(user)` and fetches one agent with `get_agent_for_user(user, ...)`, which is the
same queryset filtered by id, so nothing outside a user's scope is ever found (404).

| role | sees |
| --- | --- |
| ESP Manager | everything |
| PM, TL | their classes (classes.csv `pm_email` / `tl_emails`) and the agents in them |
| Licensing | classes in the licensing phase today, and the agents in them; also the agents of classes past it, in flight, whose AHIP or carrier certification is not done |
| Cert Coordinator, TBT SME | classes in the call-cert (ESP) phase today, and the agents in them |
| Certifier | the agents assigned to them, until the connection is released |
| WFM | attendance only (no agent pages) |
| Agent | themselves |

An agent is "in" a class when it is their **current class**: the class of their latest move
dated on or before today (R-T3), else their roster class. The agent's own `tl` / `pm` fields
grant nothing: they only say which of the class's TLs (PMs) is theirs, so a TL or PM taken off
a class, or the old class's TL after a move, no longer reaches the agent (issue 12 item 1).

Scope is always today's (the one clock): a page's as-of date changes what the rules compute,
never who is seen, so picking another date never widens it (issue 12 item 2).
"""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from esp.lib import clock, compiled
from esp.programs.models import Program
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)
from esp.roster.selectors import (
    current_class_code,
    current_class_parts,
    has_done,
    in_current_class,
    progress_records,
)
from esp.rules.board import in_flight
from esp.rules.progress import DONE_READS, AgentProgress

# Phase windows: a class is "in" a phase from that phase's start up to the next one's.
PHASE_WINDOWS = {LICENSING: ("licensing", "training"), CERT_COORDINATOR: ("esp", "production")}
PHASE_WINDOWS[TBT_SME] = PHASE_WINDOWS[CERT_COORDINATOR]
# The tasks each role sees every agent through, past the role's phase (R-I1; the seeds).
SEEN_THROUGH = {
    LICENSING: ("ahip", "carrier_cert"),  # AHIP/Aetna
    CERT_COORDINATOR: ("call_cert", "tbt"),  # an extended agent's Call Certs and TBTs
    TBT_SME: ("tbt",),
}


def roles(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_esp_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ESP_MANAGER)
        user._esp_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    return bool(roles(user) & set(names))


def sees_as_agent(user) -> bool:
    """Whether `user` reads agent pages as an agent (their own): only the notes written to
    them, no red flags, staff remarks or undelivered steps (SPEC §1, issue 12 item 5). Anyone
    without a staff role does: what is not known to be staff is not shown staff matters."""
    return not roles(user) - {AGENT}


def _started(key: str, today: date) -> Q:
    """Classes whose phase `key` has started by today: one range of the phase dates' index
    read once (a lookup per class cost 4 ms at 1,666 classes, issue 14)."""
    started = ClassPhase.objects.filter(phase__key=key, start_date__lte=today)
    return Q(pk__in=started.values("training_class"))


def _in_phase(first: str, following: str, today: date) -> Q:
    """Classes in phase `first` today: started, and `following` not yet."""
    return _started(first, today) & ~_started(following, today)


def _not_past_phase(first: str, following: str, today: date) -> QuerySet[TrainingClass]:
    """The classes whose phase `first` is not over by today (`first` or `following` not
    started): the few current and coming classes."""
    past = _started(first, today) & _started(following, today)
    return TrainingClass.objects.exclude(past)


def _not_past_classes(window: tuple[str, str], today: date) -> QuerySet:
    """(pk, code, in phase) of `_not_past_phase(*window, today)`: in phase, whether the
    class is in phase `window[0]` today (`_in_phase`: of the classes not past it, those
    whose phase has started), so that one read serves a role's classes and its agents
    beyond the phase (issue 14)."""
    started = ClassPhase.objects.filter(
        training_class=OuterRef("pk"), phase__key=window[0], start_date__lte=today
    )
    return _not_past_phase(*window, today).values_list("pk", "code", Exists(started))


def _late_ahead(agents, roles_seen, today: date) -> dict[str, tuple[int, ...]]:
    """For each of `roles_seen`, which of `agents` (a list of pks or a query) with facts dated
    after today (their kept marks prove nothing today) are in flight today with one of the
    role's tasks (`SEEN_THROUGH`) not done, decided by the rules from their facts dated by
    today (R-P3, R-P4, R-T5: a Call Cert done by its calls, a TBT by its courses). One query
    for those agents, then, only when there are any (seldom: facts entered ahead of their
    day), two more for their records and one for their programs: a fixed number (issue 14)."""
    ahead = Agent.objects.filter(facts_until__gt=today)
    if agents is not None:
        ahead = ahead.filter(pk__in=agents)
    found: dict[str, list[int]] = {role: [] for role in roles_seen}
    records = progress_records(ahead, kinds=DONE_READS, as_of=today)
    programs = Program.objects.in_bulk({program_id for _, program_id, _ in records})
    for pk, program_id, record in records:
        progress = AgentProgress(record, programs[program_id].policy())
        keys = progress.policy.task_keys
        if not in_flight(record.facts, today, transfer_task=progress.policy.transfer_task):
            continue
        for role in roles_seen:
            tasks = SEEN_THROUGH[role]  # a task the program has not is never done
            if not all(key in keys and progress.is_done(key, today) for key in tasks):
                found[role].append(pk)
    return {role: tuple(pks) for role, pks in found.items()}


def _late_on(
    role: str,
    today: date,
    among=None,
    *,
    late_ahead: tuple[int, ...] | None = None,
    current: dict[int, str] | QuerySet[TrainingClass] | None = None,
) -> QuerySet[Agent]:
    """A role's agents beyond its phase (issue 12 follow-up item 4; the seeds: Licensing sees
    every agent through AHIP/Aetna, the Cert Coordinator and the TBT SMEs through Call Certs
    and TBTs): agents whose current class is past the role's phase, still in flight
    (employment not ended, transfer not done, R-P3) and with one of the role's tasks
    (`SEEN_THROUGH`) not done (nor "not applicable", R-P4; nor done by its own rule, R-T5) as
    of today. Two small reads (the classes not past the phase, pk -> code, and
    `_late_ahead`, unless the caller read them: `current`, `late_ahead`), then subqueries
    only, so the query count stays fixed. `among` (a query of agents: one agent's page)
    narrows the lookups to them, and makes the classes a subquery (issue 14).

    What the rules say of the agents' latest facts is kept on them
    (esp.progress.services.settled, issue 14): for an agent with no fact dated after today
    those columns are the answer; only the others (facts entered ahead of their day) are
    decided from their facts (`_late_ahead`)."""
    if current is None:
        current = _not_past_phase(*PHASE_WINDOWS[role], today)
        if among is None:  # read: PostgreSQL plans a list of agents by what it holds
            current = dict(current.values_list("pk", "code"))
    if late_ahead is None:
        late_ahead = _late_ahead(among, [role], today)[role]
    not_settled = Q(settled_on__isnull=True) | Q(settled_on__gt=today)
    agents = Agent.objects.filter(not_settled)
    if among is not None:
        agents = agents.filter(pk__in=among)
    all_done = Q()
    for key in SEEN_THROUGH[role]:
        all_done &= has_done(key)
    ahead = Q(facts_until__gt=today)  # facts dated after today: the marks prove nothing
    late = ~ahead & ~all_done
    if late_ahead:  # seldom: the query is shorter to build without
        late |= Q(pk__in=list(late_ahead))
    # past the phase: not in one of the few classes that are not (every agent has a class);
    # the query itself a part of the scope's union, not wrapped in one more lookup of the
    # agents by pk (PostgreSQL joined each back to the table: 1 ms of the Coordinator's)
    return agents.filter(late).exclude(in_current_class(current, today, among))


def visible_classes(user, today: date | None = None) -> QuerySet[TrainingClass]:
    """The classes whose board `user` may open, today (`today`: the clock's, read once by
    the caller)."""
    user_roles = roles(user)
    classes = TrainingClass.objects.all()
    if ESP_MANAGER in user_roles:
        return classes
    today = today or clock.today()
    scope = Q(pk__in=[])
    if TL in user_roles:
        scope |= Q(tls=user)
    if PM in user_roles:
        scope |= Q(pms=user)
    for role, (first, following) in PHASE_WINDOWS.items():
        if role in user_roles:
            scope |= _in_phase(first, following, today)
    return classes.filter(pk__in=classes.filter(scope).values("pk"))


def connected_to(certifier) -> Q:
    """A certifier's agents (R-C2): assigned, and either in an open connection with them or
    never connected (an assignment made by hand). Once the Cert Coordinator releases the
    connection (or it is closed when finished), the certifier no longer sees the agent."""
    connected = Agent.objects.filter(certifier_connections__certifier=certifier).values("pk")
    open_now = Agent.objects.filter(
        certifier_connections__certifier=certifier, certifier_connections__closed_at__isnull=True
    ).values("pk")
    assigned = Q(
        pk__in=Agent.objects.filter(certifier_assignments__certifier=certifier).values("pk")
    )
    return assigned & (Q(pk__in=open_now) | ~Q(pk__in=connected))


#: The roles that see the agents of the classes they see today (`visible_classes`).
CLASS_ROLES = frozenset({TL, PM, LICENSING, CERT_COORDINATOR, TBT_SME})
# Besides the TLs and PMs, each sees the classes in its phase and the agents beyond it
# (`visible_agent_pks` reads both at once).
assert CLASS_ROLES - {TL, PM} == PHASE_WINDOWS.keys() == SEEN_THROUGH.keys()


def _other_parts(user, among=None, *, late_ahead=None, current=None):
    """The parts of a user's scope besides their classes' agents, each a query of agents:
    each role's agents beyond its phase, a certifier's connected agents, an agent's own
    record. `late_ahead` (role -> `_late_ahead`'s agents) and `current` (role -> its classes
    not past the phase): read by the caller, else here (`_late_on`)."""
    user_roles = roles(user)
    late_roles = sorted(SEEN_THROUGH.keys() & user_roles)
    today = clock.today()
    if late_ahead is None and late_roles:  # read once for every role
        late_ahead = _late_ahead(among, late_roles, today)
    for role in late_roles:
        known = {} if current is None else {"current": current[role]}
        yield _late_on(role, today, among, late_ahead=late_ahead[role], **known)
    if CERTIFIER in user_roles:
        yield Agent.objects.filter(connected_to(user))
    if AGENT in user_roles:
        yield Agent.objects.filter(user=user)


def _union(parts: list[QuerySet]) -> QuerySet:
    pks = [part.order_by().values("pk") for part in parts]
    return pks[0].union(*pks[1:], all=True)


def visible_agents(user) -> QuerySet[Agent]:
    """The agents whose page `user` may open today: the one filter for lists and object
    checks (`sees_agent` asks the same parts about one agent, `visible_agent_pks` reads
    them).

    The parts are one query each, put together by UNION ALL: each is found through its own
    index (the classes' agents, the few not settled, ...) where an OR of them made PostgreSQL
    read every agent (issue 14)."""
    user_roles = roles(user)
    agents = Agent.objects.all()
    if ESP_MANAGER in user_roles:
        return agents
    parts = []
    if user_roles & CLASS_ROLES:  # the classes read once (a check per class, not per agent)
        classes = dict(visible_classes(user).values_list("pk", "code"))
        parts += current_class_parts(classes, clock.today())
    parts += _other_parts(user)
    if not parts:
        return agents.none()
    return agents.filter(pk__in=_union(parts))


def _read(key: tuple, build) -> list[tuple]:
    """The rows of the query `build()` makes, whose SQL is a function of `key`: built and
    compiled by Django once per process for that key, then only run (esp.lib.compiled).
    Building and compiling the scope's queries cost about 10 ms of a Cert Coordinator's
    Today (issue 14); what they read is read on every run."""
    return compiled.rows(("scope", *key), build)


def visible_agent_pks(user, limit: int) -> list[int] | None:
    """The pks of `visible_agents(user)` (not the ESP Manager's), read at once, or None when
    there are more than `limit`. The same parts and the same reads (classes, the classes
    not past each late role's phase, whether any agent has facts dated ahead), each query
    compiled once per process for what decides its SQL (`_read`): the user, their roles,
    today and what the reads found. The parts' union is read itself, not the agents
    filtered by it (no lookup of each agent found; issue 14)."""
    user_roles = frozenset(roles(user))
    today = clock.today()
    who = (user.pk, user_roles, today)
    current, in_phase = {}, set()
    for role in sorted(SEEN_THROUGH.keys() & user_roles):
        window = PHASE_WINDOWS[role]
        rows = _read(("past", window, today), partial(_not_past_classes, window, today))
        current[role] = {pk: code for pk, code, _ in rows}
        in_phase |= {(pk, code) for pk, code, started in rows if started}
    classes = ()
    if user_roles & {TL, PM}:  # their own classes besides: `visible_classes` reads them all
        classes = tuple(
            _read(("classes", *who), lambda: visible_classes(user, today).values_list("pk", "code"))
        )
    elif user_roles & CLASS_ROLES:  # a phase's role only: its classes read with `current`
        classes = tuple(sorted(in_phase, key=lambda row: row[1]))
    late_ahead = _late_ahead(None, list(current), today) if current else {}

    def union():
        parts = []
        if classes:
            parts += current_class_parts(dict(classes), today)
        parts += _other_parts(user, late_ahead=late_ahead, current=current)
        if not parts:
            return Agent.objects.none()
        return _union(parts).values_list("pk", flat=True)[: limit + 1]

    late = tuple((role, tuple(found.items())) for role, found in current.items())
    ahead = tuple(late_ahead.items())
    found = [pk for (pk,) in _read(("agents", *who, classes, late, ahead, limit), union)]
    return None if len(found) > limit else sorted(set(found))


def sees_agent(user, agent: Agent) -> bool:
    """Whether `agent` is one of `visible_agents(user)`, asked part by part for this agent
    until one holds: first whether their current class (R-T3) is one the user sees, then the
    other parts, one query each (a small query is quicker to build and run than the union;
    what the lists read first, the classes, are subqueries here, and the agent's facts are
    read only when some are dated ahead, `_late_ahead_of`; issue 14). Then remembered on
    the request's user (the agent page checks it for each of its forms)."""
    seen = user.__dict__.setdefault("_esp_sees", {})
    today = clock.today()
    key = (agent.pk, today)
    if key not in seen:
        user_roles = roles(user)
        one = Agent.objects.filter(pk=agent.pk).values("pk")
        seen[key] = (
            ESP_MANAGER in user_roles
            or bool(
                user_roles & CLASS_ROLES
                and visible_classes(user, today)
                .filter(code__in=current_class_code(agent, today))
                .exists()
            )
            or any(
                part.filter(pk=agent.pk).exists()
                for part in _other_parts(
                    user, among=one, late_ahead=_late_ahead_of(agent, user, today)
                )
            )
        )
    return seen[key]


def _late_ahead_of(agent: Agent, user, today: date) -> dict[str, tuple[int, ...]]:
    """`_late_ahead` for one agent and the user's late roles: no query unless the agent has
    facts dated after today (`Agent.facts_until`, read with them), only then are their facts
    read and the rules asked."""
    late_roles = sorted(SEEN_THROUGH.keys() & roles(user))
    if agent.facts_until is None or agent.facts_until <= today:
        return {role: () for role in late_roles}
    return _late_ahead([agent.pk], late_roles, today)


def is_connected(certifier, agent: Agent) -> bool:
    """Whether `agent` is one of the certifier's connected agents (R-C2, one query)."""
    return Agent.objects.filter(connected_to(certifier), pk=agent.pk).exists()


def visible_agent_ids(user) -> QuerySet | None:
    """The ids of `visible_agents(user)` as a subquery for a class's rows (board, tracker,
    attendance day), or None when the user sees every agent (no filter to add)."""
    if ESP_MANAGER in roles(user):
        return None
    return visible_agents(user).values("pk")


def get_agent_for_user(user, employee_id: str) -> Agent:
    if "\x00" in employee_id:
        raise Http404("no such agent")
    agent = (
        Agent.objects.select_related("training_class__program", "site", "tl", "pm")
        .filter(employee_id=employee_id)
        .first()
    )
    if agent is None or not sees_agent(user, agent):  # the same answer for both: no leak
        raise Http404("no such agent")
    return agent


def get_agent_for_attendance(user, employee_id: str) -> Agent:
    """WFM reads every agent's attendance (read only); others as for the agent page."""
    if "\x00" in employee_id:
        raise Http404("no such agent")
    if has_role(user, WFM, ESP_MANAGER):
        try:
            return Agent.objects.get(employee_id=employee_id)
        except Agent.DoesNotExist:
            raise Http404("no such agent") from None
    return get_agent_for_user(user, employee_id)


def sees_class(user, code: str) -> bool:
    """Whether the class's board is one `user` may open (one query)."""
    return visible_classes(user).filter(code=code).exists()


def get_class_for_user(user, code: str) -> TrainingClass:
    if "\x00" in code:
        raise Http404("no such class")
    try:
        return visible_classes(user).select_related("program").get(code=code)
    except TrainingClass.DoesNotExist:
        raise Http404("no such class") from None
