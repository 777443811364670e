"""The activity file (SPEC §15): importing it (all or nothing, two-phase) and exporting the
history in it. Each imported class move is announced like a move made on a page (R-S2).

The import streams the file (issue 14 item 4): a batch of rows at a time is checked and its
new facts staged in a short transaction; a clean file's staged facts are then copied into the
fact table in one statement. Notifications and move announcements follow once per import."""

from __future__ import annotations

import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import DatabaseError, IntegrityError, connection, transaction

from esp.lib import clock
from esp.lib.csvio import (
    ImportRejected,
    ImportSummary,
    Row,
    RowError,
    RowsDone,
    iter_rows,
    parse_date,
    write_csv,
)
from esp.lib.dbstats import refresh_planner_statistics
from esp.lib.textcheck import limits_of
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.roster.models import Agent, TrainingClass

from ..checks import Vocabulary, check_fact
from ..models import Fact, StagedFact, content_hash
from ..notifications import notify_after_facts
from ..selectors import vocabulary_of
from . import projection, settled
from .facts import NOTIFYING_KINDS, announce_move

COLUMNS = ["date", "employee_id", "kind", "item", "value", "by", "note"]
FACT_LIMITS = limits_of(Fact, kind="kind", item="item", value="value", by="by", note="note")


ANALYZE_AFTER = 10_000
STAGE_BATCH = 2000  # rows read between two staging transactions (and two progress calls)
LOOKUP_CHUNK = 500  # agents per query (their moves, their recent facts)
NOTIFY_CHUNK = 2000  # agents whose notifications are worked out together
COPY_CACHE_KIB = 64 * 1024  # SQLite's page cache while the staged facts are copied
STALE_STAGING_AFTER = timedelta(days=1)
FACT_COLUMNS = (
    "agent_id",
    "date",
    "kind",
    "item",
    "value",
    "by",
    "note",
    "source",
    "recorded_by_id",
    "content_hash",
    "occurrence",
)
STAGE_COLUMNS = ("batch", "staged_at", *FACT_COLUMNS)


@dataclass(frozen=True)
class _Known:
    """What an activity row may name, read once per import: each agent's pk and the
    vocabulary of its program, and the class codes."""

    agents: dict[str, tuple[int, Vocabulary, date]]  # pk, vocabulary, the program's today
    class_codes: set[str]

    @classmethod
    def read(cls) -> _Known:
        programs = list(Program.objects.all())
        vocabularies = {p.pk: vocabulary_of(p) for p in programs}
        todays = {p.pk: clock.today(p.time_zone) for p in programs}
        rows = Agent.objects.values_list("employee_id", "pk", "training_class__program_id")
        return cls(
            agents={eid: (pk, vocabularies[p], todays[p]) for eid, pk, p in rows},
            class_codes=set(TrainingClass.objects.values_list("code", flat=True)),
        )


def _check_row(row: Row, known: _Known) -> tuple[tuple | None, list[RowError]]:
    """One row as (agent_id, date, employee_id, kind, item, value, by, note), or its errors."""
    errors: list[RowError] = []
    day = None
    values = row.values  # every column is required: all there
    try:
        day = parse_date(values["date"])
    except ValueError as exc:
        errors.append(RowError(row.line, "date", str(exc)))
    employee_id, kind, item = values["employee_id"], values["kind"], values["item"]
    value, note = values["value"], values["note"]
    agent = known.agents.get(employee_id)
    if agent is None:
        errors.append(RowError(row.line, "employee_id", f"unknown agent '{employee_id}'"))
    else:
        for column, reason in check_fact(kind, item, value, note, agent[1], known.class_codes):
            errors.append(RowError(row.line, column, reason))
        if kind == "attendance" and day is not None and day > agent[2]:  # issue 15 item 11
            errors.append(RowError(row.line, "date", _not_yet(day, agent[2])))
    if errors:
        return None, errors
    return (agent[0], day, employee_id, kind, item, value, values["by"], note), errors


def _not_yet(day: date, today: date) -> str:
    return (
        f"attendance for {day:%m/%d/%Y}, a day that has not come yet (today is "
        f"{today:%m/%d/%Y}): attendance is recorded on or after the class day"
    )


