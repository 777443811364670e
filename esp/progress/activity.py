"""The activity format (SPEC §15): checking a fact, importing a file, exporting the history.

`check_fact` is the one place that knows which item and value each kind of fact takes; the
file import and the services that record single facts both use it.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from esp.lib.csvio import (
    ImportRejected,
    ImportSummary,
    Progress,
    RowError,
    parse_date,
    read_rows,
    write_csv,
)
from esp.lib.dbstats import refresh_planner_statistics
from esp.lib.textcheck import limits_of
from esp.programs.models import Program
from esp.roster.models import Agent, TrainingClass
from esp.rules.records import TASK_STATUSES

from .models import Fact, Kind, StagedFact, content_hash

COLUMNS = ["date", "employee_id", "kind", "item", "value", "by", "note"]

READINESS_TASKS = ("readiness_day1", "readiness_shadowing")
EXAM_ITEMS = ("ahip", "carrier_cert")
EXAM_VALUES = ("failed", "passed")
EMPLOYMENT_VALUES = ("active", "termed", "resigned", "withdrawn")
EQUIPMENT_ITEMS = ("not_received", "received", "verified", "issue")
FLAG_ITEMS = ("raised", "resolved")
FLAG_VALUES = ("background_check", "needs_release", "no_health_license", "cannot_sell", "other")


@dataclass(frozen=True)
class Vocabulary:
    """What a program's facts may name: its tasks, courses, ladders, steps, occurrences."""

    tasks: frozenset[str]
    courses: frozenset[str]
    ladders: frozenset[str]
    steps: frozenset[str]
    occurrences: frozenset[str]
    calls: int

    @classmethod
    def of(cls, program: Program) -> Vocabulary:
        return cls(
            tasks=frozenset(program.tasks.values_list("key", flat=True)),
            courses=frozenset(program.tbt_courses.values_list("number", flat=True)),
            ladders=frozenset(program.ladders.values_list("key", flat=True)),
            steps=frozenset(program.ladders.values_list("steps__key", flat=True)) - {None},
            occurrences=frozenset(program.occurrence_kinds.values_list("key", flat=True)),
            calls=program.calls_per_agent,
        )


def _one_of(options) -> str:
    return ", ".join(sorted(options))


