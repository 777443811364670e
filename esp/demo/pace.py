"""Demo module progress (R-I1b) for the demo agents in the licensing phase today: most on
pace, every third one with a minimum to meet (one not already met through its task) behind on
the latest one. Dated relative to today."""

from __future__ import annotations

import math
from datetime import date

from esp.pace import selectors, services
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.roster.models import Agent


def demo_pace(program: Program, as_of: date) -> int:
    """Record the demo progress through the audited service; returns the cells recorded."""
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
        if counted and index % 3 == 1:
            todo = counted[:-1]
        else:
            todo = [m for m in open_modules if m.due_by <= age + 1]  # on pace, today's too
        for module in todo:
            done_age = min(max(0, math.ceil(module.due_by) - 1), age)
            day = min(calendar.day_with_age(line["phase_start"], done_age), as_of)
            if services.module_progress_set(
                agent=agents[line["employee_id"]], module=module, done=True, day=day, actor=None
            ):
                recorded += 1
    return recorded
