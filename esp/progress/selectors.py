"""The selector layer: the database read once per need, handed to the pure rules.

`agent_records` turns agents and their facts into `AgentRecord`s with a fixed number of
queries, whatever the number of agents. Agents who cannot appear in the as-of reports
(employment ended, or transferred to production) are left out in SQL when asked.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from datetime import date

from django.db import connection
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Collate, FirstValue
from django.http import Http404

from esp.access import scopes
from esp.lib.collation import sorts_bytewise
from esp.lib.request_memo import once
from esp.mailing.models import DistributionList
from esp.programs.models import Program, TbtCourse
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.selectors import class_dates
from esp.rules.board import ENDED
from esp.rules.records import SATISFYING, AgentRecord, Fact
from esp.rules.report_lines import FACT_KINDS, Line

from .checks import Vocabulary
from .line_reads import LINE_FIELDS, lines_from_rows
from .models import Fact as FactRow
from .models import Proof, ReportLine

__all__ = ["ENDED", "STAFF_ONLY_STEPS", "agent_records", "agents_in_scope"]


def _latest_in(kind: str, item: str, as_of: date, values, agent_ids=None) -> QuerySet:
    """The ids of the agents whose latest `kind item` fact dated on or before D has one of
    `values` (latest: by date, then by entry order), among `agent_ids` when it is a list or
    a query of a class's agents (`agents_in_scope`).

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
    facts = FactRow.objects.filter(kind=kind, item=item, date__lte=as_of)
    if agent_ids is not None:  # a TL's hundred agents, a class's: not the season's facts
        facts = facts.filter(agent_id__in=agent_ids)
    return facts.annotate(latest=latest).filter(latest__in=values).values("agent_id")


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
    if isinstance(agent_ids, list):  # by their ids first, then their class's program
        agents = Agent.objects.filter(pk__in=agent_ids, training_class__program=program)
    else:
        # by the program's class ids: a join on the program made SQLite walk every class
        agents = Agent.objects.filter(
            training_class__in=TrainingClass.objects.filter(program=program).values("pk")
        )
        if agent_ids is not None:
            agents = agents.filter(pk__in=agent_ids)
    members = None
    if class_code:  # its own agents and those moved in: one union, which the planners
        # count well (an OR of the two made PostgreSQL expect half the season)
        members = (
            Agent.objects.filter(training_class__code=class_code)
            .order_by()
            .values("pk")
            .union(
                FactRow.objects.filter(kind="move", item=class_code).order_by().values("agent_id")
            )
        )
        agents = agents.filter(pk__in=members)
    if in_flight:
        # a class's agents, a list of ids: the windows go through their facts only (a
        # class's readiness page read the season's employment and transfer facts: 28 ms
        # of its 40, issue 14); other agents: the season's facts, read once
        among = members
        if among is None and isinstance(agent_ids, list):
            among = agent_ids
        ended = _latest_in("status", "employment", as_of, ENDED, among)
        transferred = _latest_in("task", transfer_task, as_of, SATISFYING, among)
        agents = agents.exclude(pk__in=ended).exclude(pk__in=transferred)
    return agents


def agents_with_facts(
    program: Program, *, kinds, since: date, until: date, item: str | None = None
) -> QuerySet:
    """The ids of the program's agents with a fact of these kinds (and item) dated from
    `since` to `until`, as a subquery."""
    facts = FactRow.objects.filter(
        agent__training_class__program=program, kind__in=kinds, date__gte=since, date__lte=until
    )
    if item is not None:
        facts = facts.filter(item=item)
    return facts.values("agent_id")


def employee_ids_with_facts(program: Program, day: date, *, kinds) -> frozenset[str]:
    """The employee ids of the program's agents with a fact of these kinds dated `day`."""
    return frozenset(
        FactRow.objects.filter(
            agent__training_class__program=program, kind__in=kinds, date=day
        ).values_list("agent__employee_id", flat=True)
    )


# Up to this many agents, their facts are read by the list of their ids (well under the
# query-parameter limits of SQLite, 32,766, and PostgreSQL, 65,535); beyond, by a subquery.
IDS_INLINE_MAX = 5000