def check_fact(
    kind: str, item: str, value: str, note: str, vocabulary: Vocabulary, class_codes
) -> list[tuple[str, str]]:
    """The problems of one fact as (column, reason) pairs; empty when it is valid."""
    problems: list[tuple[str, str]] = []

    def bad(column: str, reason: str) -> None:
        problems.append((column, reason))

    def expect_empty(column: str, text: str) -> None:
        if text:
            bad(column, f"must be empty for kind {kind}")

    if kind == Kind.TASK:
        tasks = vocabulary.tasks | set(READINESS_TASKS)
        if item not in tasks:
            bad("item", f"unknown task '{item}' (one of {_one_of(tasks)})")
        if value not in TASK_STATUSES:
            bad("value", f"unknown task status '{value}' (one of {_one_of(TASK_STATUSES)})")
    elif kind == Kind.TBT:
        if item not in vocabulary.courses:
            bad(
                "item",
                f"unknown TBT course number '{item}'"
                + ("" if vocabulary.courses else " (the program's course list is empty)"),
            )
        if value != "done":
            bad("value", f"unknown TBT value '{value}' (done)")
    elif kind == Kind.CALL:
        if not item.isdigit() or not 1 <= int(item) <= vocabulary.calls:
            bad("item", f"call number '{item}' is not 1–{vocabulary.calls}")
        if not value.isdigit():
            bad("value", f"score '{value}' is not a whole number 0–100")
        elif not 0 <= int(value) <= 100:
            bad("value", f"score {value} is out of 0–100")
        elif item == "1" and int(value) != 100:
            bad("value", f"call 1 is coached and always scores 100, not {value}")
    elif kind == Kind.ATTENDANCE:
        if item not in vocabulary.occurrences:
            bad("item", f"unknown occurrence '{item}' (one of {_one_of(vocabulary.occurrences)})")
        if value and not value.isdigit():
            bad("value", f"minutes '{value}' is not a whole number")
    elif kind == Kind.EXAM:
        exams = set(EXAM_ITEMS) | {f"tbt:{number}" for number in vocabulary.courses}
        if item not in exams:
            bad("item", f"unknown exam '{item}' (ahip, carrier_cert or tbt:<course number>)")
        if value not in EXAM_VALUES:
            bad("value", f"unknown exam result '{value}' (failed, passed)")
    elif kind == Kind.ACTION:
        if item not in vocabulary.steps:
            bad("item", f"unknown ladder step '{item}' (one of {_one_of(vocabulary.steps)})")
        if value not in vocabulary.ladders:
            bad("value", f"unknown ladder '{value}' (one of {_one_of(vocabulary.ladders)})")
    elif kind in (Kind.NOTE, Kind.SELF_REPORT):
        expect_empty("item", item)
        expect_empty("value", value)
        if not note:
            bad("note", f"a {kind} needs its text in the note column")
    elif kind == Kind.STATUS:
        if item != "employment":
            bad("item", f"unknown status '{item}' (employment)")
        if value not in EMPLOYMENT_VALUES:
            bad(
                "value",
                f"unknown employment status '{value}' (one of {_one_of(EMPLOYMENT_VALUES)})",
            )
    elif kind == Kind.EQUIPMENT:
        if item not in EQUIPMENT_ITEMS:
            bad("item", f"unknown equipment status '{item}' (one of {_one_of(EQUIPMENT_ITEMS)})")
    elif kind == Kind.FLAG:
        if item not in FLAG_ITEMS:
            bad("item", f"unknown flag action '{item}' (raised, resolved)")
        if value not in FLAG_VALUES:
            bad("value", f"unknown red flag '{value}' (one of {_one_of(FLAG_VALUES)})")
    elif kind == Kind.N_NUMBER:
        if item != "requested":
            bad("item", f"unknown n_number item '{item}' (requested)")
        if value and value.isdigit():
            bad("value", f"'{value}' looks like an NPN, not an N-Number")
    elif kind == Kind.MOVE:
        if item not in class_codes:
            bad("item", f"unknown class '{item}'")
        expect_empty("value", value)
    else:
        bad("kind", f"unknown kind '{kind}' (one of {_one_of(Kind.values)})")
    return problems


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
    vocabularies = {p.pk: Vocabulary.of(p) for p in Program.objects.all()}
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
    progress: Progress | None = None,
    source_label: str = "import",
) -> ImportSummary:
    """All or nothing; a fact already present (same content and position) is not added again."""
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
    apply_facts(new, progress=progress, filename=str(source))
    if len(new) >= ANALYZE_AFTER:
        refresh_planner_statistics(Fact)
    notify_changed_agents({fact.agent_id for fact in new if fact.kind in NOTIFYING_KINDS})
    return summary


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


def apply_facts(new: list[Fact], *, progress: Progress | None = None, filename: str = "") -> None:
    """Add `new` to the facts, all or nothing, without holding the write lock for long.

    The facts are staged in batches of STAGE_BATCH, each its own short transaction (with
    SQLite every transaction takes the one write lock, so other people's saves go through
    between batches); one short transaction then copies them into the fact table and removes
    them from the stage. A failure before that copy leaves the fact table untouched.
    """
    if not new:
        return
    now = timezone.now()
    StagedFact.objects.filter(staged_at__lt=now - STALE_STAGING_AFTER).delete()
    batch = uuid.uuid4().hex
    try:
        for start in range(0, len(new), STAGE_BATCH):
            chunk = new[start : start + STAGE_BATCH]
            with transaction.atomic():
                StagedFact.objects.bulk_create(
                    [
                        StagedFact(
                            batch=batch, **{name: getattr(fact, name) for name in FACT_COLUMNS}
                        )
                        for fact in chunk
                    ]
                )
            if progress:
                progress(len(chunk))
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
            StagedFact.objects.filter(batch=batch).delete()
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


NOTIFYING_KINDS = {"task", "tbt", "call", "equipment", "flag", "exam"}


def notify_changed_agents(agent_ids) -> int:
    """Immediate notifications (R-N3, R-N4a, R-N4b) for the agents whose facts changed."""
    if not agent_ids:
        return 0
    from esp.lib import clock
    from esp.mailing.notifications import notify_after_facts

    return notify_after_facts(agent_ids, now=clock.now())


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