class _ActivityImport:
    """One import going through the file STAGE_BATCH rows at a time: each batch checked, its
    facts already present (same content, same position among equal rows) skipped, the new
    ones staged in a short transaction of their own. Memory holds one batch, the identities
    seen so far (to number equal rows) and the agents to notify, never the file."""

    def __init__(self, *, dry_run, actor, source_label, progress, now):
        self.dry_run, self.actor, self.source_label = dry_run, actor, source_label
        self.progress, self.now = progress, now
        self.summary = ImportSummary("activity", dry_run=dry_run)
        self.batch = uuid.uuid4().hex
        self.staged_at = connection.ops.adapt_datetimefield_value(clock.now())
        self.read_errors: list[RowError] = []  # the file's (text, fields): reported alone
        self.errors: list[RowError] = []  # the facts'
        self.header_errors: list[RowError] = []  # reported with the facts' (SPEC §15)
        self.seen: set[bytes] = set()
        self.repeats: Counter[bytes] = Counter()
        self.moves: list[tuple[int, date, str]] = []
        self.to_notify: set[int] = set()
        self.agents: set[int] = set()  # with new facts: what is refreshed once per import

    def read(self, source: str | Path) -> None:
        """Every row checked; the new facts staged while the file has no error."""
        known = _Known.read()
        rows = iter_rows(
            source,
            required=COLUMNS,
            limits=FACT_LIMITS,
            errors=self.read_errors,
            header_errors=self.header_errors,
        )
        facts, count = [], 0
        for row in rows:
            fact, problems = _check_row(row, known)
            if fact is None:
                self.errors.extend(problems)
            else:
                facts.append(fact)
            count += 1
            if count == STAGE_BATCH:
                self.take(facts, count)
                facts, count = [], 0
        if count:
            self.take(facts, count)
        if self.read_errors:
            raise ImportRejected(self.header_errors + self.read_errors)
        if self.header_errors or self.errors:
            raise ImportRejected(self.header_errors + self.errors, str(source))

    def take(self, facts: list[tuple], count: int) -> None:
        self.summary.rows += len(facts)
        if not (self.read_errors or self.errors or self.header_errors):  # a bad file is only
            # read on, for its errors
            new = self.new_of(facts)
            self.summary.created += len(new)
            self.summary.unchanged += len(facts) - len(new)
            if new and not self.dry_run:
                _stage(new)
        if self.progress:
            self.progress(count)

    def new_of(self, facts: list[tuple]) -> list[tuple]:
        """The batch's facts not present yet, as staged rows (STAGE_COLUMNS)."""
        numbered = []
        for fact in facts:
            agent_id, day, employee_id, kind, item, value, by, note = fact
            identity = content_hash(day.isoformat(), employee_id, kind, item, value, by, note)
            key = bytes.fromhex(identity[:32])  # 16 bytes where the hex text takes 113
            if key in self.seen:
                self.repeats[key] += 1
                numbered.append((fact, identity, self.repeats[key]))
            else:
                self.seen.add(key)
                numbered.append((fact, identity, 0))
        present = _present({identity for _, identity, _ in numbered})
        adapt_date = connection.ops.adapt_datefield_value
        new = []
        for fact, identity, occurrence in numbered:
            if (identity, occurrence) in present:
                continue
            agent_id, day, _, kind, item, value, by, note = fact
            new.append(
                (self.batch, self.staged_at, agent_id, adapt_date(day), kind, item, value, by)
                + (note, self.source_label, getattr(self.actor, "pk", None), identity, occurrence)
            )
            self.agents.add(agent_id)
            if kind == "move":
                self.moves.append((agent_id, day, item))
            if kind in NOTIFYING_KINDS:
                self.to_notify.add(agent_id)
        return new


