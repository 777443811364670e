"""Reads about classes and their agents that span relations (STYLE: selectors).

The agents' facts (esp.progress) are reached through the `facts` relation of Agent, never by
importing the progress app: roster sits below it (issue 13).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower

from esp.lib import compiled
from esp.programs.default_program import DEFAULT_PROGRAM_KEY
from esp.programs.models import Program
from esp.rules.records import AgentRecord, ClassDates, Fact

from .models import Agent, TrainingClass


def program_for(*, program_key: str | None = None, class_code: str | None = None) -> Program:
    """The program a report or page is about: named, or the class's, or the only/default one.

    Here in roster rather than programs: it reads classes, and roster sits above programs.
    """
    if program_key:
        return Program.objects.get(key=program_key)
    if class_code:
        return TrainingClass.objects.select_related("program").get(code=class_code).program
    # asked by nearly every page: compiled once per process (esp.lib.compiled, issue 14)
    programs = compiled.objects(("roster.program_for",), lambda: Program.objects.all()[:2])
    if len(programs) == 1:
        return programs[0]
    return Program.objects.get(key=DEFAULT_PROGRAM_KEY)


def class_exists(code: str) -> bool:
    return TrainingClass.objects.filter(code=code).exists()


def classes_with_program(code: str | None = None) -> list[TrainingClass]:
    """The classes by code, with their program: the one named, or every class."""
    classes = TrainingClass.objects.select_related("program").order_by("code")
    if code:
        classes = classes.filter(code=code)
    return list(classes)


def _latest_move(today: date) -> Subquery:
    """The class code of the agent's latest move dated on or before today (R-T3; latest: by
    date, then entry order), as a subquery correlated with the outer agent."""
    return Subquery(
        Agent.objects.filter(pk=OuterRef("pk"), facts__kind="move", facts__date__lte=today)
        .order_by("-facts__date", "-facts__pk")
        .values("facts__item")[:1]
    )


def current_class_code(agent: Agent, today: date) -> QuerySet[Agent]:
    """R-T3: the code of the agent's class today, their latest move dated on or before today,
    else the roster class (one agent's `in_current_class`), as a query of that one value
    for a filter: `code__in=current_class_code(agent, today)` (no query of its own)."""
    return (
        Agent.objects.filter(pk=agent.pk)
        .annotate(current=Coalesce(_latest_move(today), F("training_class__code")))
        .values("current")
    )


def _moves(today: date, among=None) -> QuerySet:
    """The moves dated on or before today (of `among`, a query of agents, when given), a
    query of the agents' facts read through Agent's `facts` relation (roster does not import
    progress): the facts' own index, without a join back to each agent (issue 14)."""
    facts = Agent._meta.get_field("facts").related_model
    moves = facts.objects.filter(kind="move", date__lte=today)
    return moves if among is None else moves.filter(agent__in=among)


def _moved(today: date, among=None) -> QuerySet:
    """The pks of the agents with a move dated on or before today (of `among`, when given)."""
    return _moves(today, among).values("agent_id")


def _moved_into(codes, today: date, among=None) -> QuerySet:
    """The pks of the agents whose latest move by today (R-T3; latest: by date, then entry
    order) is into one of `codes`: the moves no later move by today follows, one anti-join
    of the few moves (issue 14: a lookup of the latest move per moved agent, made in each
    part of the scope's union, was 2 ms of the Cert Coordinator's Today on PostgreSQL)."""
    later = _moves(today).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk")),
        agent_id=OuterRef("agent_id"),
    )
    latest = _moves(today, among).exclude(Exists(later))
    return latest.filter(item__in=codes).values("agent_id")


def _pks_and_codes(classes: dict[int, str] | QuerySet[TrainingClass]) -> tuple:
    """`classes` for two `__in` filters, their pks and their codes: a dict (pk -> code) as
    two lists inline (a list of agents: PostgreSQL plans by what the list holds), a query of
    classes as two subqueries (one agent: no query of their own)."""
    if isinstance(classes, dict):
        return list(classes), list(classes.values())
    return classes.values("pk"), classes.values("code")


def current_class_parts(classes: dict[int, str], today: date) -> tuple[QuerySet, QuerySet]:
    """The agents whose current class (R-T3: the latest move dated on or before today, else
    the roster class) is one of `classes` (pk -> code), in two queries each with its own
    index: the agents never moved by today, by their roster class, and the agents whose
    latest move by today is into one of the classes."""
    never_moved = Agent.objects.filter(training_class_id__in=list(classes)).exclude(
        pk__in=_moved(today)
    )
    moved_into = Agent.objects.filter(pk__in=_moved_into(list(classes.values()), today))
    return never_moved, moved_into


def in_current_class(
    classes: dict[int, str] | QuerySet[TrainingClass], today: date, among=None
) -> Q:
    """`current_class_parts` as one filter of agents (subqueries only, so the query count
    stays fixed); `classes` pk -> code, or a query of classes. `among` (a query of agents:
    one agent's page), when the agents asked about are all among them, narrows the moves
    looked at to theirs."""
    pks, codes = _pks_and_codes(classes)
    never_moved = Q(training_class_id__in=pks) & ~Q(pk__in=_moved(today, among))
    return never_moved | Q(pk__in=_moved_into(codes, today, among))


def tasks_done_text(tasks) -> str:
    """`Agent.tasks_done` for `tasks` done: each key between commas (",ahip,tbt,"), so that
    `has_done` finds one with a LIKE on SQLite and PostgreSQL."""
    return "".join(f",{task}" for task in sorted(tasks)) + "," if tasks else ""


def has_done(task: str) -> Q:
    """Agents whose `tasks_done` holds `task` (esp.progress.services.settled keeps it)."""
    return Q(tasks_done__contains=f",{task},")


