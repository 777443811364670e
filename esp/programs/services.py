"""The writes of programs: loading the default program and copying a program.

Loading (`load_default_program`) is idempotent: it creates what is missing and leaves values
an administrator has edited alone. The values are data, in esp/programs/default_program.py.

Copying (SPEC §3, issue 8 item 7): a second program, e.g. for another carrier, is made by
copying the template and editing the copy in the admin. The copy has its own rows for
everything that is policy: phases, tasks, report sections, ladders and their steps,
occurrence kinds, attendance levels, closures, TBT courses, day schedules, and the rows other
apps declare as copied with a program (`copied_with_program` on their AppConfig: CAP
templates, the licensing pace table). Classes point at their program, so existing classes
keep the program (the version) they started with: editing the copy changes nothing for them.
Mailed report schedules are not copied (they are set up per program when it goes live), nor
are scorecard templates, which are not per program.
"""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.module_loading import import_string

from esp.audit.services import audit_record, audit_snapshot

from . import default_program as default
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
    Site,
    Task,
    TbtCourse,
)
from .selectors import program_key_taken

# -- the default program ------------------------------------------------------------------------


def _decimal(text: str | None) -> Decimal | None:
    return Decimal(text) if text else None


def _default_sites_and_campaigns() -> Campaign:
    """The sites and campaigns of the seeds; the default program's campaign."""
    for code in default.SITES:
        Site.objects.get_or_create(code=code, defaults={"name": code})
    for name, department in default.CAMPAIGNS:
        Campaign.objects.get_or_create(name=name, defaults={"department_code": department})
    return Campaign.objects.get(name="Aetna")


def _default_phases(program: Program) -> dict[str, Phase]:
    phases = {}
    for order, row in enumerate(default.PHASES, start=1):
        key, name, length, expected, ext, timeframe, owner, lead, hours, life = row
        phases[key], _ = Phase.objects.get_or_create(
            program=program,
            key=key,
            defaults=dict(
                name=name,
                order=order,
                length=_decimal(length),
                expected_days=_decimal(expected),
                max_extension_days=ext,
                timeframe_days=timeframe,
                owner=owner,
                invite_lead_days=lead,
                link_sent_hours_ahead=hours,
                link_lifetime_days=life,
            ),
        )
    return phases


def _default_tasks(program: Program, phases: dict[str, Phase]) -> dict[str, Task]:
    tasks = {}
    for order, (key, name, phase, completion, proof, done_when) in enumerate(
        default.TASKS, start=1
    ):
        tasks[key], _ = Task.objects.get_or_create(
            program=program,
            key=key,
            defaults=dict(
                name=name,
                phase=phases[phase],
                order=order,
                completion=completion,
                needs_proof=proof,
                done_when=done_when,
                is_transfer=key == "transfer",
            ),
        )
    return tasks


def _default_sections(program: Program, tasks: dict[str, Task]) -> None:
    for order, (key, name, threshold, task_keys) in enumerate(default.SECTIONS, start=1):
        section, created = ReportSection.objects.get_or_create(
            program=program,
            key=key,
            defaults=dict(name=name, order=order, threshold_days=threshold),
        )
        if created:
            section.tasks.set([tasks[k] for k in task_keys])


def _default_ladders(program: Program, phases: dict[str, Phase], tasks: dict[str, Task]) -> None:
    for key, name, kind, phase, timeframe, task_keys, steps in default.LADDERS:
        ladder, created = Ladder.objects.get_or_create(
            program=program,
            key=key,
            defaults=dict(
                name=name,
                kind=kind,
                phase=phases[phase] if phase else None,
                timeframe_days=timeframe,
            ),
        )
        if created:
            ladder.tasks.set([tasks[k] for k in task_keys])
            for order, (step_key, step_name) in enumerate(steps, start=1):
                LadderStep.objects.create(ladder=ladder, key=step_key, name=step_name, order=order)


