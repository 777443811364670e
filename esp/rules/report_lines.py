"""The reports of SPEC §15 cut into lines, one agent at a time, and put back together.

The read model (progress.models.ReportLine, issue 14) stores, per as-of day, each agent's
lines exactly as the report builders of `reports` produce them; a report is then read back
by `assemble`. Both halves are the builders' own per-agent functions, so the rules stay the
one source of truth: `assemble(name, lines_of(...) for every agent)` equals
`BUILDERS[name](records, ctx)` (tests/progress/test_projection.py checks it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from . import reports as rules
from .checklist import SELF_REPORT
from .exams import last_attempts_to_arrange
from .flags import open_flags
from .pace import MODULE, agent_pace
from .progress import AgentProgress
from .records import AgentRecord
from .tbt import escalation_date, tbt_line, tbt_task_key

#: Bumped whenever the lines these rules compute change for the same facts: a day built by
#: older rules then no longer matches its stamp and is built again on its next read.
RULES_VERSION = 5  # 5: a "done" line's state is its task
REPORTS = ("incompletions", "actions", "callcert", "attendance", "extensions")
# Not a §15 report: what the Today page lists of the agents in flight, kept like the reports
# (esp.web.sections): one "flight" line per agent (state "reported" once they self-reported
# on the day, R-N5), a "done" line per task done (the funnel), an open red flag (R-N4b), an
# exam to arrange a proctored last attempt for (R-N4a), TBTs behind pace (R-B7), the day a
# help-desk call falls due if TBT access has not come by then (R-B5: the latest N-Number
# request's escalation date, while the TBTs are open; the access is not a fact, the page
# checks it), and each agent in the paced phase with their licensing day and the minimums
# they miss (R-I1b: state "behind" when they miss one; the context's pace table says what).
TODAY = "today"
TODAY_SECTIONS = ("flight", "done", "flag", "proctored", "tbt_behind", "escalation", "pace")
BUILT = (*REPORTS, TODAY)  # what the read model keeps per day
# Reports that never name a transferred or ended agent may skip them in SQL.
IN_FLIGHT_ONLY = frozenset({"incompletions", "actions", "extensions", TODAY})
# The kinds of facts an agent's record holds by default (esp.progress.selectors.agent_records)
FACT_KINDS = ("task", "tbt", "call", "exam", "action", "status", "equipment", "move", "attendance")
# The kinds of facts each report's rules read (status and move: who is active, and where).
KINDS = {
    "incompletions": ("task", "tbt", "call", "equipment", "status", "move"),
    "actions": FACT_KINDS,
    "callcert": ("task", "call", "status", "move"),
    "attendance": ("attendance", "status", "move"),
    "extensions": ("task", "call", "status", "move"),
    TODAY: (*FACT_KINDS, "flag", "n_number", SELF_REPORT, MODULE),
}
ALL_KINDS = tuple(sorted({kind for kinds in KINDS.values() for kind in kinds}))


@dataclass(frozen=True)
class Line:
    """One line of a report for one agent as of D, with the columns it is sorted by.

    `section` and `section_order` place an incompletions line; `ladder`, `due_on` and
    `position` (its place among the agent's lines) order the actions; `payload` is the
    line of the §15 JSON exactly as the builders write it. `rank` and `state` let a page
    pick lines in SQL: an incompletion's age in business days, an action's status, a call
    certification's result, whether an agent in flight self-reported, the task a "done"
    line says is done (also its `step`: the state is in the index that counts them alone).
    """

    employee_id: str
    class_code: str
    payload: dict
    section: str = ""
    section_order: int = 0
    ladder: str = ""
    due_on: str = ""
    step: str = ""
    position: int = 0
    rank: int = 0
    state: str = ""

    def sort_key(self) -> tuple:
        return (
            self.section_order,
            self.class_code,
            self.employee_id,
            self.ladder,
            self.due_on,
            self.position,
        )


def as_of_record(record: AgentRecord, as_of: date, kinds: Iterable[str]) -> AgentRecord:
    """The record as the selector gives it for D and one report: facts dated on or before D,
    of the kinds the report reads."""
    wanted = set(kinds)
    facts = tuple(f for f in record.facts if f.date <= as_of and f.kind in wanted)
    if len(facts) == len(record.facts):
        return record
    return dataclasses.replace(record, facts=facts)


def _without_class(line: dict) -> tuple[str, dict]:
    line = dict(line)
    return line.pop("class_code"), line


def lines_of(name: str, record: AgentRecord, ctx: rules.Context) -> list[Line]:
    """The lines of report `name` for one agent as of `ctx.as_of`."""
    progress = AgentProgress(record, ctx.policy)
    employee_id = record.employee_id
    if name == "incompletions":
        order = {section.key: i for i, section in enumerate(ctx.policy.sections)}
        return [
            Line(
                employee_id,
                line["class_code"],
                line,
                section=key,
                section_order=order[key],
                rank=line["age_business_days"],
            )
            for key, line in rules.incompletion_lines(progress, ctx).items()
        ]
    if name == "actions":
        found = []
        for position, full in enumerate(rules.action_lines(progress, ctx)):
            code, line = _without_class(full)
            found.append(
                Line(
                    employee_id,
                    code,
                    line,
                    ladder=line["ladder"],
                    due_on=line["due_on"],
                    step=line["step"],
                    position=position,
                    state=line["status"],
                )
            )
        return found
    if name in ("callcert", "attendance"):
        builder = rules.callcert_line if name == "callcert" else rules.attendance_line
        full = builder(progress, ctx)
        if full is None:
            return []
        code, line = _without_class(full)
        return [Line(employee_id, code, line, state=line.get("result", ""))]
    if name == "extensions":
        code = rules.needs_extension(progress, ctx)
        return [] if code is None else [Line(employee_id, code, {"employee_id": employee_id})]
    if name == TODAY:
        return today_lines(progress, ctx)
    raise ValueError(f"unknown report '{name}'")


def today_lines(progress: AgentProgress, ctx: rules.Context) -> list[Line]:
    """What Today lists of one agent in flight as of D (nothing for the others)."""
    as_of, policy = ctx.as_of, ctx.policy
    if not rules.on_due_lists(progress, as_of):
        return []
    record = progress.record
    employee_id, code, name = record.employee_id, progress.class_dates(as_of).code, record.name
    reported = any(f.date == as_of and f.kind == SELF_REPORT for f in record.facts)
    order = {section: i for i, section in enumerate(TODAY_SECTIONS)}

    def line(section: str, payload: dict, position: int = 0, **more) -> Line:
        return Line(
            employee_id,
            code,
            payload,
            section=section,
            section_order=order[section],
            position=position,
            **more,
        )

    found = [line("flight", {"name": name}, state="reported" if reported else "")]
    done = [task.key for task in policy.tasks if progress.is_done(task.key, as_of)]
    found += [line("done", {}, i, step=key, state=key) for i, key in enumerate(done)]
    flags = open_flags(
        [f for f in record.facts if f.kind in ("flag", "exam")],
        exam_attempts=policy.exam_attempts,
    )
    for i, flag in enumerate(flags):
        since = flag.date.isoformat()
        payload = {"name": name, "flag": flag.value, "since": since}
        found.append(line("flag", payload, i, step=flag.value, due_on=since))
    lasts = last_attempts_to_arrange(progress.facts("exam"), as_of, policy.exam_attempts)
    for i, last in enumerate(lasts):
        payload = {"name": name, "exam": last.exam, "fails": last.fails}
        found.append(line("proctored", payload, i, step=last.exam))
    tbt = tbt_line(progress, as_of, ctx.calendar)
    if tbt is not None and tbt["behind_pace"]:
        payload = {"name": name, "esp_start": tbt["esp_start"].isoformat()}
        payload |= {key: tbt[key] for key in ("courses_done", "courses_total")}
        found.append(line("tbt_behind", payload))
    requests = [f for f in progress.facts("n_number") if f.item == "requested"]
    task = tbt_task_key(policy)
    if requests and not (task and progress.is_done(task, as_of)):  # R-B5: TBTs still open
        due = escalation_date(requests[-1].date, policy.n_number_escalation_days, ctx.calendar)
        payload = {"requested_on": requests[-1].date.isoformat()}
        found.append(line("escalation", payload, due_on=due.isoformat()))
    if ctx.pace is not None:
        pace = agent_pace(progress, ctx.pace, as_of, ctx.calendar)
        if pace.status.in_phase:
            payload = {"licensing_day": pace.status.day, "missing": pace.missing_names(ctx.pace)}
            found.append(line("pace", payload, state="behind" if pace.status.behind else ""))
    return found


def empty(name: str, ctx: rules.Context) -> dict:
    """The report with no line: the §15 shape, empty sections present."""
    head = {"report": name, "as_of": ctx.as_of.isoformat()}
    if name == "incompletions":
        head["sections"] = [
            {
                "key": section.key,
                "threshold_days": None
                if section.key == ctx.policy.transfer_section
                else section.threshold_days,
                "agents": [],
            }
            for section in ctx.policy.sections
        ]
    elif name == "actions":
        head["actions"] = []
    elif name == "extensions":
        head["classes"] = []
    elif name == TODAY:
        head["lines"] = []
    else:
        head["agents"] = []
    return head


def assemble(
    name: str,
    lines: Iterable[Line],
    ctx: rules.Context,
    *,
    class_sizes: dict[str, int] | None = None,
) -> dict:
    """The report made of `lines` (already in `Line.sort_key` order).

    `class_sizes` gives the number of agents of each class needing an extension in the
    whole program (R-E2's method counts them all, whoever reads the report); without it the
    lines given are the whole class.
    """
    report = empty(name, ctx)
    if name == "incompletions":
        by_key = {section["key"]: section["agents"] for section in report["sections"]}
        for line in lines:
            by_key[line.section].append(line.payload)
    elif name == "actions":
        report["actions"] = [line.payload for line in lines]
    elif name == "extensions":
        by_class: dict[str, list[str]] = {}
        for line in lines:
            by_class.setdefault(line.class_code, []).append(line.employee_id)
        sizes = class_sizes or {code: len(ids) for code, ids in by_class.items()}
        report["classes"] = [
            {
                "class_code": code,
                "method": rules.extension_method(sizes[code], ctx.policy.spin_up_min_agents),
                "employee_ids": sorted(ids),
            }
            for code, ids in sorted(by_class.items())
        ]
    elif name == TODAY:
        report["lines"] = [dataclasses.asdict(line) for line in lines]
    else:
        report["agents"] = [line.payload for line in lines]
    return report


def report_from_records(name: str, records: Iterable[AgentRecord], ctx: rules.Context) -> dict:
    """The report through lines: what the read model answers, computed without it."""
    lines = [line for record in records for line in lines_of(name, record, ctx)]
    lines.sort(key=Line.sort_key)
    return assemble(name, lines, ctx)
