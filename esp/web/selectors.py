"""The shell's reads (Today, SPEC §1): each a fixed number of queries, whatever the number of
agents. The sections (esp.web.sections) call these and the other apps' selectors, then the
pure rules; nothing else in esp.web touches the ORM."""

from __future__ import annotations

import json
from datetime import date
from functools import cached_property

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Rank, RowNumber

from esp.access import scopes
from esp.callqueue.models import CertifierConnection
from esp.lib import compiled
from esp.lib.collation import sorts_bytewise
from esp.lib.sqlids import ids_table
from esp.mailing.models import OutboxMessage
from esp.programs.models import Program
from esp.progress.models import CarrierTicket, Fact, Proof, ReportLine
from esp.progress.selectors import IDS_INLINE_MAX, agent_records, in_order
from esp.roster.models import Agent, ClassPhase
from esp.rules.records import AgentRecord, Policy
from esp.rules.report_lines import KINDS, TODAY
from esp.tbt.models import TbtAccess
from esp.upkeep.models import GapReport


class AgentIds(list):
    """A page's agent pks (`seen_agents`), with their one-parameter table (`ids_table`) made
    once for the dozen queries of the page that filter by them, not in each (issue 14)."""

    @cached_property
    def table(self):
        return ids_table(self)


def seen_agents(user):
    """The pks of the agents `user` sees, read once for the page (None: every agent, the ESP
    Manager's). The scope is a subquery with a correlated move lookup per agent: evaluated
    once here, not again inside each section's query. Beyond `IDS_INLINE_MAX` agents, the
    subquery itself (lists that long are slower to bind than to recompute)."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return None
    pks = scopes.visible_agent_pks(user, IDS_INLINE_MAX)
    if pks is None:
        return scopes.visible_agents(user).order_by().values("pk")
    return AgentIds(pks)


def bound_agents(seen) -> compiled.Bound | None:
    """A page's agents (`seen_agents`: a list of ids) in the key of a compiled read of lines
    (esp.web.sections.sources.lines_key): their one parameter, bound again on each run, and
    how `report_lines` reads them (agent by agent up to SEEK_MAX, or not) as its shape. None
    for every agent, a subquery or no agent."""
    if not isinstance(seen, AgentIds) or not seen:
        return None
    (ids,) = seen.table.params
    return compiled.Bound(("agents", len(seen) <= SEEK_MAX), ids)


def of_some(key: tuple | None) -> bool:
    """A read of some agents' lines (built each time, or compiled with their ids bound), not
    every agent's: the plans differ."""
    return key is None or any(isinstance(part, compiled.Bound) for part in key)


def _among(seen):
    """`seen_agents(...)` (not None) for a `__in` filter: a list as one parameter."""
    if isinstance(seen, AgentIds) and seen:
        return seen.table
    return ids_table(seen) if isinstance(seen, list) and seen else seen


def ids_among(seen):
    """`seen_agents(...)` for an `agent__in=` filter: the ids (one parameter), or the scope's
    subquery; None for every agent. A filter by them, not through a subquery of the agents
    (`agents_among`): a join less for the database to plan (issue 14)."""
    return None if seen is None else _among(seen)


def agents_among(seen):
    """The agents of `seen_agents(...)` as a queryset."""
    return Agent.objects.all() if seen is None else Agent.objects.filter(pk__in=_among(seen))


def in_flight_records(seen, program: Program, policy: Policy, as_of: date) -> list[AgentRecord]:
    """The records of the active, not yet transferred agents among `seen`."""
    return agent_records(
        program,
        as_of,
        in_flight=True,
        agent_ids=seen,
        transfer_task=policy.transfer_task,
        kinds=KINDS[TODAY],  # what the Today lines read of each agent in flight
    )


