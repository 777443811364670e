"""The reports of SPEC §15 as pure functions over agent records.

Each builder takes the agents' records, the program policy, the business calendar and the
as-of date, and returns a dict in exactly the report's JSON shape (keys, sort order, empty
sections present). The text, CSV and .xlsx renderings are made from these dicts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .attendance import attendance_step, in_window, occurrences_from_facts, points
from .calendar import BusinessCalendar
from .ladders import exam_steps, timeframe_step
from .pace import PaceTable
from .progress import AgentProgress
from .records import AgentRecord, Policy


@dataclass(frozen=True)
class Context:
    policy: Policy
    calendar: BusinessCalendar
    as_of: date
    # R-I1b: the program's pace table (esp.pace), which the Today lines read; None: no table
    pace: PaceTable | None = None


def _progress(records: Iterable[AgentRecord], policy: Policy) -> list[AgentProgress]:
    return [AgentProgress(record, policy) for record in records]


def _sort_key(line: dict) -> tuple:
    return (line["class_code"], line["employee_id"])


def on_due_lists(progress: AgentProgress, as_of: date) -> bool:
    """Active (R-P3) and not yet transferred to production (decisions.md): only such agents
    can have incompletions, due corrective actions or a needed extension."""
    return progress.is_active(as_of) and not progress.is_done(progress.policy.transfer_task, as_of)


# -- incompletions (R-I1, R-I2, R-P2) ----------------------------------------------------------


def incompletion_lines(progress: AgentProgress, ctx: Context) -> dict[str, dict]:
    """The sections an active agent appears in as of D, each with its line."""
    as_of, policy, calendar = ctx.as_of, ctx.policy, ctx.calendar
    if not on_due_lists(progress, as_of):
        return {}
    record = progress.record
    class_code = progress.class_dates(as_of).code
    found: dict[str, dict] = {}

    def line(age: int) -> dict:
        return {
            "employee_id": record.employee_id,
            "name": record.name,
            "class_code": class_code,
            "age_business_days": age,
        }

    for section in policy.sections:
        if section.key == policy.transfer_section:
            since = progress.task_start(policy.task(policy.transfer_task), as_of)
            if since is not None:
                found[section.key] = line(calendar.age(since, as_of))
            continue
        phase = policy.task(section.tasks[0]).phase
        start = progress.phase_start(phase, as_of)
        if start is None or start > as_of:
            continue
        age = calendar.age(start, as_of)
        if age < (section.threshold_days or 0):
            continue
        if not progress.all_done(section.tasks, as_of):
            found[section.key] = line(age)
    return found


def incompletions(records: Iterable[AgentRecord], ctx: Context) -> dict:
    lines: dict[str, list[dict]] = {section.key: [] for section in ctx.policy.sections}
    for progress in _progress(records, ctx.policy):
        for key, line in incompletion_lines(progress, ctx).items():
            lines[key].append(line)
    return {
        "report": "incompletions",
        "as_of": ctx.as_of.isoformat(),
        "sections": [
            {
                "key": section.key,
                "threshold_days": None
                if section.key == ctx.policy.transfer_section
                else section.threshold_days,
                "agents": sorted(lines[section.key], key=_sort_key),
            }
            for section in ctx.policy.sections
        ],
    }


def transferred_since_previous_business_day(
    records: Iterable[AgentRecord], ctx: Context
) -> list[dict]:
    """R-I1a: agents whose transfer is dated from the previous business day up to D (excl.)."""
    since = ctx.calendar.previous_business_day(ctx.as_of)
    found = []
    for progress in _progress(records, ctx.policy):
        if not progress.is_active(ctx.as_of):  # R-P3: gone from every report
            continue
        on = progress.transferred_on(ctx.as_of)
        if on is not None and since <= on < ctx.as_of:
            record = progress.record
            found.append(
                {
                    "employee_id": record.employee_id,
                    "name": record.name,
                    "class_code": progress.class_dates(ctx.as_of).code,
                    "transferred_on": on.isoformat(),
                }
            )
    return sorted(found, key=_sort_key)


# -- actions (R-L2 to R-L3b, R-N4a) -------------------------------------------------------------


def action_lines(progress: AgentProgress, ctx: Context) -> list[dict]:
    as_of, policy, calendar = ctx.as_of, ctx.policy, ctx.calendar
    if not on_due_lists(progress, as_of):
        return []
    deliveries = progress.facts("action")
    steps = []
    for ladder in policy.ladders:
        start = progress.phase_start(ladder.phase, as_of)
        if start is None or start > as_of:
            continue
        step = timeframe_step(
            calendar,
            ladder,
            start,
            deliveries,
            as_of,
            tasks_done=progress.all_done(ladder.tasks, as_of),
        )
        if step is not None:
            steps.append(step)
    steps.extend(
        exam_steps(
            calendar,
            progress.facts("exam"),
            deliveries,
            as_of,
            ladder=policy.exams_ladder,
            steps=policy.exam_steps,
        )
    )
    if policy.attendance_levels:  # R-A5
        step = attendance_step(
            occurrences_from_facts(progress.facts("attendance")),
            deliveries,
            as_of,
            calendar,
            policy.attendance_levels,
            policy.attendance_window_days,
            policy.points_table,
            ladder=policy.attendance_ladder,
            minimum=policy.occurrence_minimum_minutes,
        )
        if step is not None:
            steps.append(step)
    class_code = progress.class_dates(as_of).code
    lines = []
    for step in steps:
        line = {
            "employee_id": progress.record.employee_id,
            "ladder": step.ladder,
            "step": step.step,
            "due_on": step.due_on.isoformat(),
            "status": step.status,
            "class_code": class_code,
        }
        if line not in lines:
            lines.append(line)
    return lines


def actions(records: Iterable[AgentRecord], ctx: Context) -> dict:
    lines = []
    for progress in _progress(records, ctx.policy):
        lines.extend(action_lines(progress, ctx))
    lines.sort(key=lambda a: (a["class_code"], a["employee_id"], a["ladder"], a["due_on"]))
    for line in lines:
        del line["class_code"]
    return {"report": "actions", "as_of": ctx.as_of.isoformat(), "actions": lines}


# -- call certification (R-C4, R-C5) ----------------------------------------------------------


def callcert_line(progress: AgentProgress, ctx: Context) -> dict | None:
    as_of, policy = ctx.as_of, ctx.policy
    if not progress.is_active(as_of):
        return None
    start = progress.phase_start(policy.esp_phase, as_of)
    if start is None or start > as_of:
        return None
    record = progress.record
    result = progress.call_cert(as_of)
    return {
        "employee_id": record.employee_id,
        "calls_scored": result.calls_scored,
        "calls_passed": result.calls_passed,
        "pass_rate": result.pass_rate,
        "result": result.result,
        "scorecard_name": result.scorecard_name(record.first_name, record.last_name),
        "class_code": progress.class_dates(as_of).code,
    }


def callcert(records: Iterable[AgentRecord], ctx: Context) -> dict:
    lines = [
        line
        for progress in _progress(records, ctx.policy)
        if (line := callcert_line(progress, ctx)) is not None
    ]
    lines.sort(key=_sort_key)
    for line in lines:
        del line["class_code"]
    return {"report": "callcert", "as_of": ctx.as_of.isoformat(), "agents": lines}


# -- training-environment extensions (R-E1, R-E2) ---------------------------------------------

CLASS_SPIN_UP = "class_spin_up"
UPTRAINING_CLASS = "uptraining_class"


def extension_method(count: int, spin_up_min_agents: int) -> str:
    """R-E2: 5 or more agents of a class -> class spin-up; 1-4 -> uptraining class."""
    return CLASS_SPIN_UP if count >= spin_up_min_agents else UPTRAINING_CLASS


def needs_extension(progress: AgentProgress, ctx: Context) -> str | None:
    """R-E1: the class code when the agent needs an extension as of D, else None."""
    as_of, policy = ctx.as_of, ctx.policy
    if not on_due_lists(progress, as_of):
        return None
    dates = progress.class_dates(as_of)
    start = dates.phase_starts.get(policy.esp_phase)
    if start is None or start > as_of:
        return None
    if ctx.calendar.age(start, as_of) < policy.environment_days - 1:
        return None
    if progress.is_done(policy.call_task, as_of):
        return None
    return dates.code


def extensions(records: Iterable[AgentRecord], ctx: Context) -> dict:
    by_class: dict[str, list[str]] = {}
    for progress in _progress(records, ctx.policy):
        code = needs_extension(progress, ctx)
        if code is not None:
            by_class.setdefault(code, []).append(progress.record.employee_id)
    return {
        "report": "extensions",
        "as_of": ctx.as_of.isoformat(),
        "classes": [
            {
                "class_code": code,
                "method": extension_method(len(ids), ctx.policy.spin_up_min_agents),
                "employee_ids": sorted(ids),
            }
            for code, ids in sorted(by_class.items())
        ],
    }


# -- attendance (R-A2, R-A4) ---------------------------------------------------------------------


def json_number(value: Decimal) -> int | float:
    """A points total as a JSON number: 2 for 2.0, 2.5 for 2.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def attendance_line(progress: AgentProgress, ctx: Context) -> dict | None:
    """An active agent's occurrences in the rolling window and their points (R-A4), or None
    when there is none (a tardy or early leave under the minimum is no occurrence, R-A2)."""
    as_of, policy = ctx.as_of, ctx.policy
    if not progress.is_active(as_of):
        return None
    occurrences = occurrences_from_facts(progress.facts("attendance"))
    window = in_window(
        occurrences,
        as_of,
        window_days=policy.attendance_window_days,
        minimum=policy.occurrence_minimum_minutes,
    )
    if not window:
        return None
    total = points(
        window,
        as_of,
        window_days=policy.attendance_window_days,
        points_table=policy.points_table,
        minimum=policy.occurrence_minimum_minutes,
    )
    return {
        "employee_id": progress.record.employee_id,
        "points": json_number(total),
        "occurrences": [
            {"date": o.date.isoformat(), "kind": o.kind, "minutes": o.minutes} for o in window
        ],
        "class_code": progress.class_dates(as_of).code,
    }


def attendance(records: Iterable[AgentRecord], ctx: Context) -> dict:
    lines = [
        line
        for progress in _progress(records, ctx.policy)
        if (line := attendance_line(progress, ctx)) is not None
    ]
    lines.sort(key=_sort_key)
    for line in lines:
        del line["class_code"]
    return {"report": "attendance", "as_of": ctx.as_of.isoformat(), "agents": lines}


BUILDERS = {
    "incompletions": incompletions,
    "actions": actions,
    "callcert": callcert,
    "attendance": attendance,
    "extensions": extensions,
}
