"""The reports that go out by e-mail every business day (R-N2), as a registry.

Each mailed report builds, for one program and business day, the messages of its audience:
a distribution list, or each TL for their own classes. Reports added by later features
register here and are sent by the same schedules and outbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from esp.mailing.messages import make_message
from esp.mailing.outbox import Attachment, Message
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.roster.models import TrainingClass
from esp.rules import checklist as checklists
from esp.rules import reports as rules
from esp.rules.progress import Progress

from . import render
from .builders import build_report, line_details

LIST, TLS = "list", "tls"


@dataclass(frozen=True)
class Outgoing:
    list_key: str  # a distribution list key, or "tl:<e-mail>"
    to: list[str]
    message: Message | None  # None: nothing to report for this recipient today


@dataclass(frozen=True)
class MailedReport:
    key: str
    title: str
    audience: str
    build: Callable[..., list[Outgoing]]

    def expected_keys(self, program: Program, distribution_list) -> list[str]:
        """The recipients a day's run must cover (one outbox row each)."""
        if self.audience == LIST:
            return [distribution_list.key] if distribution_list else []
        return [f"tl:{email}" for email in program_tls(program)]


def program_tls(program: Program) -> list[str]:
    return sorted(
        {
            email.lower()
            for email in TrainingClass.objects.filter(program=program)
            .exclude(tls=None)
            .values_list("tls__email", flat=True)
        }
    )


def _attachments(basename: str, sheets: dict[str, tuple[list[str], list[list]]]):
    """The CSV (every sheet's rows; with several sheets a leading `sheet` column and the union
    of their columns, each value under its own column) and the .xlsx (one sheet each)."""
    if len(sheets) == 1:
        columns, rows = next(iter(sheets.values()))
    else:
        union: list[str] = []
        for sheet_columns, _ in sheets.values():
            union += [c for c in sheet_columns if c not in union]
        columns = ["sheet", *union]
        rows = [
            [title, *(dict(zip(sheet_columns, row)).get(c, "") for c in union)]
            for title, (sheet_columns, sheet_rows) in sheets.items()
            for row in sheet_rows
        ]
    return (
        Attachment(f"{basename}.csv", render.table_csv(columns, rows), "text/csv"),
        Attachment(f"{basename}.xlsx", render.tables_xlsx(sheets), render.XLSX_TYPE),
    )


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


def transferred_recently(program: Program, day: date) -> list[dict]:
    """R-I1a: agents transferred from the previous business day up to the report's day."""
    ctx = _context(program, day)
    since = ctx.calendar.previous_business_day(day)
    policy = ctx.policy
    ids = Fact.objects.filter(
        agent__training_class__program=program,
        kind="task",
        item=policy.transfer_task,
        date__gte=since,
        date__lte=day,
    ).values("agent_id")
    records = agent_records(program, day, agent_ids=ids, transfer_task=policy.transfer_task)
    return rules.transferred_since_previous_business_day(records, ctx)


