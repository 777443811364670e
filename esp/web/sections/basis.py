"""What every Today section shares, read once per page: the program's policy and calendar,
the agents the user sees, and the read model's lines of the day (esp.web.sections.sources)
built for it. The records of the user's in-flight agents are read only by a section that
needs them (the TL's evening checklist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from esp.access import scopes
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.services import projection
from esp.rules.checklist import DayMarks, day_marks
from esp.rules.progress import AgentProgress
from esp.rules.records import AgentRecord
from esp.rules.report_lines import TODAY
from esp.rules.reports import Context
from esp.upkeep.selectors import confirmed_on

from .. import manager_selectors, selectors
from .preview import FIRST
from .sources import OLDEST_FIRST, lines_key

#: The read model's reports Today lists from, built for the day on the page's first read.
TODAY_REPORTS = ("incompletions", "actions", "callcert", "extensions", TODAY)


@dataclass
class Basis:
    user: object
    program: Program
    ctx: Context
    now: datetime
    roles: set[str]
    seen: object  # the agents the user sees: pks, a subquery, or None for every agent
    first: int | None = FIRST  # how many items of each list to show (None: all)

    @property
    def as_of(self) -> date:
        return self.ctx.as_of

    @property
    def policy(self):
        return self.ctx.policy

    def lines(self, report: str, *, section: str | None = None):
        """The day's lines of `report` for the agents the user sees (a query)."""
        return selectors.report_lines(self.program, self.as_of, report, self.seen, section=section)

    def late_lines(self):
        """The incompletion lines of late tasks (every section but the transfer's)."""
        return self.lines("incompletions").exclude(section=self.policy.transfer_section)

    @cached_property
    def incompletions(self) -> dict[str, tuple[list[dict], int]]:
        """Each incompletion section's first lines, the longest late first, and how many:
        read once for every late section and the transfers (sources.late)."""
        values = [section.key for section in self.policy.sections]
        key = lines_key(self, "incompletions", *values)  # compiled once (issue 14)
        return selectors.first_lines_per(
            (lambda: self.lines("incompletions")) if key else self.lines("incompletions"),
            "section",
            values,
            OLDEST_FIRST,
            self.first,
            key=key,
        )

    @cached_property
    def manager_counts(self):
        """The ESP Manager's glance and pictures' counts (every agent's), read once for both
        sections in one query (esp.web.manager_selectors.day_counts, issue 14)."""
        return manager_selectors.day_counts(self.program, self.as_of, self.policy.transfer_section)

    @cached_property
    def records(self) -> list[AgentRecord]:
        """The in-flight agents the user sees, with their facts."""
        return selectors.in_flight_records(self.seen, self.program, self.policy, self.as_of)

    @cached_property
    def flying(self) -> list[AgentProgress]:
        return [AgentProgress(record, self.policy) for record in self.records]

    @cached_property
    def marks(self) -> DayMarks:
        """Who was touched, confirmed unchanged and self-reported on the day (R-N5)."""
        marks = day_marks(self.records, self.as_of)
        confirmed = confirmed_on(self.as_of, selectors.agents_among(self.seen))
        return DayMarks(marks.touched, marks.reported, confirmed)


def basis(
    user, program: Program, as_of: date, now: datetime, *, first: int | None = FIRST
) -> Basis:
    ctx = Context(policy=program.policy(), calendar=calendar_for(program), as_of=as_of)
    projection.ensure_days(program=program, as_of=as_of, reports=TODAY_REPORTS, now=now, ctx=ctx)
    return Basis(
        user=user,
        program=program,
        ctx=ctx,
        now=now,
        roles=scopes.roles(user),
        seen=selectors.seen_agents(user),
        first=first,
    )
