"""The demo's uptraining undo (issue 15, R-E3, seed 003): the agent the season's touches moved
to the uptraining class the day after ESP day 5 (esp/demo/touchups.py) gets the checklist's
steps recorded on that day through the service; their Call Certs passed since, so the ESP
Manager's "undo uptraining" list (Today and the daily mail) shows them on the first click."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from esp.operations.services import extension_step_record
from esp.roster.models import Agent

#: The steps in order and when on the day (program time) each was done: the dashboard is
#: verified after the 10 minutes the NOC's tools may take (seed 003).
STEPS = (
    ("uptraining_set", time(10, 0)),
    ("dashboard_verify", time(10, 15)),
    ("agent_relog", time(10, 20)),
)


def demo_uptraining(program, uptrained: list[tuple[str, str]], actor) -> int:
    """Record the uptraining steps of each (employee_id, ISO day); returns the agents."""
    zone = ZoneInfo(program.time_zone)
    done = 0
    for employee_id, iso in uptrained:
        agent = Agent.objects.select_related("training_class").get(employee_id=employee_id)
        day = date.fromisoformat(iso)
        for step, at in STEPS:
            extension_step_record(
                program=program,
                training_class=agent.training_class,
                step=step,
                agent=agent,
                actor=actor,
                now=datetime.combine(day, at, tzinfo=zone),
                as_of=day,
            )
        done += 1
    return done