def daily_incompletions(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    report = build_report("incompletions", as_of=day, program=program)
    transferred = transferred_recently(program, day)
    classes = {a["employee_id"]: a["class_code"] for s in report["sections"] for a in s["agents"]}
    classes.update({t["employee_id"]: t["class_code"] for t in transferred})
    details = line_details(classes, day)
    sections = []
    sheets: dict[str, tuple[list[str], list[list]]] = {}
    for section in report["sections"]:
        title = render.SECTION_TITLES.get(section["key"], section["key"])
        lines = []
        for a in section["agents"]:
            more = details.get(a["employee_id"], {})
            lines.append(
                {
                    **a,
                    **more,
                    "not_transferred": section["key"] == "transfer_needed"
                    and a["age_business_days"] > 1,
                }
            )
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
    transferred_lines = [{**t, **details.get(t["employee_id"], {})} for t in transferred]
    columns = ["employee_id", "name", "class_code", "site", "tl", "transferred_on"]
    sheets["Transferred"] = (columns, [[t.get(c, "") for c in columns] for t in transferred_lines])
    total = sum(len(s["lines"]) for s in sections)
    message = make_message(
        "daily-incompletions",
        {
            "program": program,
            "day": day,
            "sections": sections,
            "transferred": transferred_lines,
            "total": total,
            "not_transferred": sum(
                1 for s in sections for line in s["lines"] if line["not_transferred"]
            ),
        },
        _attachments(f"incompletions-{day.isoformat()}", sheets),
    )
    return [Outgoing(distribution_list.key, distribution_list.addresses, message)]


# -- per TL: due corrective actions and the evening checklist (R-L3a, R-N5) --------------------


def _tl_agents(program: Program, day: date, records) -> dict[str, list]:
    """TL e-mail -> the in-flight records of the classes they lead (as of `day`, moves too)."""
    policy = program.policy()
    tls_of_class: dict[str, list[str]] = defaultdict(list)
    for code, email in TrainingClass.objects.filter(program=program).values_list(
        "code", "tls__email"
    ):
        if email:
            tls_of_class[code].append(email.lower())
    by_tl: dict[str, list] = defaultdict(list)
    for record in records:
        code = Progress(record, policy).class_dates(day).code
        for email in tls_of_class.get(code, ()):
            by_tl[email].append(record)
    return by_tl


def _tl_outgoing(program: Program, day: date, make) -> list[Outgoing]:
    records = agent_records(
        program, day, in_flight=True, transfer_task=program.policy().transfer_task
    )
    by_tl = _tl_agents(program, day, records)
    tls = program_tls(program)
    return [Outgoing(f"tl:{email}", [email], make(email, by_tl.get(email, []))) for email in tls]


ACTION_COLUMNS = ["employee_id", "name", "class_code", "ladder", "step", "due_on", "status"]


def actions_per_tl(program: Program, day: date, *, distribution_list=None) -> list[Outgoing]:
    ctx = _context(program, day)

    def make(email: str, records) -> Message | None:
        lines = []
        for record in records:
            progress = Progress(record, ctx.policy)
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
STATUS_KINDS = ("task", "tbt", "call", "equipment")


def tl_checklist(program: Program, day: date, *, distribution_list=None) -> list[Outgoing]:
    """R-N5: agents whose statuses were not touched today, due steps not delivered, agents
    who have not self-reported today (esp.rules.checklist). (Carrier tickets join when their
    form lands.)"""
    ctx = _context(program, day)
    days_facts = Fact.objects.filter(agent__training_class__program=program, date=day)
    marks = checklists.DayMarks(
        touched=frozenset(
            days_facts.filter(kind__in=checklists.STATUS_KINDS).values_list(
                "agent__employee_id", flat=True
            )
        ),
        reported=frozenset(
            days_facts.filter(kind=checklists.SELF_REPORT).values_list(
                "agent__employee_id", flat=True
            )
        ),
    )

    def make(email: str, records) -> Message | None:
        if not records:
            return None
        ordered = sorted(records, key=lambda r: r.employee_id)
        found = checklists.evening_checklist([Progress(r, ctx.policy) for r in ordered], ctx, marks)
        items = (
            [(a, "statuses not updated today") for a in found.not_touched]
            + [
                (a, f"{a['step'].replace('_', ' ')} ({a['ladder']}) {a['status']}")
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
                "agents": len(records),
                "all_done": not rows,
            },
            _attachments(f"checklist-{day.isoformat()}", {"Checklist": (CHECKLIST_COLUMNS, rows)}),
        )

    return _tl_outgoing(program, day, make)


def wfm_digest(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """R-A6/R-N2: the day's occurrences to the WFM list, with CSV and .xlsx."""
    from .digest import attendance_digest, digest_table

    rows = attendance_digest(program, day)
    message = make_message(
        "wfm-digest",
        {"program": program, "day": day, "rows": rows},
        _attachments(f"attendance-{day.isoformat()}", {"Attendance": digest_table(rows)}),
    )
    return [Outgoing(distribution_list.key, distribution_list.addresses, message)]


def callcert_summary(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """The end-of-day Call Cert summary (R-N2, ops leadership); built in esp.tbt."""
    from esp.tbt.mailed import callcert_summary_mail

    return callcert_summary_mail(program, day, distribution_list=distribution_list)


def tbt_completion(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """The end-of-day TBT completion summary (R-B4, carrier leadership); built in esp.tbt."""
    from esp.tbt.mailed import tbt_completion_mail

    return tbt_completion_mail(program, day, distribution_list=distribution_list)


def licensing_pace(program: Program, day: date, *, distribution_list) -> list[Outgoing]:
    """The midday behind-pace list (R-I1b, the licensing list); built in esp.pace."""
    from esp.pace.mailed import licensing_pace_mail

    return licensing_pace_mail(program, day, distribution_list=distribution_list)


MAILED_REPORTS: dict[str, MailedReport] = {
    report.key: report
    for report in (
        MailedReport("daily_incompletions", "Daily incompletion report", LIST, daily_incompletions),
        MailedReport("actions_per_tl", "Corrective actions due, per TL", TLS, actions_per_tl),
        MailedReport("tl_checklist", "TL evening checklist", TLS, tl_checklist),
        MailedReport("wfm_digest", "End-of-day attendance digest", LIST, wfm_digest),
        MailedReport("callcert_summary", "End-of-day Call Cert summary", LIST, callcert_summary),
        MailedReport("tbt_completion", "End-of-day TBT completion", LIST, tbt_completion),
        MailedReport("licensing_pace", "Licensing: behind pace", LIST, licensing_pace),
    )
}
