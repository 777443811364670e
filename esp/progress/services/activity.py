"""The activity file (SPEC §15): importing it (all or nothing, two-phase) and exporting the
history in it. Each imported class move is announced like a move made on a page (R-S2)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, transaction

from esp.lib import clock
from esp.lib.csvio import (
    ImportRejected,
    ImportSummary,
    RowError,
    RowsDone,
    parse_date,
    read_rows,
    write_csv,
)
from esp.lib.dbstats import refresh_planner_statistics
from esp.lib.textcheck import limits_of
from esp.programs.models import Program
from esp.roster.models import Agent, TrainingClass

from ..checks import check_fact
from ..models import Fact, StagedFact, content_hash
from ..notifications import notify_after_facts
from ..selectors import vocabulary_of
from . import projection  # issue 14 (h-readmodel)
from .facts import NOTIFYING_KINDS, announce_move, class_on

COLUMNS = ["date", "employee_id", "kind", "item", "value", "by", "note"]


@dataclass(frozen=True)
class ParsedFact:
    line: int
    date: date
    agent_id: int
    employee_id: str
    kind: str
    item: str
    value: str
    by: str
    note: str

    @property
    def identity(self) -> str:
        return content_hash(
            self.date.isoformat(),
            self.employee_id,
            self.kind,
            self.item,
            self.value,
            self.by,
            self.note,
        )


def parse_activity(source: str | Path) -> list[ParsedFact]:
    """Read and check an activity file; raise ImportRejected naming every bad row."""
    rows = read_rows(
        source,
        required=COLUMNS,
        limits=limits_of(Fact, kind="kind", item="item", value="value", by="by", note="note"),
    )
    agents = dict(Agent.objects.values_list("employee_id", "pk"))
    agent_program = dict(Agent.objects.values_list("pk", "training_class__program_id"))
    class_codes = set(TrainingClass.objects.values_list("code", flat=True))
    vocabularies = {p.pk: vocabulary_of(p) for p in Program.objects.all()}
    errors: list[RowError] = []
    parsed: list[ParsedFact] = []
    for row in rows:
        row_errors: list[RowError] = []
        day = None
        try:
            day = parse_date(row["date"])
        except ValueError as exc:
            row_errors.append(RowError(row.line, "date", str(exc)))
        agent_id = agents.get(row["employee_id"])
        if agent_id is None:
            row_errors.append(
                RowError(row.line, "employee_id", f"unknown agent '{row['employee_id']}'")
            )
        else:
            vocabulary = vocabularies[agent_program[agent_id]]
            for column, reason in check_fact(
                row["kind"], row["item"], row["value"], row["note"], vocabulary, class_codes
            ):
                row_errors.append(RowError(row.line, column, reason))
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(
                ParsedFact(
                    row.line,
                    day,
                    agent_id,
                    row["employee_id"],
                    row["kind"],
                    row["item"],
                    row["value"],
                    row["by"],
                    row["note"],
                )
            )
    if errors:
        raise ImportRejected(errors, str(source))
    return parsed


def _existing_identities(hashes: list[str]) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    unique = sorted(set(hashes))
    for start in range(0, len(unique), 500):
        found.update(
            Fact.objects.filter(content_hash__in=unique[start : start + 500]).values_list(
                "content_hash", "occurrence"
            )
        )
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
    clock)."""
    now = now or clock.now()
    parsed = parse_activity(source)
    summary = ImportSummary("activity", rows=len(parsed), dry_run=dry_run)
    hashes = [fact.identity for fact in parsed]
    existing = _existing_identities(hashes)
    seen: Counter[str] = Counter()
    new: list[Fact] = []
    for fact, identity in zip(parsed, hashes):
        occurrence = seen[identity]
        seen[identity] += 1
        if (identity, occurrence) in existing:
            summary.unchanged += 1
            continue
        new.append(
            Fact(
                agent_id=fact.agent_id,
                date=fact.date,
                kind=fact.kind,
                item=fact.item,
                value=fact.value,
                by=fact.by,
                note=fact.note,
                source=source_label,
                recorded_by=actor,
                content_hash=identity,
                occurrence=occurrence,
            )
        )
    summary.created = len(new)
    if dry_run:
        return summary
    apply_facts(new, now=now, progress=progress, filename=str(source))
    if len(new) >= ANALYZE_AFTER:
        refresh_planner_statistics(Fact)
    _announce_moves([fact for fact in new if fact.kind == "move"], actor, now)
    notify_after_facts({fact.agent_id for fact in new if fact.kind in NOTIFYING_KINDS}, now=now)
    return summary


@transaction.atomic
def _announce_moves(moves: list[Fact], actor, now: datetime) -> None:
    """Each imported class move is announced as one made on the agent page (R-T3, R-S2:
    the old class's classroom invitations are cancelled): from the class the agent was in the
    day before the move."""
    agents = Agent.objects.in_bulk({fact.agent_id for fact in moves})
    for fact in sorted(moves, key=lambda f: f.date):
        agent = agents[fact.agent_id]
        old = class_on(agent, fact.date - timedelta(days=1))
        if old != fact.item:
            announce_move(
                agent=agent, old_code=old, new_code=fact.item, day=fact.date, actor=actor, now=now
            )


ANALYZE_AFTER = 10_000
STAGE_BATCH = 2000
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


def _stage(new: list[Fact], batch: str, progress: RowsDone | None) -> None:
    """The facts into the stage in batches of STAGE_BATCH, each its own short transaction."""
    for start in range(0, len(new), STAGE_BATCH):
        chunk = new[start : start + STAGE_BATCH]
        with transaction.atomic():
            StagedFact.objects.bulk_create(
                [
                    StagedFact(batch=batch, **{name: getattr(fact, name) for name in FACT_COLUMNS})
                    for fact in chunk
                ]
            )
        if progress:
            progress(len(chunk))


def _copy_staged(batch: str, now: datetime) -> None:
    """One short transaction: the staged batch into the fact table, then out of the stage."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in FACT_COLUMNS)
    # What an imported fact holds that the file does not carry: when it was recorded, and
    # staff-only visibility (the activity format has no column for it).
    constants = {
        "recorded_at": connection.ops.adapt_datetimefield_value(now),
        "to_agent": False,
    }
    constant_columns = ", ".join(quote(name) for name in constants)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Fact._meta.db_table)} ({columns}, {constant_columns}) "
            f"SELECT {columns}, {', '.join(['%s'] * len(constants))} "
            f"FROM {quote(StagedFact._meta.db_table)} "
            f"WHERE {quote('batch')} = %s ORDER BY {quote('id')}",
            [*constants.values(), batch],
        )
        # issue 14 (h-readmodel): the report lines of the agents this import touched, once.
        staged = StagedFact.objects.filter(batch=batch).values_list("agent_id", flat=True)
        projection.refresh(agent_ids=staged.distinct(), now=now)
        StagedFact.objects.filter(batch=batch).delete()


def apply_facts(
    new: list[Fact], *, now: datetime, progress: RowsDone | None = None, filename: str = ""
) -> None:
    """Add `new` to the facts, all or nothing, without holding the write lock for long.

    The facts are staged in batches of STAGE_BATCH, each its own short transaction (with
    SQLite every transaction takes the one write lock, so other people's saves go through
    between batches); one short transaction then copies them into the fact table and removes
    them from the stage. A failure before that copy leaves the fact table untouched.
    """
    if not new:
        return
    StagedFact.objects.filter(staged_at__lt=now - STALE_STAGING_AFTER).delete()
    batch = uuid.uuid4().hex
    try:
        _stage(new, batch, progress)
        _copy_staged(batch, now)
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
    finally:
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
