"""The reads of programs: what the calendar, the admin and the copy need to know."""

from __future__ import annotations

from django.db.models import Count

from .models import Program


def program_key_taken(key: str) -> bool:
    return Program.objects.filter(key=key).exists()


def program_closure_days(program: Program) -> tuple[frozenset, frozenset]:
    """The dates `program` closes (added to its holidays) and opens (taken out of them)."""
    closures, openings = set(), set()
    for day, is_open in program.closures.values_list("date", "is_open"):
        (openings if is_open else closures).add(day)
    return frozenset(closures), frozenset(openings)


def program_class_count(program_id) -> int:
    """How many classes follow the program (through the classes' relation to it)."""
    counted = Program.objects.filter(pk=program_id).aggregate(classes=Count("classes"))
    return counted["classes"] or 0
