"""Copying a program (SPEC §3, issue 8 item 7): a second program, e.g. for another carrier, is
made by copying the template and editing the copy in the admin.

The copy has its own rows for everything that is policy: phases, tasks, report sections,
ladders and their steps, occurrence kinds, attendance levels, closures, TBT courses, day
schedules and CAP templates. Classes point at their program, so existing classes keep the
program (the version) they started with: editing the copy changes nothing for them. Mailed
report schedules are not copied (they are set up per program when it goes live), nor are
scorecard templates, which are not per program.
"""

from __future__ import annotations

from django.db import transaction

from esp.audit.services import audit_record, audit_snapshot

from .models import (
    AttendanceLevel,
    Campaign,
    Closure,
    DaySchedule,
    Ladder,
    LadderStep,
    OccurrenceKind,
    Phase,
    Program,
    ReportSection,
    Task,
    TbtCourse,
)


def _fields(row, *skip: str) -> dict:
    """The concrete field values of `row` but its primary key and `skip` (by attname)."""
    skipped = {"id", *skip}
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname not in skipped and not f.primary_key
    }


@transaction.atomic
def program_copy(
    program: Program, *, key: str, name: str, campaign: Campaign | None = None, actor=None
) -> Program:
    """A new program `key` with a copy of every policy row of `program` (see the module),
    audited as the copy's creation (who, and from which program: issue 12 item 16)."""
    if Program.objects.filter(key=key).exists():
        from django.core.exceptions import ValidationError

        raise ValidationError({"key": f"A program with the key '{key}' exists already."})
    values = _fields(program, "key", "name", "campaign_id")
    copy = Program.objects.create(
        key=key,
        name=name,
        campaign=campaign if campaign is not None else program.campaign,
        **values,
    )

    phases = {}
    for phase in program.phases.order_by("order", "pk"):
        phases[phase.pk] = Phase.objects.create(**_fields(phase, "program_id"), program=copy)
    tasks = {}
    for task in program.tasks.order_by("order", "pk"):
        tasks[task.pk] = Task.objects.create(
            **_fields(task, "program_id", "phase_id"), program=copy, phase=phases[task.phase_id]
        )
    for section in program.sections.prefetch_related("tasks").order_by("order", "pk"):
        new = ReportSection.objects.create(**_fields(section, "program_id"), program=copy)
        new.tasks.set([tasks[t.pk] for t in section.tasks.all()])
    for ladder in program.ladders.prefetch_related("tasks", "steps").order_by("pk"):
        new = Ladder.objects.create(
            **_fields(ladder, "program_id", "phase_id"),
            program=copy,
            phase=phases.get(ladder.phase_id),
        )
        new.tasks.set([tasks[t.pk] for t in ladder.tasks.all()])
        for step in ladder.steps.order_by("order", "pk"):
            LadderStep.objects.create(**_fields(step, "ladder_id"), ladder=new)
    for model, rows in (
        (OccurrenceKind, program.occurrence_kinds.order_by("pk")),
        (AttendanceLevel, program.attendance_levels.order_by("order", "pk")),
        (Closure, program.closures.order_by("date")),
        (TbtCourse, program.tbt_courses.order_by("order", "number")),
    ):
        model.objects.bulk_create(model(**_fields(r, "program_id"), program=copy) for r in rows)
    for schedule in program.day_schedules.order_by("pk"):
        DaySchedule.objects.create(
            **_fields(schedule, "program_id", "phase_id"),
            program=copy,
            phase=phases.get(schedule.phase_id),
        )
    from esp.accountability.models import CapTemplate

    for template in CapTemplate.objects.filter(program=program).order_by("pk"):
        CapTemplate.objects.create(**_fields(template, "program_id", "updated_at"), program=copy)
    from esp.pace.models import PaceModule  # the licensing pace table (R-I1b)

    for module in PaceModule.objects.filter(phase__program=program).order_by("pk"):
        PaceModule.objects.create(**_fields(module, "phase_id"), phase=phases[module.phase_id])
    audit_record(
        actor=actor,
        actor_label="" if actor is not None else "program copy",
        action="create",
        obj=copy,
        changes={
            "copied_from": [None, program.key],
            **{field: [None, value] for field, value in audit_snapshot(copy).items()},
        },
    )
    return copy