def proofs_waiting(seen) -> dict[str, int]:
    """The submitted proofs of the agents among `seen`, counted per item (what they prove:
    a task, a TBT course), so that the page counts those the user may decide. Every agent's
    (`seen` None): compiled once (esp.lib.compiled)."""

    def per_item(proofs):
        return proofs.order_by().values_list("item").annotate(n=Count("pk"))

    proofs = Proof.objects.filter(status=Proof.SUBMITTED)
    if seen is None:
        return dict(compiled.rows(("web.proofs_waiting",), lambda: per_item(proofs)))
    return dict(per_item(proofs.filter(agent__in=ids_among(seen))))


def connections_open() -> bool:
    """Whether any certifier connection is open: one row asked, a query compiled once per
    process (esp.lib.compiled). When none is (most of a day, every night), Today does not
    build the running connections' query (3 ms) to find none over the clock (issue 14)."""
    return bool(compiled.rows(("web.connections_open",), _open_connection))


def _open_connection() -> QuerySet:
    return CertifierConnection.objects.filter(closed_at__isnull=True).values_list("pk")[:1]


def tickets_recorded(user, day: date) -> int:
    """The carrier tickets `user` recorded on the day (R-N5)."""
    return CarrierTicket.objects.filter(date=day, recorded_by=user).count()


def sends_to_decide():
    """The report sends that failed or may have failed: the ESP Manager decides (R-N2)."""
    return OutboxMessage.objects.filter(
        status__in=[OutboxMessage.FAILED, OutboxMessage.UNCERTAIN]
    ).order_by("created_at")


def attendance_on(day: date):
    """The day's attendance occurrences of every agent (WFM, SPEC §1)."""
    return (
        Fact.objects.filter(kind="attendance", date=day)
        .select_related("agent")
        .order_by("agent__last_name")
    )


# -- the read model's lines (issue 14): Today's lists are counted and cut in SQL ------------

#: Corrective actions: the overdue first (then by due day).
OVERDUE_FIRST = Case(
    When(state="overdue", then=Value(0)), default=Value(1), output_field=IntegerField()
)


def report_lines(
    program: Program, as_of: date, report: str, seen, *, section: str | None = None
) -> QuerySet:
    """The built lines of `report` as of the day for the agents among `seen`."""
    lines = ReportLine.objects.filter(program=program, as_of=as_of, report=report)
    if section is not None:
        lines = lines.filter(section=section)
    if seen is None:
        return lines
    if isinstance(seen, list) and not seen:
        return lines.none()  # no agent: no query, nor its building
    few = isinstance(seen, list) and len(seen) <= SEEK_MAX
    agent = F("agent_id") if few else scanned("agent_id")
    return lines.alias(seen_agent=agent).filter(seen_agent__in=_among(seen))


#: Up to this many agents, their lines are looked up agent by agent (a TL's 169: 0.4 ms for
#: the agents without a self-report, against 1.4 going through the section's 2,658 lines);
#: beyond, the list's lines are gone through, keeping the agents' (`scanned`).
SEEK_MAX = 300


def scanned(column: str):
    """`column` in a filter or an order that must not choose the plan (`+column`, which
    both databases read as "no index for this term"). SQLite takes a list of ids (json_each)
    for about 25 rows: by the agents seen, it read a Cert Coordinator's 1,391 agents one by
    one, then their lines (8 to 15 ms a list), where going through the list's lines
    (report_line_pick) and keeping the agents' takes 1 to 2. Both walked a whole report in
    report_line_order to sort a section's few lines without sorting (sources._in_section)."""
    return Func(F(column), template="+%(expressions)s", output_field=IntegerField())


def other_than(column: str, value: str) -> Q:
    """`column` is not `value`, written as two ranges (below it, above it) so that an index
    on the column reads only the other lines: `NOT column = value` makes both databases read
    every line and drop the value's (the ESP Manager's Call Cert list: 14,415 passed lines
    read to keep 497, twice, for the rows and for the count). The same lines: the column is
    never NULL, and "not equal" is "below or above" in any order."""
    return Q(**{f"{column}__lt": value}) | Q(**{f"{column}__gt": value})


