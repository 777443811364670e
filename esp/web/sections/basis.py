"""What every Today section shares, read once per page: the program's policy and calendar,
the in-flight agents the user sees (their records, names and what they did on the day), and,
when a section asks, the incompletion and action lines of those agents (esp.web.sections
.sources)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from esp.access import scopes
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.rules.checklist import DayMarks, day_marks
from esp.rules.progress import AgentProgress
from esp.rules.records import AgentRecord
from esp.rules.reports import Context

from .. import selectors
from . import sources
from .preview import FIRST


@dataclass
class Basis:
    user: object
    program: Program
    ctx: Context
    now: datetime
    roles: set[str]
    seen: object  # the agents the user sees: pks, a subquery, or None for every agent
    records: list[AgentRecord]  # the in-flight agents the user sees
    flying: list[AgentProgress]  # the same, with the rules' view of their progress
    marks: DayMarks  # who was touched and who self-reported on the day (R-N5)
    names: dict[str, str]  # employee id -> name
    first: int | None = FIRST  # how many items of each list to show (None: all)

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def policy(self):
        return self.ctx.policy

    @cached_property
    def incompletions(self) -> dict:
        """The incompletion report of the user's agents (R-I1)."""
        return sources.incompletions(self)

    @cached_property
    def actions(self) -> list[dict]:
        """The due corrective actions of the user's agents, each with the agent's name."""
        actions = sources.actions(self)
        for action in actions:
            action["name"] = self.names.get(action["employee_id"], action["employee_id"])
        return actions

    def late_sections(self) -> list[dict]:
        """The incompletion sections of late tasks (all but the transfer section)."""
        return [
            s for s in self.incompletions["sections"] if s["key"] != self.policy.transfer_section
        ]

    def transfer_section(self) -> dict:
        return next(
            s for s in self.incompletions["sections"] if s["key"] == self.policy.transfer_section
        )


def basis(
    user, program: Program, as_of: date, now: datetime, *, first: int | None = FIRST
) -> Basis:
    policy = program.policy()
    ctx = Context(policy=policy, calendar=calendar_for(program), as_of=as_of)
    seen = selectors.seen_agents(user)
    records = selectors.in_flight_records(seen, program, policy, as_of)
    return Basis(
        user=user,
        program=program,
        ctx=ctx,
        now=now,
        roles=scopes.roles(user),
        seen=seen,
        records=records,
        flying=[AgentProgress(record, policy) for record in records],
        marks=day_marks(records, as_of),
        names={record.employee_id: record.name for record in records},
        first=first,
    )
