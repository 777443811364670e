"""The reports of SPEC §15, built from the database through the selector layer."""

from __future__ import annotations

from datetime import date

from esp.programs.calendars import calendar_for
from esp.programs.defaults import DEFAULT_PROGRAM_KEY
from esp.programs.models import Program
from esp.progress.selectors import agent_records
from esp.roster.models import TrainingClass
from esp.rules import reports as rules

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


def program_for(*, program_key: str | None = None, class_code: str | None = None) -> Program:
    """The program a report is about: named, or the class's, or the only/default one."""
    if program_key:
        return Program.objects.get(key=program_key)
    if class_code:
        return TrainingClass.objects.select_related("program").get(code=class_code).program
    programs = list(Program.objects.all()[:2])
    if len(programs) == 1:
        return programs[0]
    return Program.objects.get(key=DEFAULT_PROGRAM_KEY)


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
    from esp.rules.progress import Progress

    keep = {
        r.employee_id
        for r in records
        if Progress(r, ctx.policy).class_dates(ctx.as_of).code == class_code
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


def line_details(classes: dict[str, str], as_of: date) -> dict[str, dict]:
    """R-I2: each listed agent's site, TL and latest note as of D (two queries).

    `classes` maps each employee id to their class as of D: a moved agent's TL is the TL of
    the class they are in now (R-T3), not the one the roster named. The notes timeline is
    every fact with a note; the latest prints as `MM/DD/YYYY - Author - Note` (R-N1).
    """
    from django.db.models import OuterRef, Subquery

    from esp.progress.models import Fact
    from esp.roster.models import Agent

    if not classes:
        return {}
    latest = (
        Fact.objects.filter(agent=OuterRef("pk"), date__lte=as_of)
        .exclude(note="")
        .order_by("-date", "-pk")
    )
    rows = (
        Agent.objects.filter(employee_id__in=sorted(classes))
        .annotate(
            note_text=Subquery(latest.values("note")[:1]),
            note_date=Subquery(latest.values("date")[:1]),
            note_by=Subquery(latest.values("by")[:1]),
        )
        .values_list(
            "employee_id",
            "training_class__code",
            "site__code",
            "tl__first_name",
            "tl__last_name",
            "tl__email",
            "note_text",
            "note_date",
            "note_by",
        )
    )
    class_tls: dict[str, str] = {}
    for code, first, last, email in TrainingClass.objects.filter(
        code__in=set(classes.values())
    ).values_list("code", "tls__first_name", "tls__last_name", "tls__email"):
        if email and code not in class_tls:
            class_tls[code] = f"{first} {last}".strip() or email
    details = {}
    for employee_id, home, site, first, last, email, text, day, by in rows:
        if isinstance(day, str):
            day = date.fromisoformat(day)
        note = f"{day:%m/%d/%Y} - {by or 'unknown'} - {text}" if text else ""
        now_in = classes[employee_id]
        if now_in != home or not email:
            tl = class_tls.get(now_in, "")
        else:
            tl = f"{first} {last}".strip() or email
        details[employee_id] = {"site": site or "", "tl": tl, "latest_note": note}
    return details


def scoped_report(user, report: dict) -> dict:
    """Keep the lines of agents (and classes) `user` may see; the shape stays §15's."""
    from esp.access import scopes

    if scopes.has_role(user, scopes.ESP_MANAGER):
        return report
    if report.get("report") == "attendance" and scopes.has_role(user, scopes.WFM):
        return report  # WFM reads every agent's attendance (SPEC §1)
    ids = set(scopes.visible_agents(user).values_list("employee_id", flat=True))
    if "sections" in report:
        for section in report["sections"]:
            section["agents"] = [a for a in section["agents"] if a["employee_id"] in ids]
    for key in ("agents", "actions"):
        if key in report:
            report[key] = [a for a in report[key] if a["employee_id"] in ids]
    if "actions" in report and scopes.sees_as_agent(user):
        from esp.progress.selectors import STAFF_ONLY_STEPS

        # A termination review is a recommendation to the PM (R-L5, issue 12 item 5).
        report["actions"] = [a for a in report["actions"] if a["step"] not in STAFF_ONLY_STEPS]
    if "classes" in report:
        for entry in report["classes"]:
            entry["employee_ids"] = [e for e in entry["employee_ids"] if e in ids]
        report["classes"] = [c for c in report["classes"] if c["employee_ids"]]
    return report
