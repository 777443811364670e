"""Demo module progress (R-I1b) for the demo agents in the licensing phase today: most on
pace, every third one with a minimum to meet (one not already met through its task) behind on
the latest one. Dated relative to today."""

from __future__ import annotations

import math
from datetime import date

from esp.pace import selectors, services
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import Fact
from esp.roster.models import Agent

AHIP_MODULES = "ahip_"  # AHIP modules 1-5 (esp/pace/defaults.py)


def _ahip_attempts(agents, last: date) -> dict[str, date]:
    """Employee id -> the day of the agent's first AHIP final attempt up to `last`."""
    first: dict[str, date] = {}
    for employee_id, day in (
        Fact.objects.filter(agent__in=list(agents), kind="exam", item="ahip", date__lte=last)
        .order_by("date")
        .values_list("agent__employee_id", "date")
    ):
        first.setdefault(employee_id, day)
    return first


def demo_pace(program: Program, as_of: date, last: date | None = None) -> int:
    """Record the demo progress through the audited service, none after `last` (the demo's
    working day); returns the cells recorded. An agent who has sat the AHIP final has done
    every AHIP module before it (a failed attempt and a missing module tell one story)."""
    last = min(as_of, last or as_of)
    phase = selectors.pace_phase(program)
    modules = selectors.pace_modules(phase)
    if not modules:
        return 0
    calendar = calendar_for(program)
    _, lines = selectors.pace_lines(program, as_of)
    agents = {
        a.employee_id: a
        for a in Agent.objects.filter(employee_id__in=[line["employee_id"] for line in lines])
    }
    sat = _ahip_attempts(agents.values(), last)
    recorded = 0
    index = 0
    for line in lines:
        age = line["licensing_day"] - 1
        open_modules = [  # a task-only module is done only through its task (R-B2)
            m for m in modules if m.key not in line["by_task"] and not m.task_only
        ]
        counted = [m for m in open_modules if m.key in line["due"]]
        if counted:  # every third agent with a minimum to meet is behind on the latest one
            index += 1
        first_attempt = sat.get(line["employee_id"])
        if first_attempt is not None:
            todo = [m for m in open_modules if m.key.startswith(AHIP_MODULES)]
        elif counted and index % 3 == 1:
            todo = counted[:-1]
        else:
            todo = [m for m in open_modules if m.due_by <= age + 1]  # on pace, today's too
        for module in todo:
            done_age = min(max(0, math.ceil(module.due_by) - 1), age)
            day = min(calendar.day_with_age(line["phase_start"], done_age), last)
            if first_attempt is not None:
                day = min(day, first_attempt)
            if day < line["phase_start"]:
                continue  # the phase began after the demo's working day
            if services.module_progress_set(
                agent=agents[line["employee_id"]], module=module, done=True, day=day, actor=None
            ):
                recorded += 1
    return recorded
