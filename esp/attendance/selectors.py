"""Reads of the attendance app: a class day's times (R-A1), the agents in a class on a day,
the proposal of a meeting report (R-A3, nothing written) and the attendance day page
(R-A6) — each in a fixed number of queries whatever the number of agents (SPEC §17)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from esp.programs.calendars import calendar_for
from esp.programs.models import DaySchedule, Program
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.roster.models import Agent, TrainingClass
from esp.rules.attendance import Schedule, day_label
from esp.rules.progress import AgentProgress

from .mapping import fits, layout_key, likely_header
from .match import ClassAgent, DayTimes, MeetingImportError, MeetingResult, propose
from .models import MeetingColumns
from .parse import UnknownLayout, parse_meeting
from .sources import Table
from .zones import is_zone

# -- the class day ----------------------------------------------------------------------------


def _class_phase(training_class: TrainingClass, day: date):
    """The phase the class is in on `day` (its last phase start on or before it)."""
    starts = training_class.phase_starts.select_related("phase").order_by("start_date")
    current = [p for p in starts if p.start_date <= day]
    if not current:
        raise MeetingImportError(
            f"class {training_class.code} has not started on {day:%m/%d/%Y} "
            f"(it starts {training_class.start_date:%m/%d/%Y})"
        )
    return current[-1].phase


def class_day_times(training_class: TrainingClass, day: date) -> DayTimes:
    """The schedule of the class's phase on `day` (or the program's schedule for every
    phase), with the class's own start and/or end for that date (ClassDay) over it. A closed
    day, or a weekend or holiday without a ClassDay giving its times, has no class."""
    program = training_class.program
    override = training_class.class_days.filter(date=day).first()
    if override is not None and override.closed:
        note = f" ({override.note})" if override.note else ""
        raise MeetingImportError(f"class {training_class.code} is closed on {day:%m/%d/%Y}{note}")
    has_times = override is not None and bool(override.start or override.end)
    if not has_times and not calendar_for(program).is_business_day(day):
        raise MeetingImportError(f"{day:%m/%d/%Y} is not a business day: no class")
    phase = _class_phase(training_class, day)
    row = (
        DaySchedule.objects.filter(program=program, phase=phase).first()
        or DaySchedule.objects.filter(program=program, phase=None).first()
    )
    if row is None:
        raise MeetingImportError(f"program {program.key} has no class-day schedule")
    schedule = Schedule(
        start=(override.start if has_times else None) or row.start,
        end=(override.end if has_times else None) or row.end,
        first_break_minutes=row.break_minutes,
        second_break_minutes=row.break_minutes,
        lunch_minutes=row.lunch_minutes,
    )
    zone = ZoneInfo(program.time_zone)
    start, end = (datetime.combine(day, at, zone) for at in (schedule.start, schedule.end))
    pauses = tuple(
        (begins, begins + timedelta(minutes=minutes))
        for at, minutes in (
            (row.first_break, row.break_minutes),
            (row.lunch, row.lunch_minutes),
            (row.second_break, row.break_minutes),
        )
        if (begins := datetime.combine(day, at, zone))
    )
    return DayTimes(day, schedule, start, end, phase.key, pauses)


def no_class_reason(training_class: TrainingClass, day: date) -> str:
    """Why the class does not meet on `day` ("" when it does), for
    ``rules.attendance.recording_refused``: closed that day, not a business day (without a
    ClassDay giving its times), or before the class starts."""
    override = training_class.class_days.filter(date=day).first()
    if override is not None and override.closed:
        return f"class {training_class.code} is closed" + (
            f" ({override.note})" if override.note else ""
        )
    has_times = override is not None and bool(override.start or override.end)
    if not has_times and not calendar_for(training_class.program).is_business_day(day):
        return "it is not a business day"
    if day < training_class.start_date:
        return f"class {training_class.code} starts {training_class.start_date:%m/%d/%Y}"
    return ""


# -- the agents of a class on a day -----------------------------------------------------------


def _in_class(records: Iterable, policy, code: str, day: date) -> list:
    """The records whose class on `day` is `code` (moves honoured)."""
    return [r for r in records if AgentProgress(r, policy).class_dates(day).code == code]


def class_agents(training_class: TrainingClass, day: date) -> list[ClassAgent]:
    """The agents in the class on `day`: moves honoured, employment active, not transferred."""
    program = training_class.program
    policy = program.policy()
    records = agent_records(
        program,
        day,
        class_code=training_class.code,
        in_flight=True,
        transfer_task=policy.transfer_task,
        kinds=("status", "move"),
    )
    ids = [r.employee_id for r in _in_class(records, policy, training_class.code, day)]
    rows = Agent.objects.filter(employee_id__in=ids).values_list(
        "pk", "employee_id", "first_name", "last_name", "work_email", "personal_email"
    )
    return sorted(
        (
            ClassAgent(
                pk,
                employee_id,
                f"{first} {last}",
                tuple(e.strip().lower() for e in (work, personal) if e),
            )
            for pk, employee_id, first, last, work, personal in rows
        ),
        key=lambda a: a.employee_id,
    )


def remembered_columns(program: Program, table: Table) -> MeetingColumns | None:
    """The program's remembered mapping that reads `table` (issue 16 item 7): the one of its
    layout (the same column names) first, else the latest whose columns are all there."""
    key = layout_key(likely_header(table)[1])
    mappings = list(MeetingColumns.objects.filter(program=program).order_by("-saved_at"))
    ordered = [m for m in mappings if m.layout_key == key] + mappings
    return next((m for m in ordered if fits(table, m.columns)), None)


def _remembered_note(mapping: MeetingColumns, time_zone: str) -> str:
    when = mapping.saved_at.astimezone(ZoneInfo(time_zone))
    by = f" by {mapping.saved_by}" if mapping.saved_by else ""
    return f"columns read with the mapping remembered for this layout on {when:%m/%d/%Y}{by}"


def propose_meeting(
    source: str | Path | bytes | IO,
    *,
    class_code: str,
    day: date,
    columns: Mapping[str, str] | None = None,
    report_zone: str = "",
) -> MeetingResult:
    """Read a meeting report of `class_code` on `day` and propose what it means (R-A3):
    nothing is written. A layout the app does not know, without `columns`, is read with the
    program's remembered mapping for it if there is one (issue 16 item 7), else raises
    ``UnknownLayout``. `report_zone`: the zone the person says the report's times are in."""
    training_class = TrainingClass.objects.select_related("program").filter(code=class_code).first()
    if training_class is None:
        raise MeetingImportError(f"unknown class '{class_code}'")
    if report_zone and not is_zone(report_zone):
        raise MeetingImportError(f"{report_zone}: not a time zone (e.g. America/New_York)")
    program = training_class.program
    times = class_day_times(training_class, day)
    if not isinstance(source, (str, Path, bytes)):
        source = source.read()  # read twice when a remembered mapping is tried
        source = source.encode() if isinstance(source, str) else source
    note = ""
    try:
        parsed = parse_meeting(
            source, day=day, time_zone=program.time_zone, columns=columns, report_zone=report_zone
        )
    except UnknownLayout as exc:
        remembered = remembered_columns(program, exc.table)
        if remembered is None:
            raise
        columns, note = remembered.columns, _remembered_note(remembered, program.time_zone)
        parsed = parse_meeting(
            source, day=day, time_zone=program.time_zone, columns=columns, report_zone=report_zone
        )
    result = propose(
        parsed,
        class_agents(training_class, day),
        times,
        class_code=class_code,
        minimum=program.occurrence_minimum_minutes,
        absent=program.occurrence_absent_minutes,
    )
    return replace(result, columns=tuple(sorted((columns or {}).items())), mapping_note=note)