#: The facts besides a task's that say whether an agent is in flight (R-P3).
EMPLOYMENT = ("status", "employment")


def class_dates(codes=None) -> dict[str, ClassDates]:
    """Each class (of `codes`) with its phases' start dates, in one query (issue 14: a class
    with no phase dates yet has none)."""
    rows = TrainingClass.objects.order_by("code", "phase_starts__phase__order").values_list(
        "code", "phase_starts__phase__key", "phase_starts__start_date"
    )
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    starts: dict[str, dict[str, date]] = {}
    for code, phase, day in rows:
        found = starts.setdefault(code, {})
        if phase is not None:
            found[phase] = day
    return {code: ClassDates(code, found) for code, found in starts.items()}


def progress_records(
    agents, *, kinds, as_of: date | None = None
) -> list[tuple[int, int, AgentRecord]]:
    """(pk, program pk, record) of `agents` (a list of pks, or a query of agents, read as
    the first query: none found, no other): their
    facts of `kinds` and their employment statuses (dated by `as_of` when given) in (date,
    entry) order, and their roster class with its phase dates; not the classes they moved
    to (which tasks are done, and whether they are in flight, R-P3, do not depend on the
    class). What the rules read for the kept marks (esp.progress.services.settled) and the
    scopes' exact check, in three queries whatever the number of agents (issue 14)."""
    if not isinstance(agents, QuerySet):
        agents = Agent.objects.filter(pk__in=agents)
    rows = list(
        agents.order_by().values_list(
            "pk",
            "employee_id",
            "first_name",
            "last_name",
            "training_class__code",
            "training_class__program_id",
        )
    )
    if not rows:
        return []
    ids = [row[0] for row in rows]
    kind, item = EMPLOYMENT
    wanted = Q(facts__kind__in=sorted(kinds)) | Q(facts__kind=kind, facts__item=item)
    if as_of is not None:
        wanted &= Q(facts__date__lte=as_of)
    facts: dict[int, list[Fact]] = {}
    for pk, day, seq, *fact in (
        Agent.objects.filter(wanted, pk__in=ids)  # one filter: one join of the facts
        .order_by("pk", "facts__date", "facts__pk")
        .values_list("pk", "facts__date", "facts__pk", "facts__kind", "facts__item", "facts__value")
        .iterator(chunk_size=10000)
    ):
        facts.setdefault(pk, []).append(Fact(day, seq, *fact))
    dates = class_dates({row[4] for row in rows})
    return [
        (
            pk,
            program_id,
            AgentRecord(employee_id, first, last, dates[code], tuple(facts.get(pk, ()))),
        )
        for pk, employee_id, first, last, code, program_id in rows
    ]


def agent_counts(classes: QuerySet[TrainingClass], today: date) -> dict[str, int]:
    """How many agents each of `classes` has today, counted by their current class (R-T3: the
    latest move dated on or before today, else the roster class), in three queries whatever
    the number of classes (issue 14): the roster's count per class, then each moved agent
    taken from their roster class and counted in the class of their latest move."""
    codes = set(classes.values_list("code", flat=True))
    counts = dict.fromkeys(codes, 0)
    for row in (
        Agent.objects.filter(training_class__in=classes)
        .values("training_class__code")
        .annotate(agents=Count("pk"))
        .order_by()
    ):
        counts[row["training_class__code"]] = row["agents"]
    latest: dict[int, tuple[str, str]] = {}  # agent → (roster class, latest move's class)
    for pk, roster_code, moved_to in (
        Agent.objects.filter(facts__kind="move", facts__date__lte=today)
        .order_by("facts__date", "facts__pk")
        .values_list("pk", "training_class__code", "facts__item")
    ):
        latest[pk] = (roster_code, moved_to)
    for roster_code, moved_to in latest.values():
        if roster_code in counts:
            counts[roster_code] -= 1
        if moved_to in counts:
            counts[moved_to] += 1
    return {code: n for code, n in counts.items() if n}


def current_agents(training_class: TrainingClass, today: date) -> QuerySet[Agent]:
    """The agents whose current class today is `training_class` (R-T3)."""
    return Agent.objects.filter(in_current_class({training_class.pk: training_class.code}, today))


def names_by_email(addresses) -> dict[str, str]:
    """Lower-cased e-mail -> the person's name, for the staff accounts and the agents (work or
    personal address) among `addresses` (R-N1: notes name their author, issue 17 item 4).
    Staff first: the agents (no index on their addresses) are read only for the rest."""
    wanted = {a.strip().lower() for a in addresses if a and "@" in a}
    if not wanted:
        return {}
    names: dict[str, str] = {}
    users = get_user_model().objects.annotate(address=Lower("email")).filter(address__in=wanted)
    for first, last, address in users.values_list("first_name", "last_name", "address"):
        name = f"{first} {last}".strip()
        if name:
            names[address] = name
    rest = wanted - names.keys()
    if not rest:
        return names
    for first, last, work, personal in (
        Agent.objects.annotate(work=Lower("work_email"), personal=Lower("personal_email"))
        .filter(Q(work__in=rest) | Q(personal__in=rest))
        .values_list("first_name", "last_name", "work", "personal")
    ):
        name = f"{first} {last}".strip()
        for address in (work, personal):
            if address in rest and name:
                names[address] = name
    return names


def class_tl_names(training_class: TrainingClass) -> str:
    """The class's TLs by name (e-mail when nameless), joined: the TL of an agent the roster
    names none for, in the tracker export (issue 17 item 4)."""
    return ", ".join(
        tl.get_full_name() or tl.email for tl in training_class.tls.order_by("last_name", "pk")
    )