def _default_attendance(program: Program) -> None:
    """R-A1/R-A4/R-A5: occurrence kinds, the day schedule and the attendance ladder's levels."""
    for key, label, points in default.OCCURRENCES:
        OccurrenceKind.objects.get_or_create(
            program=program, key=key, defaults=dict(label=label, points=Decimal(points))
        )
    DaySchedule.objects.get_or_create(program=program, phase=None)
    if not program.attendance_levels.exists():
        for order, (step, points, ncns) in enumerate(default.ATTENDANCE_LEVELS, start=1):
            AttendanceLevel.objects.create(
                program=program, step=step, order=order, points=Decimal(points), ncns=ncns
            )


@transaction.atomic
def load_default_program() -> Program:
    """The default program `esp-aetna`, created or completed (never overwritten)."""
    campaign = _default_sites_and_campaigns()
    program, _ = Program.objects.get_or_create(
        key=default.DEFAULT_PROGRAM_KEY,
        defaults={"name": "ESP — Aetna", "campaign": campaign},
    )
    phases = _default_phases(program)
    tasks = _default_tasks(program, phases)
    _default_sections(program, tasks)
    _default_ladders(program, phases, tasks)
    _default_attendance(program)
    return program


# -- copying a program --------------------------------------------------------------------------


def _fields(row, *skip: str) -> dict:
    """The concrete field values of `row` but its primary key and `skip` (by attname)."""
    skipped = {"id", *skip}
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname not in skipped and not f.primary_key
    }


def _copy_phases_and_tasks(program: Program, copy: Program) -> tuple[dict, dict]:
    """The copy's phases and tasks, by the pk of the original's."""
    phases = {}
    for phase in program.phases.order_by("order", "pk"):
        phases[phase.pk] = Phase.objects.create(**_fields(phase, "program_id"), program=copy)
    tasks = {}
    for task in program.tasks.order_by("order", "pk"):
        tasks[task.pk] = Task.objects.create(
            **_fields(task, "program_id", "phase_id"), program=copy, phase=phases[task.phase_id]
        )
    return phases, tasks


def _copy_sections_and_ladders(program: Program, copy: Program, phases, tasks) -> None:
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


def _copy_policy_rows(program: Program, copy: Program, phases) -> None:
    """Occurrence kinds, attendance levels, closures, TBT courses and day schedules."""
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


def copied_models() -> list[type]:
    """The models other apps declare as part of a program's policy (their AppConfig's
    `copied_with_program`: dotted paths), in INSTALLED_APPS order."""
    return [
        import_string(path)
        for config in apps.get_app_configs()
        for path in getattr(config, "copied_with_program", ())
    ]


def _copy_declared_rows(model, program: Program, copy: Program, phases) -> None:
    """Copy the rows of `model` that belong to `program`, through its foreign key to the
    program (the copy's rows point at the copy) or to a phase (at the copy's phase)."""
    link = next(
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in (Program, Phase)
    )
    manager = model._default_manager
    if link.related_model is Program:
        rows = manager.filter(**{link.name: program}).order_by("pk")
        for row in rows:
            manager.create(**_fields(row, link.attname), **{link.name: copy})
    else:
        rows = manager.filter(**{f"{link.name}__program": program}).order_by("pk")
        for row in rows:
            parent = phases[getattr(row, link.attname)]
            manager.create(**_fields(row, link.attname), **{link.name: parent})


@transaction.atomic
def program_copy(
    program: Program, *, key: str, name: str, campaign: Campaign | None = None, actor=None
) -> Program:
    """A new program `key` with a copy of every policy row of `program` (see the module),
    audited as the copy's creation (who, and from which program: issue 12 item 16)."""
    if program_key_taken(key):
        raise ValidationError({"key": f"A program with the key '{key}' exists already."})
    copy = Program.objects.create(
        key=key,
        name=name,
        campaign=campaign if campaign is not None else program.campaign,
        **_fields(program, "key", "name", "campaign_id"),
    )
    phases, tasks = _copy_phases_and_tasks(program, copy)
    _copy_sections_and_ladders(program, copy, phases, tasks)
    _copy_policy_rows(program, copy, phases)
    for model in copied_models():
        _copy_declared_rows(model, program, copy, phases)
    Program.stamp_changed(copy.pk)  # rows were bulk-created: no signal named the copy
    copy.refresh_from_db(fields=["policy_stamp"])
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
