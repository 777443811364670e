"""The reports of this app mailed every business day (R-N2): the ESP Manager's incompletion
report, per TL the corrective actions due and the evening checklist, and the WFM attendance
digest. Registered in esp.mailing.registry through `ReportsConfig.mailed_reports`; sent by the
schedules and outbox of esp.mailing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from esp.lib.display import words
from esp.mailing.messages import Message, make_message
from esp.mailing.messages import table_attachments as _attachments
from esp.mailing.registry import LIST, TLS, MailedReport, Outgoing, to_list
from esp.mailing.selectors import program_tls
from esp.operations.selectors import undo_uptraining
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.selectors import agent_records, agents_with_facts, employee_ids_with_facts
from esp.rules import checklist as checklists
from esp.rules import reports as rules
from esp.rules.progress import AgentProgress
from esp.upkeep.selectors import confirmed_on, tickets_confirmed_emails

from . import render
from .builders import build_report, incompletion_details
from .digest import attendance_digest, digest_table
from .selectors import class_tl_emails


def _context(program: Program, day: date) -> rules.Context:
    return rules.Context(program.policy(), calendar_for(program), day)


# -- the ESP Manager's daily incompletion report (R-I1, R-I1a, R-I2) ---------------------------

INCOMPLETION_COLUMNS = [
    "employee_id",
    "name",
    "class_code",
    "site",
    "tl",
    "age_business_days",
    "latest_note",
]
TRANSFERRED_COLUMNS = ["employee_id", "name", "class_code", "site", "tl", "transferred_on"]
Sheets = dict[str, tuple[list[str], list[list]]]


def transferred_recently(program: Program, day: date) -> list[dict]:
    """R-I1a: agents transferred from the previous business day up to the report's day."""
    ctx = _context(program, day)
    since = ctx.calendar.previous_business_day(day)
    policy = ctx.policy
    ids = agents_with_facts(
        program, kinds=("task",), item=policy.transfer_task, since=since, until=day
    )
    records = agent_records(program, day, agent_ids=ids, transfer_task=policy.transfer_task)
    return rules.transferred_since_previous_business_day(records, ctx)


def _incompletion_sections(report: dict, details: dict) -> tuple[list[dict], Sheets]:
    """The report's sections with each line's R-I2 details, and one sheet a section."""
    sections = []
    sheets: Sheets = {}
    for section in report["sections"]:
        title = render.SECTION_TITLES.get(section["key"], section["key"])
        lines = [
            {
                **a,
                "not_transferred": False,
                **details.get(a["employee_id"], {}),
            }
            for a in section["agents"]
        ]
        sections.append(
            {
                "key": section["key"],
                "title": title,
                "threshold": section["threshold_days"],
                "lines": lines,
            }
        )
        sheets[title] = (
            INCOMPLETION_COLUMNS,
            [[line.get(c, "") for c in INCOMPLETION_COLUMNS] for line in lines],
        )
    return sections, sheets


def undo_lines(program: Program, day: date) -> list[dict]:
    """R-E3 (issue 15 item 8): the agents whose uptraining class the ESP Manager must erase,
    passed or failed certification, in the mail's body (the attachments keep their sheets)."""
    return [
        {
            "name": row["agent"].name,
            "employee_id": row["agent"].employee_id,
            "value": row["value"],
            "reason": row["reason"],
        }
        for row in undo_uptraining(program, day)
    ]


