"""The read model of the reports (issue 14): each report's lines per as-of day, computed by
the rules (esp.rules.report_lines) and kept current in the transaction of every write.

- `ensure_day` builds a report for a day on first use (today's on the first request of the
  day, a past day picked on a page likewise: the per-day cache of issue 14 item 3), under
  the `report_day_once` constraint so that two requests do not build it twice.
- `refresh` recomputes the lines of some agents for every day already built: a fact saved
  (receivers), an agent changed, the activity import (once per import, for the agents it
  touched).
- `drop` forgets a program's days when what every line depends on changes (its policy,
  calendar, classes or phase dates): the next read builds them again.
- `rebuild` recomputes the days from the facts (`esp rebuild`, after an upgrade or restore).
Days older than WINDOW_DAYS before today are dropped when a day is built.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction

from esp.lib import clock
from esp.lib.dbstats import refresh_planner_statistics
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.roster.models import Agent
from esp.rules import report_lines
from esp.rules.records import AgentRecord
from esp.rules.reports import Context

from .. import hooks
from ..line_reads import report_days
from ..models import ReportDay, ReportLine
from ..selectors import (
    agent_ids_by_employee,
    agent_records,
    built_lines,
)

WINDOW_DAYS = 31
# lines written by one call (a day's build, a refresh) from which the planner is told at once
ANALYZE_AFTER = 1000
BATCH = 2000
# An import touching more agents than this drops the days of their programs (built again on
# the next read) rather than recomputing them inside the import's transaction.
REFRESH_MAX = 5000


def _plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    return str(value)


def settings_digest(ctx: Context) -> str:
    """A digest of the policy and calendar the rules read, and of the rules' version (the
    same settings and rules, the same digest)."""
    return _digest(ctx.policy, ctx.calendar)


@lru_cache(maxsize=32)
def _digest(policy, calendar) -> str:  # frozen dataclasses: equal settings, one digest
    data = {
        "rules": report_lines.RULES_VERSION,
        "policy": dataclasses.asdict(policy),
        "calendar": dataclasses.asdict(calendar),
    }
    text = json.dumps(data, default=_plain, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _context(program: Program, as_of: date, base: Context | None = None) -> Context:
    if base is not None:
        return dataclasses.replace(base, as_of=as_of)
    return Context(policy=program.policy(), calendar=calendar_for(program), as_of=as_of)


def _with_parts(program, ctx: Context, records, kinds, agent_pks=None) -> tuple[Context, list]:
    """The context and records completed with what the apps above progress add (hooks:
    esp.pace's pace table and grid ticks, R-I1b), as of `ctx.as_of`: what the rules read,
    handed to them, never looked up by them. A change to the pace table drops the program's
    days (esp.pace.receivers); a tick refreshes its agent (esp.pace.services)."""
    fields, facts = hooks.read_model_parts(program, ctx.as_of, agent_pks)
    if fields:
        ctx = dataclasses.replace(ctx, **fields)
    if facts:
        wanted = set(kinds)
        records = [_joined(record, facts.get(record.employee_id), wanted) for record in records]
    return ctx, records


def _joined(record: AgentRecord, more, kinds: set[str]) -> AgentRecord:
    more = [fact for fact in more or () if fact.kind in kinds]
    if not more:
        return record
    return dataclasses.replace(record, facts=tuple(sorted((*record.facts, *more))))


def _rows(program: Program, day: ReportDay, lines, agent_pks: dict[str, int]) -> list:
    return [
        ReportLine(
            program=program,
            as_of=day.as_of,
            report=day.report,
            agent_id=agent_pks[line.employee_id],
            employee_id=line.employee_id,
            class_code=line.class_code,
            section=line.section,
            section_order=line.section_order,
            ladder=line.ladder,
            due_on=line.due_on,
            step=line.step,
            position=line.position,
            rank=line.rank,
            state=line.state,
            payload=json.dumps(line.payload, separators=(",", ":")),
        )
        for line in lines
    ]


def _build(program: Program, day: ReportDay, ctx: Context) -> int:
    """Every line of one report for one day, from the facts (the selector's queries)."""
    records = agent_records(
        program,
        day.as_of,
        in_flight=day.report in report_lines.IN_FLIGHT_ONLY,
        transfer_task=ctx.policy.transfer_task,
        kinds=report_lines.KINDS[day.report],
    )
    ctx, records = _with_parts(program, ctx, records, report_lines.KINDS[day.report])
    lines = [line for r in records for line in report_lines.lines_of(day.report, r, ctx)]
    agent_pks = agent_ids_by_employee(program, {line.employee_id for line in lines})
    ReportLine.objects.bulk_create(_rows(program, day, lines, agent_pks), batch_size=BATCH)
    return len(lines)


def _forget(days) -> None:
    for day in days:
        ReportLine.objects.filter(
            program_id=day.program_id, as_of=day.as_of, report=day.report
        ).delete()
        day.delete()


def ensure_day(
    *, program: Program, as_of: date, report: str, now: datetime, ctx: Context | None = None
) -> ReportDay:
    """The day of `report` as of `as_of`, built now if it is not, or if it misses agents or
    was built with other settings. `ctx`: the caller's rules context for that day."""
    return ensure_days(program=program, as_of=as_of, reports=(report,), now=now, ctx=ctx)[0]


def ensure_days(
    *, program: Program, as_of: date, reports, now: datetime, ctx: Context | None = None
) -> list[ReportDay]:
    """`ensure_day` for several reports of one day, their state read at once (a page that
    lists several: the program's agents counted once). Days already built are only read:
    no transaction, so a page does not wait for SQLite's write lock (every transaction takes
    it there: BEGIN IMMEDIATE) while an import holds it; each day to build is built in a
    transaction of its own."""
    ctx = ctx or _context(program, as_of)
    version, found = report_days(program, as_of, reports)
    stamp = (version, settings_digest(ctx))
    days, written = [], 0
    for report in reports:
        day = found.get(report)
        if day is None or (day.agents_version, day.settings) != stamp:
            with transaction.atomic():
                day, lines = _build_day(program, as_of, report, now, ctx, stamp)
            written += lines
        days.append(day)
    if written >= ANALYZE_AFTER:
        learn_lines()
    return days


def learn_lines() -> None:
    """The planner told of the lines just written (a day's build, an import's refresh).

    PostgreSQL plans with the row counts and value spreads its last ANALYZE saw; a day's
    29,000 new lines, unseen until autovacuum came by (minutes later, or never on a quiet
    table), made it pick plans that took the Manager's Today from 126 ms to 563 ms and the
    TL's from 67 to 141 (issue 14). ANALYZE of both tables: ~0.3 s, once per build, not
    per page. SQLite's statistics are ratios a new day does not change: `PRAGMA optimize`
    analyzes only a table it judges unknown or much changed (0.01 ms when none is)."""
    if connection.vendor == "postgresql":
        refresh_planner_statistics(ReportLine, ReportDay)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")


def _build_day(program, as_of, report, now, ctx, stamp) -> tuple[ReportDay, int]:
    """Inside the caller's transaction: the day read again under its lock (another request
    may have built it since the caller looked), then built unless it is current. Returns
    the day and the number of lines written."""
    stale = (
        ReportDay.objects.select_for_update()
        .filter(program=program, as_of=as_of, report=report)
        .first()
    )
    if stale is not None and (stale.agents_version, stale.settings) == stamp:
        return stale, 0
    if stale is not None:
        _forget([stale])
    try:
        with transaction.atomic():
            day = ReportDay.objects.create(
                program=program,
                as_of=as_of,
                report=report,
                built_at=now,
                agents_version=stamp[0],
                settings=stamp[1],
            )
    except IntegrityError:
        # another request (the worker) built it meanwhile, with the figures it read before
        # its build: checked again under its lock like any day found, built again if stale
        return _build_day(program, as_of, report, now, ctx, stamp)
    lines = _build(program, day, ctx)
    oldest = now.date() - timedelta(days=WINDOW_DAYS)
    _forget(ReportDay.objects.filter(as_of__lt=oldest).exclude(pk=day.pk))
    return day, lines


def read_report(
    name: str,
    *,
    program: Program,
    as_of: date,
    now: datetime,
    class_code: str | None = None,
    ctx: Context | None = None,
) -> dict:
    """A whole report as of D (of one class as of D when given) from its built day (built
    now if need be), put together by the rules: what the rules give over the facts."""
    ctx = ctx or _context(program, as_of)
    ensure_day(program=program, as_of=as_of, report=name, now=now, ctx=ctx)
    lines = built_lines(program, as_of, name, class_code=class_code)
    lines.sort(key=report_lines.Line.sort_key)  # Python's order, whatever the collation
    return report_lines.assemble(name, lines, ctx)


def build_today(*, now: datetime) -> int:
    """A worker round's chore: each program's reports of its today built before the first
    page asks (else the first read after midnight builds them: seconds at 20,000 agents).
    One transaction per report, so that writers wait for one report at most; the planner
    is told of the lines once the day is built (`learn_lines`). Returns how many were built
    (0 once the day is built: one query per program per round).

    The worker's round comes every 30 s: a program's day is built in the first minute after
    midnight in the program's time zone (the day its pages ask for), and again within a
    round after an import or a settings change dropped it. A page asking meanwhile waits
    for the report being built (the unique day, its lock) and reads it: no second build."""
    built = 0
    for program in Program.objects.order_by("pk"):
        as_of = now.astimezone(ZoneInfo(program.time_zone)).date()
        ctx = _context(program, as_of)
        days = ensure_days(
            program=program, as_of=as_of, reports=report_lines.BUILT, now=now, ctx=ctx
        )
        built += sum(day.built_at == now for day in days)
    return built


@transaction.atomic
def refresh(*, agent_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute the lines of `agent_ids` for every day built, in the caller's transaction.

    The agents' facts are read once (up to the latest day built) and each day's record is
    cut from them as the selector would give it (report_lines.as_of_record). Returns the
    number of lines written. `now` is unused: kept for the callers' keyword style.
    """
    ids = set(agent_ids)
    if not ids:
        return 0
    programs = Agent.objects.filter(pk__in=ids).values("training_class__program_id")
    if len(ids) > REFRESH_MAX:
        for program_id in set(programs.values_list("training_class__program_id", flat=True)):
            drop(program_id=program_id)
        return 0
    days = list(ReportDay.objects.filter(program_id__in=programs).select_related("program"))
    if not days:
        return 0
    ReportLine.objects.filter(agent_id__in=ids).delete()
    by_program: dict[int, list[ReportDay]] = defaultdict(list)
    for day in days:
        by_program[day.program_id].append(day)
    written = 0
    for program_days in by_program.values():
        program = program_days[0].program
        latest = max(day.as_of for day in program_days)
        records = agent_records(program, latest, kinds=report_lines.ALL_KINDS, agent_ids=ids)
        agent_pks = agent_ids_by_employee(program, [r.employee_id for r in records])
        rows = []
        base = _context(program, latest)
        base, records = _with_parts(program, base, records, report_lines.ALL_KINDS, ids)
        for day in program_days:
            ctx = _context(program, day.as_of, base)
            kinds = report_lines.KINDS[day.report]
            lines = [
                line
                for record in records
                for line in report_lines.lines_of(
                    day.report, report_lines.as_of_record(record, day.as_of, kinds), ctx
                )
            ]
            rows.extend(_rows(program, day, lines, agent_pks))
        ReportLine.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written


@transaction.atomic
def drop(*, program_id: int | None = None) -> None:
    """Forget the built days of a program (every program: None); they are built on next use."""
    lines = ReportLine.objects.all()
    days = ReportDay.objects.all()
    if program_id is not None:
        lines, days = lines.filter(program_id=program_id), days.filter(program_id=program_id)
    lines.delete()
    days.delete()


def rebuild_plan(*, as_of: date | None = None) -> list[tuple[Program, date, str]]:
    """What `esp rebuild` recomputes: every report of `as_of` for every program, or every
    day built (today's when none is)."""
    if as_of is None:
        days = ReportDay.objects.select_related("program").order_by("as_of", "report")
        planned = [(day.program, day.as_of, day.report) for day in days]
        if planned:
            return planned
        as_of = clock.today()
    return [(p, as_of, r) for p in Program.objects.order_by("pk") for r in report_lines.BUILT]


@transaction.atomic
def rebuild_day(*, program: Program, as_of: date, report: str, now: datetime) -> ReportDay:
    """One report of one day recomputed from the facts, in one transaction."""
    _forget(ReportDay.objects.filter(program=program, as_of=as_of, report=report))
    return ensure_day(program=program, as_of=as_of, report=report, now=now)
