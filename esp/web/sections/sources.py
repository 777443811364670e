"""Where the Today lists of a §15 report take their lines (issue 14): one function per report,
each returning the report scoped to the user, as `esp.reports.builders.scoped_report` would.

Today they run the report rules (esp.rules.reports) over the records the page already read
for the user's own agents, instead of building the whole program's report and trimming it: a
line depends only on its agent's record, so the lines are the same, and each record is cut
to the kinds of facts the report reads (`KINDS`), so the rules see exactly what
`build_report` gives them. A read model can replace any one of these functions alone.
"""

from __future__ import annotations

from dataclasses import replace

from esp.reports.builders import KINDS
from esp.rules import reports as rules
from esp.rules.records import AgentRecord

from .. import selectors


def _cut(records: list[AgentRecord], name: str) -> list[AgentRecord]:
    kinds = set(KINDS[name])
    return [replace(r, facts=tuple(f for f in r.facts if f.kind in kinds)) for r in records]


def incompletions(base) -> dict:
    """R-I1: the in-flight agents' late tasks by section (the report's in-flight scope)."""
    return rules.BUILDERS["incompletions"](_cut(base.records, "incompletions"), base.ctx)


def actions(base) -> list[dict]:
    """The corrective actions due and overdue (R-L2 to R-L3b, R-N4a). Today is for staff, who
    see every step (no agent reads this: `scoped_report`'s staff-only filter keeps all)."""
    return rules.BUILDERS["actions"](_cut(base.records, "actions"), base.ctx)["actions"]


def extensions(base) -> list[dict]:
    """R-E1, R-E2: the classes needing a training-environment extension (the ESP Manager's,
    who sees every agent: the method counts the whole class)."""
    return rules.BUILDERS["extensions"](_cut(base.records, "extensions"), base.ctx)["classes"]


def callcert(base) -> list[dict]:
    """R-C4: every agent the user sees in the ESP phase with their call certification (not
    only the in-flight: the report's scope), read for those agents alone."""
    records = selectors.callcert_records(base.seen, base.program, base.ctx.policy, base.as_of)
    names = {record.employee_id: record.name for record in records}
    lines = rules.BUILDERS["callcert"](records, base.ctx)["agents"]
    for line in lines:
        line["name"] = names[line["employee_id"]]
    return lines
