"""The agent's scorecard workbook (R-C5): one sheet with all five calls, item scores and notes,
named `LastName_FirstName_<rate>%.xlsx`. The calls come from `selectors.workbook_calls`; the
result from the rule `call_cert_result`; this module only lays out the sheet."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from esp.lib.formulas import escape_sheet
from esp.roster.models import Agent
from esp.rules.callcert import call_cert_result, call_passes

from .selectors import WorkbookCalls, workbook_calls

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CALL_HEADER = [
    "Call",
    "Score",
    "Passed",
    "Date",
    "Scored by",
    "Scorecard",
    "What went well",
    "Marked down",
]
ITEM_HEADER = ["Call", "Section", "Item", "Points", "Earned", "Auto-fail missed"]
WIDE_COLUMNS = ("C", "G", "H")


@dataclass(frozen=True)
class ScorecardFile:
    filename: str
    content: bytes


def call_scores(latest: dict) -> dict[int, int]:
    """Each call's score as a number (a fact whose value is not one has none)."""
    return {n: int(f.value) for n, f in latest.items() if f.value.isdigit()}


def scorecard_workbook(agent: Agent) -> ScorecardFile:
    program = agent.training_class.program
    calls = workbook_calls(agent, program.calls_per_agent)
    scores = call_scores(calls.latest)
    result = call_cert_result(
        scores,
        calls_per_agent=program.calls_per_agent,
        pass_mark=program.call_pass_mark,
        program_pass_rate=program.program_pass_rate,
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "Call certification"
    _write_summary(sheet, agent, result)
    _write_calls(sheet, program, calls, scores)
    sheet.freeze_panes = f"A{CALLS_HEADER_ROW + 1}"  # the summary and the calls' header stay
    sheet.append(["Total passed", result.calls_passed])
    sheet.append([])
    _write_items(sheet, program, calls)
    for column in WIDE_COLUMNS:
        sheet.column_dimensions[column].width = 40
    name = result.scorecard_name(agent.first_name, agent.last_name) or (
        f"{agent.last_name}_{agent.first_name}_pending"
    )
    escape_sheet(sheet)  # a certifier's note `=...` is text, never a live formula (issue 12)
    _dates_and_wrapping(sheet)
    out = io.BytesIO()
    book.save(out)
    return ScorecardFile(f"{name.replace(' ', '_')}.xlsx", out.getvalue())


CALLS_HEADER_ROW = 7  # after the six summary rows


def _dates_and_wrapping(sheet) -> None:
    """Dates as MM/DD/YYYY date cells, notes wrapped (issue 16 item 10)."""
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "mm/dd/yyyy"
            elif isinstance(cell.value, str) and (len(cell.value) > 40 or "\n" in cell.value):
                cell.alignment = wrap


def _bold_header(sheet, header: list[str]) -> None:
    sheet.append(header)
    bold = Font(bold=True)
    for cell in sheet[sheet.max_row]:
        cell.font = bold


def _write_summary(sheet, agent: Agent, result) -> None:
    sheet.append(["Agent", f"{agent.last_name}, {agent.first_name}"])
    sheet.append(["Employee ID", agent.employee_id])
    sheet.append(["Class", agent.training_class.code])
    rate = "" if result.pass_rate is None else f"{result.pass_rate}%"
    sheet.append(["Pass rate", rate])
    sheet.append(["Result", result.result])
    sheet.append([])


def _write_calls(sheet, program, calls: WorkbookCalls, scores: dict[int, int]) -> None:
    """One row per call 1..N: score, passed, date, scorer, scorecard (or coaching), notes."""
    _bold_header(sheet, CALL_HEADER)
    for number in range(1, program.calls_per_agent + 1):
        fact = calls.latest.get(number)
        detail = calls.details.get(fact.pk) if fact else None
        score = scores.get(number)
        sheet.append(
            [
                number,
                score,
                ""
                if score is None
                else ("yes" if call_passes(score, program.call_pass_mark) else "no"),
                fact.date if fact else "",
                fact.by if fact else "",
                _scorecard_cell(fact, detail),
                detail.notes_well if detail else "",
                detail.notes_down if detail else "",
            ]
        )


def _scorecard_cell(fact, detail) -> str:
    if detail:
        return "coached" if detail.coached else str(detail.template)
    return fact.note if fact else ""


def _write_items(sheet, program, calls: WorkbookCalls) -> None:
    """Each scored call's items (points, earned, auto-fail missed), then the call's total."""
    _bold_header(sheet, ITEM_HEADER)
    for number in range(1, program.calls_per_agent + 1):
        fact = calls.latest.get(number)
        detail = calls.details.get(fact.pk) if fact else None
        if detail is None:
            continue
        for row in calls.item_scores[fact.pk]:
            item = row.item
            sheet.append(
                [
                    number,
                    item.section.title,
                    item.text,
                    float(item.points),
                    float(row.earned),
                    ("yes" if row.failed else "no") if item.auto_fail else "",
                ]
            )
        sheet.append([number, "", "Call total", "", detail.score, ""])
