"""The reports of SPEC §15, built from the database through the selector layer."""

from __future__ import annotations

from datetime import date

from esp.access import scopes
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.selectors import STAFF_ONLY_STEPS, agent_records
from esp.roster.selectors import program_for
from esp.rules import reports as rules
from esp.rules import upkeep as upkeep_rules
from esp.rules.progress import AgentProgress

from .selectors import line_details, visible_employee_ids

REPORTS = ("incompletions", "actions", "callcert", "attendance", "extensions")
# Reports that never name a transferred or ended agent may skip them in SQL.
IN_FLIGHT_ONLY = {"incompletions", "actions", "extensions"}
# The kinds of facts each report's rules read (status and move: who is active, and where).
KINDS = {
    "incompletions": ("task", "tbt", "call", "equipment", "status", "move"),
    "actions": (
        "task",
        "tbt",
        "call",
        "equipment",
        "status",
        "move",
        "action",
        "exam",
        "attendance",
    ),
    "callcert": ("task", "call", "status", "move"),
    "attendance": ("attendance", "status", "move"),
    "extensions": ("task", "call", "status", "move"),
}


class UnknownReport(ValueError):
    pass


def build_report(
    name: str, *, as_of: date, class_code: str | None = None, program: Program | None = None
) -> dict:
    if name not in REPORTS:
        raise UnknownReport(f"unknown report '{name}' (one of {', '.join(REPORTS)})")
    program = program or program_for(class_code=class_code)
    policy = program.policy()
    records = agent_records(
        program,
        as_of,
        class_code=class_code,
        in_flight=name in IN_FLIGHT_ONLY,
        transfer_task=policy.transfer_task,
        kinds=KINDS[name],
    )
    ctx = rules.Context(policy=policy, calendar=calendar_for(program), as_of=as_of)
    report = rules.BUILDERS[name](records, ctx)
    if class_code:
        report = only_class(report, class_code, records, ctx)
    return report


def only_class(report: dict, class_code: str, records, ctx) -> dict:
    """Keep the lines of agents whose class as of D is `class_code` (moves included)."""
    keep = {
        r.employee_id
        for r in records
        if AgentProgress(r, ctx.policy).class_dates(ctx.as_of).code == class_code
    }
    if "sections" in report:
        for section in report["sections"]:
            section["agents"] = [a for a in section["agents"] if a["employee_id"] in keep]
    if "agents" in report:
        report["agents"] = [a for a in report["agents"] if a["employee_id"] in keep]
    if "actions" in report:
        report["actions"] = [a for a in report["actions"] if a["employee_id"] in keep]
    if "classes" in report:
        report["classes"] = [c for c in report["classes"] if c["class_code"] == class_code]
    return report


def scoped_report(user, report: dict) -> dict:
    """Keep the lines of agents (and classes) `user` may see; the shape stays §15's."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return report
    if report.get("report") == "attendance" and scopes.has_role(user, scopes.WFM):
        return report  # WFM reads every agent's attendance (SPEC §1)
    ids = visible_employee_ids(user)
    if "sections" in report:
        for section in report["sections"]:
            section["agents"] = [a for a in section["agents"] if a["employee_id"] in ids]
    for key in ("agents", "actions"):
        if key in report:
            report[key] = [a for a in report[key] if a["employee_id"] in ids]
    if "actions" in report and scopes.sees_as_agent(user):
        # A termination review is a recommendation to the PM (R-L5, issue 12 item 5).
        report["actions"] = [a for a in report["actions"] if a["step"] not in STAFF_ONLY_STEPS]
    if "classes" in report:
        for entry in report["classes"]:
            entry["employee_ids"] = [e for e in entry["employee_ids"] if e in ids]
        report["classes"] = [c for c in report["classes"] if c["employee_ids"]]
    return report


def incompletion_details(
    report: dict, *, as_of: date, policy, more_classes: dict[str, str] | None = None
) -> dict[str, dict]:
    """The R-I2 details of each incompletions line (site, TL, latest note) and R-I1a's
    `not_transferred` mark; `more_classes` (employee id -> class code) adds other agents."""
    classes = {a["employee_id"]: a["class_code"] for s in report["sections"] for a in s["agents"]}
    classes.update(more_classes or {})
    details = line_details(classes, as_of)
    for employee_id in upkeep_rules.late_transfers(report, policy):
        details.setdefault(employee_id, {})["not_transferred"] = True
    return details
