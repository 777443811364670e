"""The selector layer: the database read once per need, handed to the pure rules.

`agent_records` turns agents and their facts into `AgentRecord`s with a fixed number of
queries, whatever the number of agents. Agents who cannot appear in the as-of reports
(employment ended, or transferred to production) are left out in SQL when asked.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import date

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import FirstValue

from esp.programs.models import Program
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.rules.records import SATISFYING, AgentRecord, ClassDates, Fact

from .models import Fact as FactRow

ENDED = ("termed", "resigned", "withdrawn")


def _latest_in(kind: str, item: str, as_of: date, values) -> QuerySet:
    """The ids of the agents whose latest `kind item` fact dated on or before D has one of
    `values` (latest: by date, then by entry order).

    One window over those facts, evaluated once (served by the `fact_kind_item_date`
    index), rather than a correlated subquery per agent: PostgreSQL ran those for each of
    the season's agents, mis-estimated how many agents the filter keeps, and its JIT
    compiler spent more time on the query than the query itself.
    """
    latest = Window(
        FirstValue("value"),
        partition_by=F("agent_id"),
        order_by=(F("date").desc(), F("pk").desc()),
    )
    return (
        FactRow.objects.filter(kind=kind, item=item, date__lte=as_of)
        .annotate(latest=latest)
        .filter(latest__in=values)
        .values("agent_id")
    )


def agents_in_scope(
    program: Program,
    as_of: date,
    *,
    class_code: str | None = None,
    in_flight: bool = False,
    transfer_task: str = "transfer",
    agent_ids=None,
):
    """Agents of `program`, optionally of one class (home class or moved into it).

    With `in_flight`, agents whose employment ended or whose transfer is done as of D are
    left out: no incompletion, action or extension can name them (R-P3, decisions.md).
    """
    # by the program's class ids: a join on the program made SQLite walk every class first
    agents = Agent.objects.filter(
        training_class__in=TrainingClass.objects.filter(program=program).values("pk")
    )
    if agent_ids is not None:
        agents = agents.filter(pk__in=agent_ids)
    if class_code:
        moved_in = FactRow.objects.filter(kind="move", item=class_code).values("agent_id")
        agents = agents.filter(Q(training_class__code=class_code) | Q(pk__in=moved_in))
    if in_flight:
        agents = agents.exclude(pk__in=_latest_in("status", "employment", as_of, ENDED)).exclude(
            pk__in=_latest_in("task", transfer_task, as_of, SATISFYING)
        )
    return agents


def class_dates(codes=None) -> dict[str, ClassDates]:
    starts: dict[str, dict[str, date]] = defaultdict(dict)
    rows = ClassPhase.objects.values_list("training_class__code", "phase__key", "start_date")
    if codes is not None:
        rows = rows.filter(training_class__code__in=list(codes))
    for code, phase, day in rows:
        starts[code][phase] = day
    names = TrainingClass.objects.values_list("code", flat=True)
    if codes is not None:
        names = names.filter(code__in=list(codes))
    return {code: ClassDates(code, starts.get(code, {})) for code in names}


# Up to this many agents, their facts are read by the list of their ids (well under the
# query-parameter limits of SQLite, 32,766, and PostgreSQL, 65,535); beyond, by a subquery.
IDS_INLINE_MAX = 5000

FACT_KINDS = (
    "task",
    "tbt",
    "call",
    "exam",
    "action",
    "status",
    "equipment",
    "move",
    "attendance",
)


def agent_records(
    program: Program,
    as_of: date,
    *,
    class_code: str | None = None,
    in_flight: bool = False,
    transfer_task: str = "transfer",
    kinds: tuple[str, ...] = FACT_KINDS,
    agent_ids=None,
) -> list[AgentRecord]:
    """The records of the agents in scope with their facts dated on or before D.

    Four queries, whatever the number of agents: agents, their facts, and the phase dates
    and codes of the classes they belong to or moved to. The facts are read for the ids the
    first query returned (up to `IDS_INLINE_MAX`): the scope is evaluated once, and the
    database knows how many agents it has to look up instead of guessing what the in-flight
    filter keeps (PostgreSQL's guess made it scan every fact).
    """
    agents = agents_in_scope(
        program,
        as_of,
        class_code=class_code,
        in_flight=in_flight,
        transfer_task=transfer_task,
        agent_ids=agent_ids,
    )
    rows = list(
        agents.values_list("pk", "employee_id", "first_name", "last_name", "training_class__code")
    )
    ids = [row[0] for row in rows]
    in_scope = ids if len(ids) <= IDS_INLINE_MAX else agents.values("pk")
    facts: dict[int, list[Fact]] = defaultdict(list)
    fact_rows = FactRow.objects.filter(agent__in=in_scope, date__lte=as_of)
    if in_scope is not ids:
        # a subquery: the kind narrows the rows. With a list of ids the agent index is the
        # fast way in, and a kind filter made SQLite prefer its (kind, date) index and scan
        # the season, so the kinds are kept below instead.
        fact_rows = fact_rows.filter(kind__in=kinds)
    fact_rows = fact_rows.order_by("agent_id", "date", "pk").values_list(
        "agent_id", "date", "pk", "kind", "item", "value"
    )
    wanted = set(kinds)
    moved_to: set[str] = set()
    for agent_id, day, pk, kind, item, value in fact_rows.iterator(chunk_size=10000):
        if kind not in wanted:
            continue
        facts[agent_id].append(Fact(day, pk, kind, item, value))
        if kind == "move":
            moved_to.add(item)
    dates = class_dates({row[4] for row in rows} | moved_to)
    records = []
    for pk, employee_id, first, last, code in rows:
        own = facts.get(pk, ())
        moves = {f.item: dates[f.item] for f in own if f.kind == "move" and f.item in dates}
        records.append(AgentRecord(employee_id, first, last, dates[code], tuple(own), moves))
    return records


# -- what an agent reads of their own history (SPEC §1, issue 12 item 5) -----------------------

#: Steps that are staff business: a termination review is a recommendation to the PM (R-L5).
STAFF_ONLY_STEPS = frozenset({"termination_review"})
#: Kinds whose note is written to the agent: a certifier's coaching on a call (R-C6), the
#: expectation set when a step was delivered (it is printed on the CAP they sign), and their
#: own self-report. A `note` is the agent's only when written to them; every other note (task
#: statuses, attendance, employment, equipment, moves, exams) is a staff remark.
KINDS_WRITTEN_TO_AGENT = frozenset({"call", "action", "self_report"})


def note_is_for_agent(fact) -> bool:
    """Whether the agent may read `fact`'s note."""
    return fact.to_agent if fact.kind == "note" else fact.kind in KINDS_WRITTEN_TO_AGENT


def facts_for_agent(facts, *, today: date) -> list:
    """The agent's own view of their facts: red flags (raised or resolved, with their
    details), termination reviews and anything dated after `today` (a step delivered ahead
    is not delivered yet) left out, and every note not written to the agent emptied — on
    copies, the rows stay as they are."""
    shown = []
    for fact in facts:
        if fact.kind == "flag" or (fact.kind == "action" and fact.item in STAFF_ONLY_STEPS):
            continue
        if fact.date > today:
            continue
        if fact.note and not note_is_for_agent(fact):
            fact = copy.copy(fact)
            fact.note = ""
        shown.append(fact)
    return shown