def first_lines(lines, order, first: int | None, *, key: tuple | None = None):
    """The first `first` of `lines` in `order` (all: None), each its payload with the agent's
    employee id, class as of the day and name, and how many `lines` there are in all: one
    query (issue 14, `_ranked_sql`). With a `key` naming the lines and the order (the
    program, the day, the list, and a user's agents as a `compiled.Bound`:
    esp.web.sections.sources.lines_key), `lines` is a function making them, called the first
    time only: the query is built and compiled once per process and only run after
    (esp.lib.compiled; `key=None`: `lines` the queryset itself).

    The first are picked by a subquery sorting to the first `first` only, and all counted by
    another (`_first_counted`), on SQLite and for every agent's lines on PostgreSQL: those
    are counted from the index alone (the ESP Manager's 1,043 actions: 2.0 → 1.2 ms). A
    user's agents' lines on PostgreSQL are numbered and counted by windows (`_ranked_sql`),
    the agents' ids read once."""
    if key is None and lines.query.is_empty():  # no agent seen: not even the query's building
        return [], 0
    if first is None:
        rows = _rows(key, "all", lambda: in_order(_made(lines), *order).values_list(*SHOWN))
        items = [_item(*row) for row in rows]
        return items, len(items)
    if connection.vendor == "postgresql" and of_some(key):
        rows = _sql_rows(key, ("ranked", first), lambda: _ranked_sql(_made(lines), order, first))
    else:
        rows = _rows(key, ("first", first), lambda: _first_counted(_made(lines), order, first))
    items, total = [], 0
    for *shown, total in rows:  # noqa: B007 - the count: on each row
        items.append(_item(*shown))
    return items, total


def first_kept(key: tuple, items, first: int | None) -> tuple[list, int]:
    """The first `first` model instances of the queryset `items()` (all: None) and how many
    in all, counted only when the first fill the list; built and compiled once for `key`
    (esp.lib.compiled, web.sections.preview.preview_kept)."""
    shown = compiled.objects(
        ("web.first", *key, first), lambda: items() if first is None else items()[:first]
    )
    if first is None or len(shown) < first:  # then they are all: no count to ask
        return shown, len(shown)
    return shown, compiled.count(("web.first", *key), items)


def _made(lines) -> QuerySet:
    """`lines`, or the queryset the function `lines` makes (a keyed read's)."""
    return lines if isinstance(lines, QuerySet) else lines()


def _rows(key: tuple | None, how, build) -> list[tuple]:
    """The rows of the `values_list` queryset `build()`: compiled once for `key`, or built
    now when there is none."""
    if key is None:
        return list(build())
    return compiled.rows(("web.lines", how, *key), build)


def _sql_rows(key: tuple | None, how, build) -> list[tuple]:
    """The rows of the statement `build()`: kept for `key`, or written now when none."""
    if key is None:
        sql, params = build()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    return compiled.statement_rows(("web.lines", how, *key), build)


def _first_counted(lines: QuerySet, order, first: int) -> QuerySet:
    """SQLite's `first_lines`: the first `first` picked by a subquery, with the count of all."""
    shown = lines.model.objects.filter(pk__in=in_order(lines, *order).values("pk")[:first])
    counted = lines.order_by().values(n=Func("pk", function="COUNT"))
    return (
        in_order(shown, *order)
        .values_list(*SHOWN)
        .annotate(total=Subquery(counted, output_field=IntegerField()))
    )


#: What a Today list shows of each line: its payload, the agent's employee id, class as of
#: the day and name.
SHOWN = ("payload", "employee_id", "class_code", "agent__first_name", "agent__last_name")


def _item(payload: str, employee_id: str, code: str, first_name: str, last_name: str) -> dict:
    return {
        "employee_id": employee_id,
        "class_code": code,
        "name": f"{first_name} {last_name}",
    } | json.loads(payload)


