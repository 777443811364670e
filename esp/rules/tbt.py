"""TBT rules (R-B5, R-B7): pure functions over dates, a calendar and plain values.

- R-B5: an agent without TBT access `escalation_days` business days after their N-Number
  request date, whose TBTs are still open, is listed for a call to the carrier's help desk
  (issue 15 item 3: an agent whose TBTs are done needs no access any more). "Access" is the
  date the access was recorded (the tbt app's TbtAccess row); an agent with a help-desk call
  already recorded is still listed, with the call, until access is granted.
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
    tbts_open: bool = True,
) -> bool:
    """R-B5: requested, no access yet as of D, TBTs still open as of D, and D is on or after
    the escalation date."""
    if not tbts_open or requested_on is None or requested_on > as_of:
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


# -- seed 000: "TBTs should be completed and should take no longer than 8 hours" -------------


def class_days_for(hours: int, day_minutes: int) -> int:
    """How many class days `hours` of TBT work take with `day_minutes` of working time a day
    (R-A1: 8:00-4:30 less breaks and lunch is 450 minutes, so 8 hours are 2 class days)."""
    if day_minutes <= 0:
        return 1
    return max(1, -(-hours * 60 // day_minutes))


def tbt_due_on(access_on: date, hours: int, day_minutes: int, calendar: BusinessCalendar) -> date:
    """The class day by whose end the TBTs are due: `hours` of class time counted from the
    day TBT access works (that day is the first; a weekend or holiday counts from the next
    business day)."""
    first = calendar.on_or_after(access_on)
    days = class_days_for(hours, day_minutes)
    return first if days == 1 else calendar.add_business_days(first, days - 1)


def done_since(progress: AgentProgress, task: str, as_of: date) -> date | None:
    """The first day of the task's current run of being done as of D (None: open)."""
    days = sorted({f.date for kind in ("task", "tbt") for f in progress.facts(kind)})
    since = None
    for day in (d for d in days if d <= as_of):
        if progress.is_done(task, day):
            since = since or day
        else:
            since = None
    return since if progress.is_done(task, as_of) else None


def tbt_over_time(
    *,
    access_on: date | None,
    done_on: date | None,
    hours: int,
    day_minutes: int,
    as_of: date,
    calendar: BusinessCalendar,
) -> bool:
    """Seed 000 (issue 15 item 4): TBTs took longer than `hours` of class time from TBT access
    to completion: still open after their due day, or completed after it. Nothing before the
    access works (the clock starts with it)."""
    if access_on is None or access_on > as_of:
        return False
    due = tbt_due_on(access_on, hours, day_minutes, calendar)
    if done_on is not None and done_on <= as_of:
        return done_on > due
    return as_of > due
