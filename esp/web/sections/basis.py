"""What every Today section shares, read once per page: the program's policy and calendar,
the scoped incompletion and action reports, the in-flight agents the user sees, their names
and what they did on the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from esp.access import scopes
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.reports.builders import build_report, scoped_report
from esp.rules.checklist import DayMarks, day_marks
from esp.rules.progress import AgentProgress
from esp.rules.reports import Context

from .. import selectors


@dataclass
class Basis:
    user: object
    program: Program
    ctx: Context
    now: datetime
    roles: set[str]
    incompletions: dict  # the scoped incompletion report (R-I1)
    actions: list[dict]  # the scoped due corrective actions, each with the agent's name
    flying: list[AgentProgress]  # the in-flight agents the user sees
    marks: DayMarks  # who was touched and who self-reported on the day (R-N5)
    names: dict[str, str]  # employee id -> name

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def policy(self):
        return self.ctx.policy

    def late_sections(self) -> list[dict]:
        """The incompletion sections of late tasks (all but the transfer section)."""
        return [
            s for s in self.incompletions["sections"] if s["key"] != self.policy.transfer_section
        ]

    def transfer_section(self) -> dict:
        return next(
            s for s in self.incompletions["sections"] if s["key"] == self.policy.transfer_section
        )


def basis(user, program: Program, as_of: date, now: datetime) -> Basis:
    policy = program.policy()
    ctx = Context(policy=policy, calendar=calendar_for(program), as_of=as_of)
    incompletions = scoped_report(user, build_report("incompletions", as_of=as_of, program=program))
    actions = scoped_report(user, build_report("actions", as_of=as_of, program=program))["actions"]
    records = selectors.in_flight_records(user, program, policy, as_of)
    ids = [record.employee_id for record in records]
    names = selectors.agent_names(ids + [a["employee_id"] for a in actions])
    for action in actions:
        action["name"] = names.get(action["employee_id"], action["employee_id"])
    return Basis(
        user=user,
        program=program,
        ctx=ctx,
        now=now,
        roles=scopes.roles(user),
        incompletions=incompletions,
        actions=actions,
        flying=[AgentProgress(record, policy) for record in records],
        marks=day_marks(records, as_of),
        names=names,
    )
