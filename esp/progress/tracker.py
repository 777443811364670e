"""The tracker export (SPEC §15): the old sheet's columns, one sheet per class, one row per
agent, one column per class day with its attendance label, then the notes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

# esp.reports.render moves to esp.lib.render (another part of issue 13): import it from there
# once it has moved.
from esp.lib.render import sheet_title, tables_xlsx
from esp.programs.calendars import calendar_for
from esp.roster.models import TrainingClass
from esp.roster.selectors import class_tl_names, names_by_email
from esp.rules.attendance import day_label
from esp.rules.notes import authors, is_note, note_line
from esp.rules.progress import latest
from esp.rules.records import SATISFYING

from . import pages
from .models import Fact
from .selectors import facts_by_agent, occurrence_labels, phase_start_days, searched_by_course

COLUMNS = [
    "Employee ID",
    "Agent",
    "Site",
    "TL",
    "Status",
    "Producer World",
    "AHIP/Aetna Status",
    "AHIP+Aetna Completion",
    "Date of N Number Request",
    "Citrix TBT Access",
    "All TBTs Complete?",
    "Searched by Course Number",
    "Call Cert Status",
    "Equipment Status",
    "RTS/No More Forms Status",
    "Transfer to Production",
]


def _us(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else ""


def _done_on(facts, task: str, as_of: date) -> date | None:
    """The day a directly marked task became done in its current run."""
    found = None
    for fact in facts:
        if fact.kind == "task" and fact.item == task and fact.date <= as_of:
            if fact.value in SATISFYING:
                found = found or fact.date
            else:
                found = None
    return found


def class_days(training_class: TrainingClass, calendar) -> list[date]:
    """The class's business days, from its start to the day before production."""
    starts = phase_start_days(training_class)
    end = starts.get("production", training_class.start_date + timedelta(days=30))
    days, day = [], training_class.start_date
    while day < end:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _chip(cells: dict, task: str) -> str:
    cell = cells.get(task)
    if cell is None:
        return ""
    return f"{cell.label} ({cell.detail})" if cell.detail else cell.label


def _certifications(cells: dict, own: list[Fact], as_of: date) -> tuple[str, date | None]:
    """The AHIP/Aetna status column and, once both are done, the day the later one was."""
    ahip, carrier = cells.get("ahip"), cells.get("carrier_cert")
    both_done = bool(
        ahip and carrier and ahip.status in ("done", "na") and carrier.status in ("done", "na")
    )
    if not both_done:
        return f"AHIP: {_chip(cells, 'ahip')}; Aetna: {_chip(cells, 'carrier_cert')}", None
    dates = [_done_on(own, "ahip", as_of), _done_on(own, "carrier_cert", as_of)]
    return "Done", max((d for d in dates if d), default=None)


def _transfer(cells: dict, own: list[Fact], as_of: date) -> str:
    transfer = cells.get("transfer")
    if transfer and transfer.status == "done":
        return f"Done {_us(_done_on(own, 'transfer', as_of))}".strip()
    return _chip(cells, "transfer")


def _attendance(own: list[Fact]) -> dict[date, list]:
    attendance = defaultdict(list)
    for fact in own:
        if fact.kind == "attendance":
            minutes = int(fact.value) if fact.value.isdigit() else None
            attendance[fact.date].append((fact.item, minutes))
    return attendance


def _sheet_row(row, own: list[Fact], searched: bool, as_of: date, days, labels, names) -> list:
    """One agent's row: the old sheet's columns, a label per class day, then the notes
    (`MM/DD/YYYY - Name - Note`, R-N1; `names`: e-mail -> name of the notes' authors)."""
    cells = {c.task: c for c in row.cells}
    certifications, completion = _certifications(cells, own, as_of)
    request = latest([f for f in own if f.kind == "n_number"], as_of)
    attendance = _attendance(own)
    notes = "\n".join(note_line(f, names) for f in own if is_note(f))
    return [
        row.employee_id,
        row.name,
        row.site,
        row.tl,
        row.employment.capitalize(),
        _chip(cells, "producer_world"),
        certifications,
        completion,
        request.date if request else None,
        row.tbt_access_on,  # the day TBT access works (esp.tbt through hooks.board_marks)
        "Yes" if cells.get("tbt") and cells["tbt"].status == "done" else "No",
        "Yes" if searched else "No",
        _chip(cells, "call_cert"),
        _chip(cells, "equipment"),
        _chip(cells, "rts"),
        _transfer(cells, own, as_of),
        *[day_label(attendance.get(d, []), labels) if d <= as_of else "" for d in days],
        notes,
    ]


def tracker_sheet(
    training_class: TrainingClass, as_of: date, agent_ids=None
) -> tuple[list[str], list[list]]:
    program = training_class.program
    labels = occurrence_labels(program)
    board = pages.board(training_class, as_of, agent_ids=agent_ids)
    ids = [row.agent_id for row in board.rows]
    facts = facts_by_agent(ids, as_of)
    searched = searched_by_course(ids)
    days = class_days(training_class, calendar_for(program))
    columns = COLUMNS + [_us(d) for d in days] + ["Notes"]
    names = names_by_email(authors(f for own in facts.values() for f in own if is_note(f)))
    if any(not row.tl for row in board.rows):  # the roster names none: the class's TLs
        class_tls = class_tl_names(training_class)
        for row in board.rows:
            row.tl = row.tl or class_tls
    rows = [
        _sheet_row(row, facts[row.agent_id], row.agent_id in searched, as_of, days, labels, names)
        for row in board.rows
    ]
    return columns, rows


def tracker_workbook(classes, as_of: date, agent_ids=None) -> bytes:
    """One sheet per class; with `agent_ids`, only those agents' rows (a viewer's scope)."""
    sheets = {}
    for training_class in classes:
        sheets[sheet_title(training_class.code)] = tracker_sheet(training_class, as_of, agent_ids)
    return tables_xlsx(sheets)