def daily_incompletions(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    report = build_report("incompletions", as_of=day, program=program)
    transferred = transferred_recently(program, day)
    details = incompletion_details(
        report,
        as_of=day,
        policy=program.policy(),
        more_classes={t["employee_id"]: t["class_code"] for t in transferred},
    )
    sections, sheets = _incompletion_sections(report, details)
    transferred_lines = [{**t, **details.get(t["employee_id"], {})} for t in transferred]
    sheets["Transferred"] = (
        TRANSFERRED_COLUMNS,
        [[t.get(c, "") for c in TRANSFERRED_COLUMNS] for t in transferred_lines],
    )
    message = make_message(
        "daily-incompletions",
        {
            "program": program,
            "day": day,
            "sections": sections,
            "transferred": transferred_lines,
            "undo_uptraining": undo_lines(program, day),
            "total": sum(len(s["lines"]) for s in sections),
            "not_transferred": sum(
                1 for s in sections for line in s["lines"] if line["not_transferred"]
            ),
        },
        _attachments(f"incompletions-{day.isoformat()}", sheets),
    )
    return to_list(distribution_list, message)


# -- per TL: due corrective actions and the evening checklist (R-L3a, R-N5) --------------------


def _tl_agents(program: Program, day: date, records, policy) -> dict[str, list]:
    """TL e-mail -> the in-flight records of the classes they lead (as of `day`, moves too)."""
    tls_of_class = class_tl_emails(program)
    by_tl: dict[str, list] = defaultdict(list)
    for record in records:
        code = AgentProgress(record, policy).class_dates(day).code
        for email in tls_of_class.get(code, ()):
            by_tl[email].append(record)
    return by_tl


def _tl_outgoing(program: Program, day: date, make) -> list[Outgoing]:
    policy = program.policy()
    records = agent_records(program, day, in_flight=True, transfer_task=policy.transfer_task)
    by_tl = _tl_agents(program, day, records, policy)
    tls = program_tls(program)
    return [Outgoing(f"tl:{email}", [email], make(email, by_tl.get(email, []))) for email in tls]


ACTION_COLUMNS = ["employee_id", "name", "class_code", "ladder", "step", "due_on", "status"]


def actions_per_tl(program: Program, day: date, *, distribution_list=None) -> list[Outgoing]:
    ctx = _context(program, day)

    def make(email: str, records) -> Message | None:
        lines = []
        for record in records:
            progress = AgentProgress(record, ctx.policy)
            for line in rules.action_lines(progress, ctx):
                lines.append({**line, "name": record.name})
        if not lines:
            return None
        lines.sort(key=lambda a: (a["class_code"], a["employee_id"], a["ladder"]))
        rows = [[line[c] for c in ACTION_COLUMNS] for line in lines]
        return make_message(
            "actions-per-tl",
            {"program": program, "day": day, "tl": email, "lines": lines},
            _attachments(f"actions-{day.isoformat()}", {"Actions": (ACTION_COLUMNS, rows)}),
        )

    return _tl_outgoing(program, day, make)


CHECKLIST_COLUMNS = ["employee_id", "name", "class_code", "item"]


def tl_checklist(program: Program, day: date, *, distribution_list=None) -> list[Outgoing]:
    """R-N5: agents whose statuses were not touched today, due steps not delivered, agents
    who have not self-reported today (esp.rules.checklist). (Carrier tickets join when their
    form lands.)"""
    ctx = _context(program, day)
    marks = checklists.DayMarks(
        touched=employee_ids_with_facts(program, day, kinds=checklists.STATUS_KINDS),
        reported=employee_ids_with_facts(program, day, kinds=(checklists.SELF_REPORT,)),
        confirmed=confirmed_on(day),  # statuses confirmed unchanged (issue 15 item 12)
    )
    tickets = tickets_confirmed_emails(day)

    def make(email: str, records) -> Message | None:
        if not records:
            return None
        ordered = sorted(records, key=lambda r: r.employee_id)
        found = checklists.evening_checklist(
            [AgentProgress(r, ctx.policy) for r in ordered],
            ctx,
            marks,
            tickets_confirmed=email.lower() in tickets,
        )
        if not found.agents:  # classes not started yet: nothing to check (issue 15 item 12)
            return None
        items = (
            [(a, "statuses not updated today") for a in found.not_touched]
            + [
                (a, f"{words(a['step'])} ({words(a['ladder'])}) {words(a['status'])}")
                for a in found.due
            ]
            + [(a, "no self-report today") for a in found.not_reported]
        )
        rows = [[a["employee_id"], a["name"], a["class_code"], item] for a, item in items]
        return make_message(
            "tl-checklist",
            {
                "program": program,
                "day": day,
                "tl": email,
                "not_touched": found.not_touched,
                "due": found.due,
                "not_reported": found.not_reported,
                "agents": found.agents,
                "all_done": not rows and found.tickets_confirmed,
                "tickets_confirmed": found.tickets_confirmed,
            },
            _attachments(f"checklist-{day.isoformat()}", {"Checklist": (CHECKLIST_COLUMNS, rows)}),
        )

    return _tl_outgoing(program, day, make)


# -- WFM: the end-of-day attendance digest ----------------------------------------------------


def wfm_digest(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """R-A6/R-N2: the day's occurrences to the WFM list, with CSV and .xlsx."""
    rows = attendance_digest(program, day)
    message = make_message(
        "wfm-digest",
        {"program": program, "day": day, "rows": rows},
        _attachments(f"attendance-{day.isoformat()}", {"Attendance": digest_table(rows)}),
    )
    return to_list(distribution_list, message)


DAILY_INCOMPLETIONS = MailedReport(
    "daily_incompletions", "Daily incompletion report", LIST, daily_incompletions
)
ACTIONS_PER_TL = MailedReport(
    "actions_per_tl", "Corrective actions due, per TL", TLS, actions_per_tl
)
TL_CHECKLIST = MailedReport("tl_checklist", "TL evening checklist", TLS, tl_checklist)
WFM_DIGEST = MailedReport("wfm_digest", "End-of-day attendance digest", LIST, wfm_digest)
