"""TBT rules (R-B5, R-B7): pure functions over dates, a calendar and plain values.

- R-B5: an agent without TBT access `escalation_days` business days after their N-Number
  request date is listed for a call to the carrier's help desk. "Access" is the date the
  access was recorded (the tbt app's TbtAccess row); an agent with a help-desk call already
  recorded is still listed, with the call, until access is granted.
- R-B7: an agent whose TBT task is still open at the end of ESP day 2 (ESP age >= 2 as of D:
  day 3 has begun) is behind pace.
"""

from __future__ import annotations

from datetime import date

from .calendar import BusinessCalendar
from .progress import AgentProgress
from .records import COMPLETION_COURSES, Policy


def escalation_date(requested_on: date, escalation_days: int, calendar: BusinessCalendar) -> date:
    """The business day on which an agent still without access is escalated."""
    return calendar.add_business_days(requested_on, escalation_days)


def needs_help_desk_call(
    *,
    requested_on: date | None,
    access_granted_on: date | None,
    escalation_days: int,
    as_of: date,
    calendar: BusinessCalendar,
) -> bool:
    """R-B5: requested, no access yet as of D, and D is on or after the escalation date."""
    if requested_on is None or requested_on > as_of:
        return False
    if access_granted_on is not None and access_granted_on <= as_of:
        return False
    return as_of >= escalation_date(requested_on, escalation_days, calendar)


BEHIND_PACE_AGE = 2  # the end of ESP day 2 (R-B7): ESP day N is age N-1 (R-T6)


def is_behind_pace(
    *, esp_start: date | None, tbt_done: bool, as_of: date, calendar: BusinessCalendar
) -> bool:
    """R-B7: the TBT task still open when the agent's ESP age is 2 or more as of D."""
    if tbt_done or esp_start is None or esp_start > as_of:
        return False
    return calendar.age(esp_start, as_of) >= BEHIND_PACE_AGE


def tbt_task_key(policy: Policy) -> str | None:
    """The task completed by the TBT courses (R-B3), if the program has one."""
    for task in policy.tasks:
        if task.completion == COMPLETION_COURSES:
            return task.key
    return None


def tbt_line(progress: AgentProgress, as_of: date, calendar: BusinessCalendar) -> dict | None:
    """R-B4, R-B7: an active agent's TBT courses done, task and pace once their ESP phase
    has started as of D (None before, or when the agent is not active)."""
    policy = progress.policy
    if not progress.is_active(as_of):
        return None
    esp_start = progress.phase_start(policy.esp_phase, as_of)
    if esp_start is None or esp_start > as_of:
        return None
    done_courses = {f.item for f in progress.facts("tbt") if f.value == "done"}
    task = tbt_task_key(policy)
    task_done = progress.is_done(task, as_of) if task else False
    record = progress.record
    return {
        "employee_id": record.employee_id,
        "name": record.name,
        "class_code": progress.class_dates(as_of).code,
        "esp_start": esp_start,
        # R-B1: a done TBT task means every course is done, also when migrated history
        # marked the task done without the courses.
        "courses_done": len(policy.tbt_courses)
        if task_done
        else sum(1 for c in policy.tbt_courses if c in done_courses),
        "courses_total": len(policy.tbt_courses),
        "tbt_done": task_done,
        "behind_pace": is_behind_pace(
            esp_start=esp_start, tbt_done=task_done, as_of=as_of, calendar=calendar
        ),
    }
