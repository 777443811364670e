"""The end-of-day attendance digest for WFM (R-A6, R-N2): every occurrence of the day, per
class, with its tracker label, minutes and points."""

from __future__ import annotations

from datetime import date

from esp.programs.models import Program
from esp.progress.models import Fact
from esp.rules.attendance import occurrence_label

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
    labels = dict(program.occurrence_kinds.values_list("key", "label"))
    points = dict(program.occurrence_kinds.values_list("key", "points"))
    facts = (
        Fact.objects.filter(kind="attendance", date=day, agent__training_class__program=program)
        .select_related("agent__training_class")
        .order_by("agent__training_class__code", "agent__last_name", "agent__first_name", "pk")
    )
    if agents is not None:
        facts = facts.filter(agent__in=agents)
    rows = []
    for fact in facts:
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