def _present(identities: set[str]) -> set[tuple[str, int]]:
    """(content hash, occurrence) of the facts already recorded with these hashes: one query
    per batch on PostgreSQL (the hashes as one array), per 999 hashes on SQLite (its oldest
    parameter limit)."""
    unique = sorted(identities)
    quote = connection.ops.quote_name
    select = (
        f"SELECT {quote('content_hash')}, {quote('occurrence')} "
        f"FROM {quote(Fact._meta.db_table)} WHERE {quote('content_hash')} "
    )
    found: set[tuple[str, int]] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(select + "= ANY(%s)", [unique])
            return set(map(tuple, cursor.fetchall()))
        size = min(STAGE_BATCH, connection.features.max_query_params or STAGE_BATCH)
        for start in range(0, len(unique), size):
            chunk = unique[start : start + size]
            cursor.execute(select + f"IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.update(map(tuple, cursor.fetchall()))
    return found


def import_activity(
    source: str | Path,
    *,
    dry_run: bool = False,
    actor=None,
    progress: RowsDone | None = None,
    source_label: str = "import",
    now: datetime | None = None,
) -> ImportSummary:
    """All or nothing; a fact already present (same content and position) is not added again.
    `now` is when the facts are recorded (the CLI's and the demo's callers leave it to the
    clock). `progress` is called with the number of rows read after each batch."""
    now = now or clock.now()
    run = _ActivityImport(
        dry_run=dry_run, actor=actor, source_label=source_label, progress=progress, now=now
    )
    if dry_run:
        run.read(source)
        return run.summary
    StagedFact.objects.filter(staged_at__lt=now - STALE_STAGING_AFTER).delete()
    try:
        run.read(source)
        if run.summary.created:
            _apply_staged(run.batch, now, filename=str(source), agents=run.agents)
    finally:
        _drop_staged(run.batch)
    if run.summary.created >= ANALYZE_AFTER:
        # the tables the import wrote in bulk: its facts, the agents' marks, their lines
        refresh_planner_statistics(Fact, Agent)
        projection.learn_lines()
    _announce_moves(run.moves, actor, now)
    ids = _with_recent_facts(sorted(run.to_notify), now)
    for start in range(0, len(ids), NOTIFY_CHUNK):  # each agent's notifications are its own
        notify_after_facts(ids[start : start + NOTIFY_CHUNK], now=now)
    return run.summary


def _with_recent_facts(agent_ids: list[int], now: datetime) -> list[int]:
    """The agents among these with a fact dated on or after the earliest day notifications
    look back to (each program's previous business day, `notify_after_facts`): each
    notification needs a fact of the agent dated since then, so the others need no look."""
    if not agent_ids:
        return []
    since = min(
        calendar_for(p).previous_business_day(now.astimezone(ZoneInfo(p.time_zone)).date())
        for p in Program.objects.all()
    )
    found: list[int] = []
    for start in range(0, len(agent_ids), LOOKUP_CHUNK):
        chunk = agent_ids[start : start + LOOKUP_CHUNK]
        found += (
            Fact.objects.filter(agent_id__in=chunk, date__gte=since)
            .values_list("agent_id", flat=True)
            .distinct()
        )
    return sorted(set(found))


@transaction.atomic
def _announce_moves(moves: list[tuple[int, date, str]], actor, now: datetime) -> None:
    """Each imported class move is announced as one made on the agent page (R-T3, R-S2:
    the old class's classroom invitations are cancelled): from the class the agent was in the
    day before the move."""
    agents = Agent.objects.select_related("training_class").in_bulk({m[0] for m in moves})
    moved = _moves_of(list(agents))
    for agent_id, day, item in sorted(moves, key=lambda move: move[1]):
        agent = agents[agent_id]
        old = _class_on(moved[agent_id], day - timedelta(days=1), agent.training_class.code)
        if old != item:
            announce_move(agent=agent, old_code=old, new_code=item, day=day, actor=actor, now=now)


def _moves_of(agent_ids: list[int]) -> dict[int, list[tuple[date, str]]]:
    """Each agent's class moves (day, class code) in the order `class_on` reads them: the
    latest last (by day, then as recorded). One query per LOOKUP_CHUNK agents."""
    moves: dict[int, list[tuple[date, str]]] = {agent_id: [] for agent_id in agent_ids}
    for start in range(0, len(agent_ids), LOOKUP_CHUNK):
        rows = Fact.objects.filter(
            agent_id__in=agent_ids[start : start + LOOKUP_CHUNK], kind="move"
        ).order_by("date", "pk")
        for agent_id, day, item in rows.values_list("agent_id", "date", "item"):
            moves[agent_id].append((day, item))
    return moves


def _class_on(moves: list[tuple[date, str]], day: date, roster_code: str) -> str:
    """R-T3, as `facts.class_on` reads it from the database: the class of the agent's latest
    move by `day`, else its roster class."""
    latest = roster_code
    for moved_on, code in moves:
        if moved_on > day:
            break
        latest = code
    return latest


def _stage(rows: list[tuple]) -> None:
    """One batch into the stage, in a short transaction of its own (with SQLite every
    transaction takes the one write lock, so other people's saves go through between
    batches). PostgreSQL takes it by COPY, SQLite by one prepared INSERT."""
    table = connection.ops.quote_name(StagedFact._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in STAGE_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _copy_staged(batch: str, now: datetime, agents: set[int]) -> None:
    """One short transaction: the staged batch into the fact table (the stage is emptied
    after it, outside the write lock)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in FACT_COLUMNS)
    # What an imported fact holds that the file does not carry: when it was recorded, and
    # staff-only visibility (the activity format has no column for it).
    constants = {
        "recorded_at": connection.ops.adapt_datetimefield_value(now),
        "to_agent": False,
    }
    constant_columns = ", ".join(quote(name) for name in constants)
    with _page_cache(COPY_CACHE_KIB), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Fact._meta.db_table)} ({columns}, {constant_columns}) "
            f"SELECT {columns}, {', '.join(['%s'] * len(constants))} "
            f"FROM {quote(StagedFact._meta.db_table)} "
            f"WHERE {quote('batch')} = %s ORDER BY {quote('id')}",
            [*constants.values(), batch],
        )
        if connection.vendor == "postgresql" and cursor.rowcount >= ANALYZE_AFTER:
            # the planner must know the facts just copied before the lines and the marks
            # read them back: into a new database, a season's 639,084 facts were read with
            # plans for an empty table (17.8 s of a 49 s import; 27 s with this). ANALYZE
            # samples this transaction's own rows. SQLite plans well enough without it,
            # and its write lock would be held longer.
            refresh_planner_statistics(Fact)
        # issue 14: the report lines of the agents this import touched, once, in the same
        # transaction as their facts (esp.progress.services.projection)
        projection.refresh(agent_ids=agents, now=now)
        settled.settle(agent_ids=agents)  # who is out of flight, what is done (esp.access.scopes)


@contextmanager
def _page_cache(kib: int):
    """SQLite: a page cache of `kib` KiB on this connection while the copy updates the fact
    table's indexes (the default 2 MB rereads their pages: the write lock is held longer)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _apply_staged(batch: str, now: datetime, *, filename: str, agents: set[int]) -> None:
    """The staged facts into the fact table, all or nothing. A failure before this leaves
    the fact table untouched; facts another import added meanwhile reject this one."""
    try:
        _copy_staged(batch, now, agents)
    except IntegrityError:
        raise ImportRejected(
            [
                RowError(
                    0,
                    "",
                    "some of these facts were added by another import while this one ran; "
                    "nothing was imported: import the file again (facts already present are "
                    "skipped)",
                )
            ],
            filename,
        ) from None


def _drop_staged(batch: str) -> None:
    try:
        StagedFact.objects.filter(batch=batch).delete()  # nothing left after a success
    except DatabaseError:
        pass  # the next import removes them (STALE_STAGING_AFTER)


def export_activity(destination, *, class_code: str | None = None) -> int:
    """Write the history in the activity format, by date then employee id then entry order."""
    facts = Fact.objects.order_by("date", "agent__employee_id", "pk")
    if class_code:
        facts = facts.filter(agent__training_class__code=class_code)
    rows = facts.values_list(
        "date", "agent__employee_id", "kind", "item", "value", "by", "note"
    ).iterator(chunk_size=5000)
    count = 0

    def lines():
        nonlocal count
        for day, employee_id, kind, item, value, by, note in rows:
            count += 1
            yield [day.isoformat(), employee_id, kind, item, value, by, note]

    write_csv(destination, COLUMNS, lines())
    return count