def _ranked_sql(lines: QuerySet, order, first: int, *, column: str = "", values: int = 1):
    """The statement (SQL, parameters) reading the SHOWN columns of the first `first` of
    `lines` in `order`, in that order, each with how many lines there are in all; of each
    value of `column` when given (at most `values` of them), each row then led by the value,
    and the count the value's.

    The lines are numbered in `order` and counted by windows over their sort columns only,
    read once; the payloads and names of the first ones only are then read, in a statement
    written out around the numbered lines. A subquery picking the first and another counting
    them all read and hashed the lines and the page's agent ids twice (PostgreSQL: 0.4 ms a
    time for a Cert Coordinator's 1,391 agents), and the ORM took twice as long to build
    them (issue 14). (A count beside each row of the whole list was slow when it held the
    payloads too, 6 ms instead of 1.5 for the ESP Manager's 2,550 agents not self-reported:
    here it is only beside the sort columns.) The LIMIT tells the planner that a few lines
    are read: without it PostgreSQL guessed half the list, and hashed every line of the day
    to join them. PostgreSQL only: SQLite's windows sorted the whole list where its subquery
    sorts to the first `first` (a Cert Coordinator's actions: 2.3 ms more)."""
    keys = list(in_order(lines, *order).query.order_by)  # collated as in_order does
    per = {"partition_by": [F(column)]} if column else {}
    ranked = (
        lines.annotate(
            row=Window(RowNumber(), order_by=keys, **per), total=Window(Count("pk"), **per)
        )
        .filter(row__lte=first)
        .values_list("pk", "row", "total", *([column] if column else []))
    )
    inner, params = ranked.query.sql_with_params()
    quote = connection.ops.quote_name
    line, agent = quote(ReportLine._meta.db_table), quote(Agent._meta.db_table)
    value = f"picked.{quote(column)}, " if column else ""
    sql = (
        f'SELECT {value}l."payload", l."employee_id", l."class_code", a."first_name", '
        f'a."last_name", picked."total" FROM ({inner} ORDER BY "row" LIMIT %s) picked '
        f'JOIN {line} l ON l."id" = picked."pk" JOIN {agent} a ON a."id" = l."agent_id" '
        f'ORDER BY {value}picked."row"'
    )
    return sql, (*params, first * values)


#: By class, then by name (the agents not self-reported): the one list sorted by the agents'
#: names, which the lines do not hold.
BY_CLASS_THEN_NAME = ("class_code", "agent__first_name", "agent__last_name", "employee_id")


def first_lines_by_class(
    lines, first: int | None, *, key: tuple | None = None, in_class_order=None
) -> tuple[list[dict], int]:
    """`first_lines(lines, BY_CLASS_THEN_NAME, first)`, the names read for the first classes'
    lines only. Every agent's lines (a `key`) given `in_class_order` (a function making them
    where an index holds them in class order): the first classes are read from that index
    (`_by_class_edge`). A user's agents' lines on PostgreSQL: the first `first` lines by
    class then name are among those whose class ranks within the first `first` by class
    alone (RANK: fewer than `first` lines before the class's), which the lines tell without
    the agents; only those are
    joined to their agents' names and numbered. Numbering every line by name made
    PostgreSQL read and hash the names of all 20,000 agents to sort a Cert Coordinator's
    1,336 (issue 14: 4.5 ms; 2.5 this way). The names are looked up per line kept (a
    LATERAL subquery, not flattened: OFFSET 0): PostgreSQL guessed a thousand lines where
    the ESP Manager's are 20 and hashed all 20,000 agents for them (5.1 → 2.9 ms). SQLite
    looks each agent up by id already.
    `key`: as `first_lines`'s."""
    if not of_some(key) and in_class_order is not None and first is not None:
        edge = lambda: _by_class_edge(lines, in_class_order, first)  # noqa: E731
        rows = _rows(key, ("by-class-edge", first), edge)
        return [_item(*row[:5]) for row in rows], rows[0][5] if rows else 0
    if (
        connection.vendor != "postgresql"
        or first is None
        or (key is None and lines.query.is_empty())
    ):
        return first_lines(lines, BY_CLASS_THEN_NAME, first, key=key)
    rows = _sql_rows(key, ("by-class", first), lambda: _by_class_sql(_made(lines), first))
    return [_item(*row[:5]) for row in rows], rows[0][5] if rows else 0


