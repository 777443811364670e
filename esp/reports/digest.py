"""The end-of-day attendance digest for WFM (R-A6, R-N2): every occurrence of the day, per
class, with its tracker label, minutes and points."""

from __future__ import annotations

from datetime import date

from esp.programs.models import Program
from esp.rules.attendance import occurrence_label

from .selectors import attendance_facts, occurrence_kinds

COLUMNS = [
    "class_code",
    "employee_id",
    "name",
    "occurrence",
    "minutes",
    "points",
    "recorded_by",
    "note",
]


def attendance_digest(program: Program, day: date, *, agents=None) -> list[dict]:
    """The day's occurrences (under-10-minute lateness is no occurrence and is left out)."""
    labels, points = occurrence_kinds(program)
    rows = []
    for fact in attendance_facts(program, day, agents=agents):
        minutes = int(fact.value) if fact.value.isdigit() else None
        label = occurrence_label(fact.item, minutes, labels)
        if label is None:
            continue
        rows.append(
            {
                "class_code": fact.agent.training_class.code,
                "employee_id": fact.agent.employee_id,
                "name": fact.agent.name,
                "occurrence": label,
                "minutes": minutes,
                "points": float(points.get(fact.item, 0)),
                "recorded_by": fact.by,
                "note": fact.note,
            }
        )
    return rows


def digest_table(rows: list[dict]) -> tuple[list[str], list[list]]:
    return COLUMNS, [[row[c] for c in COLUMNS] for row in rows]