def _agent_rows(agents) -> list[tuple]:
    """(pk, employee id, first and last name, class code) of `agents`, by class and id:
    sorted here, not in SQL (an ORDER BY on the class code led SQLite to walk every class of
    the program for a PM's thousand agents; Python's order is the reports' anyway)."""
    return sorted(
        agents.order_by().values_list(
            "pk", "employee_id", "first_name", "last_name", "training_class__code"
        ),
        key=lambda row: (row[4], row[1]),
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
    rows = _agent_rows(agents)
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


# -- what the progress pages read (views and forms call these, STYLE: selectors) --------------


def class_phases_today(classes: QuerySet[TrainingClass], today: date) -> dict[str, tuple]:
    """Each class's phase in force today: {code: (phase name, its start)}."""
    phases = {}
    for code, name, start in (
        ClassPhase.objects.filter(training_class__in=classes, start_date__lte=today)
        .order_by("training_class", "phase__order")
        .values_list("training_class__code", "phase__name", "start_date")
    ):
        phases[code] = (name, start)
    return phases


def classes_by_start(
    classes: QuerySet[TrainingClass], page: int = 1, per_page: int | None = None
) -> tuple[list[TrainingClass], int, int]:
    """One page of `classes`, the latest start first (all when `per_page` is None): the
    classes, the page (clamped to 1..pages) and how many pages (issue 14: a season has
    1,666 classes)."""
    ordered = classes.order_by("-start_date", "code")
    if per_page is None:
        return list(ordered), 1, 1
    pages = max(1, -(-ordered.count() // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    return list(ordered[start : start + per_page]), page, pages


def certifier_agents(user) -> QuerySet[Agent]:
    """The agents assigned to the certifier `user` among those they see (R-C2)."""
    return scopes.visible_agents(user).filter(certifier_assignments__certifier=user)


def task_keys(program: Program) -> list[str]:
    return [task.key for task in program.task_rows()]


def has_task(program: Program, key: str) -> bool:
    return program.tasks.filter(key=key).exists()


def proof_tasks(program: Program) -> frozenset[str]:
    """The tasks done only through an accepted proof (issue 12 item 4): the pages offer no
    direct "Done" for them."""
    return frozenset(task.key for task in program.task_rows() if task.needs_proof)


def agent_proofs(agent: Agent) -> list[Proof]:
    return list(agent.proofs.select_related("submitted_by", "reviewed_by"))


def tbt_courses() -> list[tuple[str, str]]:
    """Every TBT course as (number, name), in order (read once per page that opted in:
    the agent page's proofs and the menu's tracking forms ask)."""
    return list(
        once(
            ("tbt_courses",),
            lambda: tuple(
                TbtCourse.objects.order_by("order", "number").values_list("number", "name")
            ),
        )
    )


def proof_items(agent: Agent) -> list[tuple[str, str]]:
    """What a proof may be uploaded for: the tasks done by a proof or marked by hand (not the
    transfer), each TBT course, and the search-by-course screenshot."""
    program = agent.training_class.program
    items = [
        (t.key, t.name)
        for t in program.task_rows()
        if t.needs_proof or t.completion == "marked" and not t.is_transfer
    ]
    items += [(f"tbt:{n}", f"TBT {n} {name}") for n, name in tbt_courses()]
    items.append(("searched_by_course", "Searched by course number (screenshot)"))
    return items


def get_proof_for_user(user, pk: int) -> Proof:
    """A proof of an agent `user` sees (404 otherwise)."""
    proof = Proof.objects.select_related("agent").filter(pk=pk).first()
    if proof is None or not scopes.sees_agent(user, proof.agent):
        raise Http404("no such proof")
    return proof


def submitted_proofs(user) -> QuerySet[Proof]:
    """The submitted proofs of the agents `user` sees, oldest first (R-B2)."""
    return (
        Proof.objects.filter(status=Proof.SUBMITTED, agent__in=scopes.visible_agents(user))
        .select_related("agent", "submitted_by")
        .order_by("submitted_at")
    )


def agent_suggestions(agents: QuerySet[Agent], limit: int = 300) -> list[tuple[str, str, str]]:
    """The agents a tracking form suggests: the latest classes first."""
    return list(
        agents.order_by("-training_class__start_date", "employee_id").values_list(
            "employee_id", "first_name", "last_name"
        )[:limit]
    )


def latest_fact(
    agent: Agent, kind: str, item: str | None = None, *, value: str | None = None
) -> FactRow | None:
    """The agent's latest `kind` fact (of `item`, with `value`), by date then entry order."""
    facts = FactRow.objects.filter(agent=agent, kind=kind)
    if item is not None:
        facts = facts.filter(item=item)
    if value is not None:
        facts = facts.filter(value=value)
    return facts.order_by("-date", "-pk").first()


def agent_history(agent: Agent) -> list[FactRow]:
    """Every fact of the agent, any date, in order, with its proof: the agent page's one
    read of them (issue 14), which its parts split by date and kind. The page names a
    fact's author from `by` (`_name_authors`), so the account that recorded it is not read
    (a user row per fact)."""
    return list(FactRow.objects.filter(agent=agent).select_related("proof").order_by("date", "pk"))


def board_agents(employee_ids) -> dict[str, Agent]:
    return {
        a.employee_id: a
        for a in Agent.objects.filter(employee_id__in=list(employee_ids)).select_related(
            "site", "tl"
        )
    }


def task_names(program: Program) -> dict[str, str]:
    return {task.key: task.name for task in program.task_rows()}


def ordered_tasks(program: Program) -> list:
    return list(program.task_rows())


def vocabulary_of(program: Program) -> Vocabulary:
    """What the program's facts may name (esp.progress.checks)."""
    return Vocabulary(
        tasks=frozenset(program.tasks.values_list("key", flat=True)),
        courses=frozenset(program.tbt_courses.values_list("number", flat=True)),
        ladders=frozenset(program.ladders.values_list("key", flat=True)),
        steps=frozenset(program.ladders.values_list("steps__key", flat=True)) - {None},
        occurrences=frozenset(program.occurrence_kinds.values_list("key", flat=True)),
        calls=program.calls_per_agent,
    )


# -- the tracker export ------------------------------------------------------------------------


def occurrence_labels(program: Program) -> dict[str, str]:
    return dict(program.occurrence_kinds.values_list("key", "label"))


def facts_by_agent(agent_ids, as_of: date) -> dict[int, list[FactRow]]:
    """The facts of the agents `agent_ids` dated on or before `as_of`, per agent, in order."""
    facts: dict[int, list[FactRow]] = defaultdict(list)
    rows = FactRow.objects.filter(agent_id__in=list(agent_ids), date__lte=as_of)
    for fact in rows.order_by("date", "pk"):
        facts[fact.agent_id].append(fact)
    return facts


def searched_by_course(agent_ids) -> set[int]:
    """The agents among `agent_ids` whose search-by-course screenshot was accepted."""
    return set(
        Proof.objects.filter(
            agent_id__in=list(agent_ids), item="searched_by_course", status=Proof.ACCEPTED
        ).values_list("agent_id", flat=True)
    )


def phase_start_days(training_class: TrainingClass) -> dict[str, date]:
    """The class's phase starts: {phase key: start}."""
    return {p.phase.key: p.start_date for p in training_class.phase_starts.all()}


def agent_among(agents: QuerySet[Agent], employee_id: str) -> Agent | None:
    """The agent `employee_id` among `agents` (a form's choice), with their program."""
    return agents.filter(employee_id=employee_id).select_related("training_class__program").first()


# -- the immediate notifications (esp.progress.notifications) ---------------------------------


def list_addresses(key: str) -> list[str]:
    """The addresses of distribution list `key` (none when it does not exist)."""
    found = DistributionList.objects.filter(key=key).prefetch_related("members").first()
    return found.addresses if found else []


def class_pm_emails(agent: Agent) -> list[str]:
    return list(agent.training_class.pms.values_list("email", flat=True))


def class_tl_emails(agent: Agent) -> list[str]:
    return list(agent.training_class.tls.values_list("email", flat=True))


def agents_to_notify(agent_ids) -> dict[int, Agent]:
    return {
        a.pk: a
        for a in Agent.objects.filter(pk__in=list(agent_ids)).select_related(
            "training_class__program", "tl", "pm"
        )
    }


def recent_flags_and_exams(agent_ids, since: date, today: date) -> QuerySet[FactRow]:
    return FactRow.objects.filter(
        agent_id__in=agent_ids, date__gte=since, date__lte=today, kind__in=("flag", "exam")
    ).order_by("date", "pk")


def failed_attempt_number(fact: FactRow) -> int:
    """Which failed attempt of its exam `fact` is (1 for the first), in date then entry
    order."""
    fails = FactRow.objects.filter(agent=fact.agent_id, kind="exam", item=fact.item, value="failed")
    return (
        fails.filter(date__lt=fact.date).count()
        + fails.filter(date=fact.date, pk__lte=fact.pk).count()
    )


def exam_attempts(agent: Agent, exam: str, day: date) -> list[FactRow]:
    """The agent's attempts at `exam` up to `day`, in (date, entry) order."""
    return list(
        FactRow.objects.filter(agent=agent, kind="exam", item=exam, date__lte=day).order_by(
            "date", "pk"
        )
    )


def class_moved_to(agent: Agent, day: date) -> str | None:
    """The class of the agent's latest move dated on or before `day` (None: never moved)."""
    return (
        FactRow.objects.filter(agent=agent, kind="move", date__lte=day)
        .order_by("-date", "-pk")
        .values_list("item", flat=True)
        .first()
    )


# -- the read model of the reports (issue 14) -----------------------------------------------


def agent_ids_by_employee(program: Program, employee_ids=None) -> dict[str, int]:
    agents = Agent.objects.filter(training_class__program=program)
    if employee_ids is not None:
        agents = agents.filter(employee_id__in=list(employee_ids))
    return dict(agents.values_list("employee_id", "pk"))


# -- the read model (issue 14): report lines per as-of day, paged in SQL --------------------

ORDER = ("section_order", "class_code", "employee_id", "ladder", "due_on", "position")


TEXT_COLUMNS = frozenset(
    {
        *("class_code", "employee_id", "ladder", "due_on", "section", "step"),
        *("agent__first_name", "agent__last_name"),
    }
)


def in_order(lines: QuerySet, *order) -> QuerySet:
    """`lines` ordered by `order` (names, "-name" descending, or expressions); PostgreSQL
    compares the text columns bytewise as Python does (the database's collation may not)."""
    if connection.vendor != "postgresql" or sorts_bytewise():
        return lines.order_by(*order)
    keys = []
    for key in order:
        name = key.lstrip("-") if isinstance(key, str) else None
        if name in TEXT_COLUMNS:
            collated = Collate(name, "C")
            key = collated.desc() if key.startswith("-") else collated
        keys.append(key)
    return lines.order_by(*keys)


def _ordered(lines: QuerySet) -> QuerySet:
    """The lines in `Line.sort_key` order."""
    return in_order(lines, *ORDER)


def line_rows(
    program: Program,
    as_of: date,
    report: str,
    *,
    class_code: str | None = None,
    section: str | None = None,
    visible=None,
    hidden_steps=(),
) -> QuerySet:
    """The lines of one built report as of D, narrowed in SQL: to one class as of D, one
    section, the agents of `visible` (a query of agents, used as a subquery, or a one-column
    subquery of their ids, esp.lib.sqlids.ids_table), without `hidden_steps`."""
    lines = ReportLine.objects.filter(program=program, as_of=as_of, report=report)
    if class_code:
        lines = lines.filter(class_code=class_code)
    if section:
        lines = lines.filter(section=section)
    if visible is not None:
        lines = lines.filter(
            agent__in=visible.values("pk") if hasattr(visible, "values") else visible
        )
    if hidden_steps:
        lines = lines.exclude(step__in=list(hidden_steps))
    return lines


def lines_of(rows: QuerySet, start: int = 0, stop: int | None = None) -> list[Line]:
    """The rows as the rules' lines, in order (`start:stop` of them)."""
    ordered = _ordered(rows).values_list(*LINE_FIELDS)
    return lines_from_rows(list(ordered[start:stop] if stop is not None else ordered))


def built_lines(program: Program, as_of: date, report: str, *, class_code=None) -> list[Line]:
    """Every line of one built report as of D (of one class when given), in order: what
    `esp report`, a CSV or a mail reads whole. `lines_of(line_rows(...))` in a query written
    out: the ORM spent 0.3 ms building it, as long as reading a small report's lines (issue
    14: `esp report` within 2× of a hand-written query)."""
    quote = connection.ops.quote_name
    bytewise = connection.vendor != "postgresql" or sorts_bytewise()
    order = ", ".join(
        quote(name) if bytewise or name not in TEXT_COLUMNS else f'{quote(name)} COLLATE "C"'
        for name in ORDER
    )
    where = "program_id = %s AND as_of = %s AND report = %s"
    params = [program.pk, connection.ops.adapt_datefield_value(as_of), report]
    if class_code:
        where, params = f"{where} AND class_code = %s", [*params, class_code]
    sql = (
        f"SELECT {', '.join(quote(name) for name in LINE_FIELDS)} "
        f"FROM {quote(ReportLine._meta.db_table)} WHERE {where} ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return lines_from_rows(cursor.fetchall())


def section_totals(rows: QuerySet) -> dict[str, int]:
    """Lines per section (the sectionless reports: under "")."""
    return dict(rows.order_by().values_list("section").annotate(n=Count("pk")))


def class_sizes(rows: QuerySet) -> dict[str, int]:
    """Lines per class as of D (the extensions: agents needing one, whoever reads)."""
    return dict(rows.order_by().values_list("class_code").annotate(n=Count("pk")))
