"""The tracker export (SPEC §15): the old sheet's columns, one sheet per class, one row per
agent, one column per class day with its attendance label, then the notes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from esp.programs.calendars import calendar_for
from esp.progress.models import Fact, Proof
from esp.reports.render import sheet_title, tables_xlsx
from esp.roster.models import TrainingClass
from esp.rules.attendance import day_label
from esp.rules.progress import latest
from esp.rules.records import SATISFYING

from . import pages

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
    starts = {p.phase.key: p.start_date for p in training_class.phase_starts.all()}
    end = starts.get("production", training_class.start_date + timedelta(days=30))
    days, day = [], training_class.start_date
    while day < end:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def tracker_sheet(
    training_class: TrainingClass, as_of: date, agent_ids=None
) -> tuple[list[str], list[list]]:
    program = training_class.program
    calendar = calendar_for(program)
    labels = dict(program.occurrence_kinds.values_list("key", "label"))
    board = pages.board(training_class, as_of, agent_ids=agent_ids)
    ids = [row.agent_id for row in board.rows]
    facts: dict[int, list[Fact]] = defaultdict(list)
    for fact in Fact.objects.filter(agent_id__in=ids, date__lte=as_of).order_by("date", "pk"):
        facts[fact.agent_id].append(fact)
    searched = set(
        Proof.objects.filter(
            agent_id__in=ids, item="searched_by_course", status=Proof.ACCEPTED
        ).values_list("agent_id", flat=True)
    )
    days = class_days(training_class, calendar)
    columns = COLUMNS + [_us(d) for d in days] + ["Notes"]
    rows = []
    for row in board.rows:
        own = facts[row.agent_id]
        cells = {c.task: c for c in row.cells}

        def chip(task: str, cells=cells) -> str:
            cell = cells.get(task)
            if cell is None:
                return ""
            return f"{cell.label} ({cell.detail})" if cell.detail else cell.label

        ahip, carrier = cells.get("ahip"), cells.get("carrier_cert")
        both_done = bool(
            ahip and carrier and ahip.status in ("done", "na") and carrier.status in ("done", "na")
        )
        ahip_status = (
            "Done" if both_done else f"AHIP: {chip('ahip')}; Aetna: {chip('carrier_cert')}"
        )
        completion = None
        if both_done:
            dates = [_done_on(own, "ahip", as_of), _done_on(own, "carrier_cert", as_of)]
            completion = max((d for d in dates if d), default=None)
        request = latest([f for f in own if f.kind == "n_number"], as_of)
        transfer = cells.get("transfer")
        transfer_text = chip("transfer")
        if transfer and transfer.status == "done":
            transfer_text = f"Done {_us(_done_on(own, 'transfer', as_of))}".strip()
        attendance = defaultdict(list)
        for fact in own:
            if fact.kind == "attendance":
                minutes = int(fact.value) if fact.value.isdigit() else None
                attendance[fact.date].append((fact.item, minutes))
        notes = "\n".join(
            f"{f.date:%m/%d/%Y} - {f.by or 'unknown'} - {f.note}" for f in own if f.note
        )
        rows.append(
            [
                row.employee_id,
                row.name,
                row.site,
                row.tl,
                row.employment.capitalize(),
                chip("producer_world"),
                ahip_status,
                _us(completion),
                _us(request.date if request else None),
                "",
                "Yes" if cells.get("tbt") and cells["tbt"].status == "done" else "No",
                "Yes" if row.agent_id in searched else "No",
                chip("call_cert"),
                chip("equipment"),
                chip("rts"),
                transfer_text,
            ]
            + [day_label(attendance.get(d, []), labels) if d <= as_of else "" for d in days]
            + [notes]
        )
    return columns, rows


def tracker_workbook(classes, as_of: date, agent_ids=None) -> bytes:
    """One sheet per class; with `agent_ids`, only those agents' rows (a viewer's scope)."""
    sheets = {}
    for training_class in classes:
        sheets[sheet_title(training_class.code)] = tracker_sheet(training_class, as_of, agent_ids)
    return tables_xlsx(sheets)