def _by_class_edge(lines, in_class_order, first: int) -> QuerySet:
    """`first_lines_by_class`'s rows of every agent's lines: the first `first` lines by class
    then name are those of the classes up to the `first`-th line's class (the edge), which
    `in_class_order()` (the same lines, where an index holds them in class order) gives by
    reading `first` entries of that index; only the lines up to the edge are joined to their
    agents' names and sorted (issue 14: the ESP Manager's agents not self-reported, 2.7 →
    1.2 ms on PostgreSQL, 1.4 → 0.3 on SQLite, where every line was read and sorted by class
    to find the first classes). Counted from `lines`, which another index counts alone. For a
    user's agents the index walks every agent's lines to find theirs: slower, not used."""
    code = in_order_key("class_code")  # compared as sorted: collated on PostgreSQL if needed
    firsts = in_class_order().annotate(code=code).order_by("code").values("code")[:first]
    sql, params = firsts.query.sql_with_params()
    edge = RawSQL(f"SELECT MAX(firsts.code) FROM ({sql}) firsts", params)
    counted = (
        _made(lines).order_by().values(n=Func(template="COUNT(*)", output_field=IntegerField()))
    )
    shown = in_class_order().alias(code=code).filter(code__lte=edge)
    return (
        in_order(shown, *BY_CLASS_THEN_NAME)
        .values_list(*SHOWN)
        .annotate(total=Subquery(counted, output_field=IntegerField()))[:first]
    )


def _by_class_sql(lines: QuerySet, first: int) -> tuple[str, tuple]:
    """PostgreSQL's `first_lines_by_class` statement (SQL, parameters)."""
    text = "" if sorts_bytewise() else ' COLLATE "C"'  # Python's order, as in_order gives
    leading = (
        lines.annotate(
            total=Window(Count("pk")), lead=Window(Rank(), order_by=[in_order_key("class_code")])
        )
        .filter(lead__lte=first)
        .values_list("pk", "agent_id", "class_code", "employee_id", "total")
    )
    inner, params = leading.query.sql_with_params()
    quote = connection.ops.quote_name
    line, agent = quote(ReportLine._meta.db_table), quote(Agent._meta.db_table)
    order = ", ".join(
        f"{column}{text}"
        for column in ('lead."class_code"', 'n."first_name"', 'n."last_name"', 'lead."employee_id"')
    )
    sql = (
        'SELECT l."payload", l."employee_id", l."class_code", a."first_name", a."last_name", '
        f'picked."total" FROM (SELECT lead."pk", lead."total", ROW_NUMBER() OVER (ORDER BY '
        f'{order}) AS "row" FROM ({inner}) lead CROSS JOIN LATERAL (SELECT "first_name", '
        f'"last_name" FROM {agent} WHERE "id" = lead."agent_id" OFFSET 0) n '
        f'ORDER BY "row" LIMIT %s) picked JOIN {line} l ON l."id" = picked."pk" '
        f'JOIN {agent} a ON a."id" = l."agent_id" ORDER BY picked."row"'
    )
    return sql, (*params, first)


def in_order_key(column: str):
    """`column` as `in_order` sorts it (collated on PostgreSQL when needed), an expression."""
    key = in_order(ReportLine.objects.none(), column).query.order_by[0]
    return F(key) if isinstance(key, str) else key


