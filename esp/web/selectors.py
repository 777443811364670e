"""The shell's reads (Today, SPEC §1): each a fixed number of queries, whatever the number of
agents. The sections (esp.web.sections) call these and the other apps' selectors, then the
pure rules; nothing else in esp.web touches the ORM."""

from __future__ import annotations

import json
from datetime import date
from functools import cached_property

from django.db.models import (
    Case,
    Count,
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
from django.db.models.functions import RowNumber

from esp.access import scopes
from esp.lib.sqlids import ids_table
from esp.mailing.models import OutboxMessage
from esp.programs.models import Program
from esp.progress.models import CarrierTicket, Fact, Proof, ReportLine
from esp.progress.selectors import IDS_INLINE_MAX, agent_records, in_order
from esp.roster.models import Agent, ClassPhase
from esp.rules.records import AgentRecord, Policy
from esp.rules.report_lines import KINDS, TODAY
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


def _among(seen):
    """`seen_agents(...)` (not None) for a `__in` filter: a list as one parameter."""
    if isinstance(seen, AgentIds) and seen:
        return seen.table
    return ids_table(seen) if isinstance(seen, list) and seen else seen


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
    a task, a TBT course), so that the page counts those the user may decide."""
    proofs = Proof.objects.filter(status=Proof.SUBMITTED)
    if seen is not None:
        proofs = proofs.filter(agent__in=agents_among(seen))
    return dict(proofs.order_by().values_list("item").annotate(n=Count("pk")))


def tickets_recorded(user, day: date) -> int:
    """The carrier tickets `user` recorded on the day (R-N5)."""
    return CarrierTicket.objects.filter(date=day, recorded_by=user).count()


def class_phases(codes, as_of: date) -> dict[str, tuple[str, date]]:
    """Class code -> (name, start) of its latest phase begun on or before the day."""
    phases = {}
    for code, name, start in (
        ClassPhase.objects.filter(training_class__code__in=codes, start_date__lte=as_of)
        .order_by("training_class__code", "phase__order")
        .values_list("training_class__code", "phase__name", "start_date")
    ):
        phases[code] = (name, start)
    return phases


def task_names(program: Program) -> dict[str, str]:
    return dict(program.tasks.values_list("key", "name"))


def sends_to_decide():
    """The report sends that failed or may have failed: the ESP Manager decides (R-N2)."""
    return OutboxMessage.objects.filter(
        status__in=[OutboxMessage.FAILED, OutboxMessage.UNCERTAIN]
    ).order_by("created_at")


def gap_reports_sent(day: date) -> int:
    return GapReport.objects.filter(day=day).count()


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


def first_lines(lines: QuerySet, order, first: int | None) -> tuple[list[dict], int]:
    """The first `first` of `lines` in `order` (all: None), each its payload with the agent's
    employee id, class as of the day and name, and how many `lines` there are in all: one
    query (issue 14). The count is a subquery the database runs once, from the index alone
    (report_line_pick); the rows are sorted only to the first `first`. A count over the
    whole list beside each row (a window) made the database read and sort every line and
    its payload: 6 ms instead of 1.5 for the ESP Manager's 2,550 agents not self-reported."""
    if lines.query.is_empty():  # no agent seen: not even the query's building
        return [], 0
    shown = lines
    if first is not None:  # the lines shown picked first: payloads and names read for them
        shown = lines.model.objects.filter(pk__in=in_order(lines, *order).values("pk")[:first])
    rows = in_order(shown, *order).values_list(
        "payload", "employee_id", "class_code", "agent__first_name", "agent__last_name"
    )
    if first is not None:
        counted = lines.order_by().values(n=Func("pk", function="COUNT"))
        rows = rows.annotate(total=Subquery(counted, output_field=IntegerField()))
    items, total = [], 0
    for payload, employee_id, code, first_name, last_name, *counted in rows:
        items.append(
            {"employee_id": employee_id, "class_code": code, "name": f"{first_name} {last_name}"}
            | json.loads(payload)
        )
        total = counted[0] if counted else len(items)
    return items, total


def first_lines_per(
    lines: QuerySet, column: str, order, first: int | None
) -> dict[str, tuple[list[dict], int]]:
    """`first_lines` for each value of `column` (the incompletion sections) at once: the
    first `first` of each in `order`, and how many in each (the values without lines left
    out). Two queries whatever the number of values: the lines ranked per value over their
    sort columns only (a window), the payloads of the first ones read; the counts grouped,
    from the index alone (issue 14: Today's four late sections and the transfers)."""
    if lines.query.is_empty():
        return {}
    shown = lines
    if first is not None:
        keys = in_order(lines, *order).query.order_by  # collated as in_order does
        ranked = lines.annotate(
            row=Window(RowNumber(), partition_by=[F(column)], order_by=list(keys))
        )
        shown = lines.filter(pk__in=ranked.filter(row__lte=first).values("pk"))
    rows = in_order(shown, column, *order).values_list(
        column, "payload", "employee_id", "class_code", "agent__first_name", "agent__last_name"
    )
    items: dict[str, list[dict]] = {}
    for value, payload, employee_id, code, first_name, last_name in rows:
        items.setdefault(value, []).append(
            {"employee_id": employee_id, "class_code": code, "name": f"{first_name} {last_name}"}
            | json.loads(payload)
        )
    if first is None:
        return {value: (found, len(found)) for value, found in items.items()}
    return {value: (items.get(value, []), n) for value, n in line_counts(lines, column).items()}


def line_counts(lines: QuerySet, column: str) -> dict[str, int]:
    """How many of `lines` per value of `column` (class, section, step)."""
    return dict(lines.order_by().values_list(column).annotate(n=Count("pk")))


def line_ranks(lines: QuerySet) -> list[tuple[str, int]]:
    """(class, rank) of each of `lines`: the incompletions' ages per class."""
    return list(lines.order_by().values_list("class_code", "rank"))


def escalations_due(lines: QuerySet, as_of: date) -> int:
    """R-B5 (rules.tbt.needs_help_desk_call) over the built escalation lines: the agents
    whose escalation day has come by D and who have no TBT access granted by D."""
    due = lines.filter(due_on__lte=as_of.isoformat())
    return due.exclude(agent__tbt_access__granted_on__lte=as_of).count()


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
