"""Which item and value each kind of fact takes (SPEC §15): the one check shared by the file
import and the services that record single facts. Pure: it gets the program's vocabulary
(read by `esp.progress.selectors.vocabulary_of`) and the class codes."""

from __future__ import annotations

from dataclasses import dataclass

from esp.rules.records import TASK_STATUSES

from .models import Kind

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


def _one_of(options) -> str:
    return ", ".join(sorted(options))


@dataclass
class _Fact:
    """One fact being checked, collecting its problems as (column, reason) pairs."""

    kind: str
    item: str
    value: str
    note: str
    vocabulary: Vocabulary
    class_codes: object
    problems: list

    def bad(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def expect_empty(self, column: str, text: str) -> None:
        if text:
            self.bad(column, f"must be empty for kind {self.kind}")


def _task(f: _Fact) -> None:
    tasks = f.vocabulary.tasks | set(READINESS_TASKS)
    if f.item not in tasks:
        f.bad("item", f"unknown task '{f.item}' (one of {_one_of(tasks)})")
    if f.value not in TASK_STATUSES:
        f.bad("value", f"unknown task status '{f.value}' (one of {_one_of(TASK_STATUSES)})")


def _tbt(f: _Fact) -> None:
    if f.item not in f.vocabulary.courses:
        empty = "" if f.vocabulary.courses else " (the program's course list is empty)"
        f.bad("item", f"unknown TBT course number '{f.item}'" + empty)
    if f.value != "done":
        f.bad("value", f"unknown TBT value '{f.value}' (done)")


def _call(f: _Fact) -> None:
    calls = f.vocabulary.calls
    if not f.item.isdigit() or not 1 <= int(f.item) <= calls:
        f.bad("item", f"call number '{f.item}' is not 1–{calls}")
    if not f.value.isdigit():
        f.bad("value", f"score '{f.value}' is not a whole number 0–100")
    elif not 0 <= int(f.value) <= 100:
        f.bad("value", f"score {f.value} is out of 0–100")
    elif f.item == "1" and int(f.value) != 100:
        f.bad("value", f"call 1 is coached and always scores 100, not {f.value}")


def _attendance(f: _Fact) -> None:
    occurrences = f.vocabulary.occurrences
    if f.item not in occurrences:
        f.bad("item", f"unknown occurrence '{f.item}' (one of {_one_of(occurrences)})")
    if f.value and not f.value.isdigit():
        f.bad("value", f"minutes '{f.value}' is not a whole number")


def _exam(f: _Fact) -> None:
    exams = set(EXAM_ITEMS) | {f"tbt:{number}" for number in f.vocabulary.courses}
    if f.item not in exams:
        f.bad("item", f"unknown exam '{f.item}' (ahip, carrier_cert or tbt:<course number>)")
    if f.value not in EXAM_VALUES:
        f.bad("value", f"unknown exam result '{f.value}' (failed, passed)")


def _action(f: _Fact) -> None:
    steps, ladders = f.vocabulary.steps, f.vocabulary.ladders
    if f.item not in steps:
        f.bad("item", f"unknown ladder step '{f.item}' (one of {_one_of(steps)})")
    if f.value not in ladders:
        f.bad("value", f"unknown ladder '{f.value}' (one of {_one_of(ladders)})")


def _note(f: _Fact) -> None:
    f.expect_empty("item", f.item)
    f.expect_empty("value", f.value)
    if not f.note:
        f.bad("note", f"a {f.kind} needs its text in the note column")


def _status(f: _Fact) -> None:
    if f.item != "employment":
        f.bad("item", f"unknown status '{f.item}' (employment)")
    if f.value not in EMPLOYMENT_VALUES:
        values = _one_of(EMPLOYMENT_VALUES)
        f.bad("value", f"unknown employment status '{f.value}' (one of {values})")


def _equipment(f: _Fact) -> None:
    if f.item not in EQUIPMENT_ITEMS:
        f.bad("item", f"unknown equipment status '{f.item}' (one of {_one_of(EQUIPMENT_ITEMS)})")


def _flag(f: _Fact) -> None:
    if f.item not in FLAG_ITEMS:
        f.bad("item", f"unknown flag action '{f.item}' (raised, resolved)")
    if f.value not in FLAG_VALUES:
        f.bad("value", f"unknown red flag '{f.value}' (one of {_one_of(FLAG_VALUES)})")


def _n_number(f: _Fact) -> None:
    if f.item != "requested":
        f.bad("item", f"unknown n_number item '{f.item}' (requested)")
    if f.value and f.value.isdigit():
        f.bad("value", f"'{f.value}' looks like an NPN, not an N-Number")


def _move(f: _Fact) -> None:
    if f.item not in f.class_codes:
        f.bad("item", f"unknown class '{f.item}'")
    f.expect_empty("value", f.value)


CHECKS = {
    Kind.TASK: _task,
    Kind.TBT: _tbt,
    Kind.CALL: _call,
    Kind.ATTENDANCE: _attendance,
    Kind.EXAM: _exam,
    Kind.ACTION: _action,
    Kind.NOTE: _note,
    Kind.SELF_REPORT: _note,
    Kind.STATUS: _status,
    Kind.EQUIPMENT: _equipment,
    Kind.FLAG: _flag,
    Kind.N_NUMBER: _n_number,
    Kind.MOVE: _move,
}


def check_fact(
    kind: str, item: str, value: str, note: str, vocabulary: Vocabulary, class_codes
) -> list[tuple[str, str]]:
    """The problems of one fact as (column, reason) pairs; empty when it is valid."""
    fact = _Fact(kind, item, value, note, vocabulary, class_codes, [])
    check = CHECKS.get(kind)
    if check is None:
        fact.bad("kind", f"unknown kind '{kind}' (one of {_one_of(Kind.values)})")
    else:
        check(fact)
    return fact.problems