def first_lines_per(
    lines, column: str, values: list[str], order, first: int | None, *, key: tuple | None = None
) -> dict[str, tuple[list[dict], int]]:
    """`first_lines` for each of `values` of `column` (the incompletion sections) at once:
    the first `first` of each in `order`, and how many in each (the values without lines
    left out). One query whatever the number of values on PostgreSQL (`_ranked_sql`); two on
    SQLite: the lines ranked per value over their sort columns only (a window), the
    payloads of the first ones read; the counts grouped, from the index alone (issue 14:
    Today's four late sections and the transfers). `key`: as `first_lines`'s (naming the
    values too)."""
    if not values or (key is None and lines.query.is_empty()):
        return {}

    def among():
        return _made(lines).filter(**{f"{column}__in": values})

    if first is not None and connection.vendor == "postgresql":
        found: dict[str, tuple[list[dict], int]] = {}
        rows = _sql_rows(
            key,
            ("ranked-per", column, first),
            lambda: _ranked_sql(among(), order, first, column=column, values=len(values)),
        )
        for value, *shown, total in rows:
            found.setdefault(value, ([], total))[0].append(_item(*shown))
        return found

    def shown():
        picked = among()
        if first is not None:
            keys = in_order(picked, *order).query.order_by  # collated as in_order does
            ranked = picked.annotate(
                row=Window(RowNumber(), partition_by=[F(column)], order_by=list(keys))
            )
            picked = picked.filter(pk__in=ranked.filter(row__lte=first).values("pk"))
        return in_order(picked, column, *order).values_list(column, *SHOWN)

    items: dict[str, list[dict]] = {}
    for value, *row in _rows(key, ("per", column, first), shown):
        items.setdefault(value, []).append(_item(*row))
    if first is None:
        return {value: (found, len(found)) for value, found in items.items()}
    counts = _rows(key, ("counts", column), lambda: counted(among(), column))
    return {value: (items.get(value, []), n) for value, n in counts}


def line_counts(lines: QuerySet, column: str) -> dict[str, int]:
    """How many of `lines` per value of `column` (class, section, a done line's task)."""
    return dict(counted(lines, column))


def counted(rows: QuerySet, *columns: str) -> QuerySet:
    """How many of `rows` per value of `columns`: rows (*values, n). Counted as COUNT(*), so
    that an index holding the filters and `columns` counts them alone (COUNT of the primary
    key reads every row: the funnel's tasks done, 2.0 → 0.9 ms on PostgreSQL)."""
    return rows.order_by().values_list(*columns).annotate(n=Count("*"))


def line_ranks(lines: QuerySet) -> list[tuple[str, int]]:
    """(class, rank) of each of `lines`: the incompletions' ages per class."""
    return list(lines.order_by().values_list("class_code", "rank"))


def escalations_due(lines, as_of: date, *, key: tuple | None = None) -> int:
    """R-B5 (rules.tbt.needs_help_desk_call) over the built escalation lines: the agents
    whose escalation day has come by D and who have no TBT access granted by D. The access
    granted looked up by the line's agent, not through a join on the agents (issue 14: 469
    of them read for a Cert Coordinator's count); NOT EXISTS, which the planner may answer
    from the access's agent index or by one hash, as it finds cheaper. `key`: as
    `first_lines`'s."""

    def due():
        granted = TbtAccess.objects.filter(agent_id=OuterRef("agent_id"), granted_on__lte=as_of)
        return (
            _made(lines)
            .filter(~Exists(granted), due_on__lte=as_of.isoformat())
            .order_by()
            .values_list(Func("pk", function="COUNT"))
        )

    found = _rows(key, ("escalations", as_of), due)
    return found[0][0] if found else 0  # no row: no agent seen (a query Django knew empty)


# -- the ESP Manager's Today, read through esp.lib.compiled (esp.web.manager_selectors) -------


def of_line_agent(column: str) -> Subquery:
    """`column` of a line's agent, looked up by the agent's key for each line: joined,
    PostgreSQL hashed the season's 20,000 agents for the day's 326 extension lines (4 ms,
    against 0.1; issue 14)."""
    return Subquery(Agent.objects.filter(pk=OuterRef("agent_id")).order_by().values(column))


def phases_begun(codes, as_of: date) -> QuerySet:
    """(class code, phase name, start) of the phases of `codes` begun on or before the day,
    the latest of a class last."""
    return (
        ClassPhase.objects.filter(training_class__code__in=codes, start_date__lte=as_of)
        .order_by("training_class__code", "phase__order")
        .values_list("training_class__code", "phase__name", "start_date")
    )


def gap_reports_of(day: date) -> QuerySet:
    return GapReport.objects.filter(day=day)