def recorded_kinds(agent_ids: Iterable[int], day: date) -> dict[str, set[str]]:
    """Employee id -> the attendance kinds already recorded for the agents on `day` (from
    any source: an earlier import, entered by hand)."""
    recorded: dict[str, set[str]] = {}
    for employee_id, kind in Fact.objects.filter(
        agent_id__in=list(agent_ids), date=day, kind="attendance"
    ).values_list("agent__employee_id", "item"):
        recorded.setdefault(employee_id, set()).add(kind)
    return recorded


def result_recorded(result: MeetingResult) -> dict[str, set[str]]:
    """`recorded_kinds` for every agent a meeting result names (the preview marks them)."""
    ids = {a.agent.agent_id for a in result.matched} | {a.agent_id for a in result.absences}
    return recorded_kinds(ids, result.day)


# -- the attendance day page ------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceRow:
    employee_id: str
    name: str
    active: bool
    label: str  # R-A6: "Full day of work" unless an occurrence is recorded
    facts: list  # the day's attendance facts, in the order recorded


@dataclass(frozen=True)
class AttendanceDay:
    rows: list[AttendanceRow]  # by last name, first name
    kinds: list[tuple[str, str]]  # the program's occurrence kinds: (key, label)
    business_day: bool


def occurrence_kinds(program: Program) -> list[tuple[str, str]]:
    """The program's occurrence kinds as (key, label), in its order."""
    return list(program.occurrence_kinds.values_list("key", "label"))


def _facts_by_agent(employee_ids: list[str], day: date) -> dict[str, list[Fact]]:
    facts = Fact.objects.filter(
        agent__employee_id__in=employee_ids, kind="attendance", date=day
    ).order_by("pk")
    by_agent: dict[str, list[Fact]] = {}
    for fact in facts.select_related("agent"):
        by_agent.setdefault(fact.agent.employee_id, []).append(fact)
    return by_agent


def attendance_day(training_class: TrainingClass, day: date, *, agent_ids=None) -> AttendanceDay:
    """One row per agent in the class on `day` (of `agent_ids`, a subquery, when given)."""
    program = training_class.program
    code = training_class.code
    kinds = occurrence_kinds(program)
    policy = program.policy()  # read once: it is 14 queries
    records = _in_class(
        agent_records(program, day, class_code=code, agent_ids=agent_ids), policy, code, day
    )
    by_agent = _facts_by_agent([r.employee_id for r in records], day)
    labels = dict(kinds)
    rows = []
    for record in sorted(records, key=lambda r: (r.last_name, r.first_name)):
        own = by_agent.get(record.employee_id, [])
        occurrences = [(f.item, int(f.value) if f.value.isdigit() else None) for f in own]
        rows.append(
            AttendanceRow(
                employee_id=record.employee_id,
                name=record.name,
                active=AgentProgress(record, policy).is_active(day),
                label=day_label(occurrences, labels),
                facts=own,
            )
        )
    return AttendanceDay(rows, kinds, calendar_for(program).is_business_day(day))
