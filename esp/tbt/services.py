"""TBT writes: the course list import (R-B1), TBT access and help-desk calls (R-B5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from esp.audit.services import audit_record
from esp.lib.csvio import ImportRejected, ImportSummary, RowError, read_rows
from esp.lib.textcheck import limits_of
from esp.programs.models import Program, TbtCourse
from esp.roster.models import Agent

from .models import HelpDeskCall, TbtAccess


@dataclass(frozen=True)
class CourseRow:
    line: int
    number: str
    name: str


def _validate_courses(rows) -> tuple[list[CourseRow], list[RowError]]:
    parsed, errors, seen = [], [], {}
    for row in rows:
        number, name = row["number"], row["name"]
        if not number:
            errors.append(RowError(row.line, "number", "a course number is required"))
        elif len(number) > TbtCourse._meta.get_field("number").max_length:
            errors.append(RowError(row.line, "number", "longer than 40 characters"))
        elif number in seen:
            errors.append(
                RowError(row.line, "number", f"course {number} already on line {seen[number]}")
            )
        if not name:
            errors.append(RowError(row.line, "name", "a course name is required"))
        elif len(name) > TbtCourse._meta.get_field("name").max_length:
            errors.append(RowError(row.line, "name", "longer than 200 characters"))
        if number and number not in seen:
            seen[number] = row.line
        parsed.append(CourseRow(row.line, number, name))
    return parsed, errors


def _course_update(course: TbtCourse, row: CourseRow, order: int, *, actor, label: str) -> None:
    before = {"name": course.name, "order": course.order}
    course.name, course.order = row.name, order
    course.full_clean()
    course.save()
    audit_record(
        actor=actor,
        actor_label=label,
        action="update",
        obj=course,
        changes={"before": before, "after": {"name": row.name, "order": order}},
    )


def _course_create(program: Program, row: CourseRow, order: int, *, actor, label: str) -> None:
    course = TbtCourse(program=program, number=row.number, name=row.name, order=order)
    course.full_clean()
    course.save()
    audit_record(
        actor=actor,
        actor_label=label,
        action="create",
        obj=course,
        changes={"after": {"number": row.number, "name": row.name}},
    )


@transaction.atomic
def _apply_courses(
    parsed: list[CourseRow], summary: ImportSummary, *, program: Program, actor, label, progress
) -> None:
    """Add or rename each course (counted in `summary`; written unless it is a dry run)."""
    existing = {c.number: c for c in TbtCourse.objects.filter(program=program)}
    for order, row in enumerate(parsed, start=1):
        course = existing.get(row.number)
        if course and course.name == row.name and course.order == order:
            summary.unchanged += 1
        elif course:
            summary.updated += 1
            if not summary.dry_run:
                _course_update(course, row, order, actor=actor, label=label)
        else:
            summary.created += 1
            if not summary.dry_run:
                _course_create(program, row, order, actor=actor, label=label)
        if progress:
            progress(1)


def import_courses(
    source: str | Path,
    *,
    program: Program,
    dry_run: bool = False,
    actor=None,
    progress=None,
) -> ImportSummary:
    """R-B1: add or rename the program's courses from `number,name` (all or nothing).

    Courses missing from the file are kept (remove them in the admin); the file's order
    becomes the courses' order. Importing the same file twice changes nothing.
    """
    header_errors: list[RowError] = []  # reported with the rows' (SPEC §15)
    rows = read_rows(
        source,
        required=["number", "name"],
        limits=limits_of(TbtCourse, number="number", name="name"),
        header_errors=header_errors,
    )
    parsed, errors = _validate_courses(rows)
    if header_errors or errors:
        raise ImportRejected(header_errors + errors, str(source))
    summary = ImportSummary("courses", rows=len(parsed), dry_run=dry_run)
    label = f"import {Path(str(source)).name}"
    _apply_courses(parsed, summary, program=program, actor=actor, label=label, progress=progress)
    return summary


@transaction.atomic
def help_desk_call_record(
    *, agent: Agent, incident_number: str, call_date: date, actor=None
) -> HelpDeskCall:
    """R-B5: the incident number and call date of a call to the carrier's help desk."""
    call = HelpDeskCall(
        agent=agent,
        incident_number=incident_number.strip(),
        call_date=call_date,
        recorded_by=actor,
    )
    call.full_clean()
    call.save()
    audit_record(
        actor=actor,
        action="help_desk_call",
        obj=agent,
        changes={"incident_number": call.incident_number, "call_date": call_date.isoformat()},
    )
    return call


@transaction.atomic
def tbt_access_record(*, agent: Agent, granted_on: date, actor=None) -> TbtAccess:
    """R-B5: the agent's remote-desktop access works since `granted_on`."""
    access, _ = TbtAccess.objects.update_or_create(
        agent=agent, defaults={"granted_on": granted_on, "recorded_by": actor}
    )
    audit_record(
        actor=actor,
        action="tbt_access",
        obj=agent,
        changes={"granted_on": granted_on.isoformat()},
    )
    return access
