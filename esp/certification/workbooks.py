"""The agent's scorecard workbook (R-C5): one sheet with all five calls, item scores and notes,
named `LastName_FirstName_<rate>%.xlsx`."""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from esp.progress.models import Fact
from esp.reports.render import escape_sheet
from esp.roster.models import Agent
from esp.rules.callcert import call_cert_result

from .models import CallScore

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ScorecardFile:
    filename: str
    content: bytes


def scorecard_workbook(agent: Agent) -> ScorecardFile:
    program = agent.training_class.program
    latest: dict[int, Fact] = {}
    for fact in Fact.objects.filter(agent=agent, kind="call").order_by("date", "pk"):
        if fact.item.isdigit() and 1 <= int(fact.item) <= program.calls_per_agent:
            latest[int(fact.item)] = fact
    scores = {n: int(f.value) for n, f in latest.items() if f.value.isdigit()}
    result = call_cert_result(
        scores,
        calls_per_agent=program.calls_per_agent,
        pass_mark=program.call_pass_mark,
        program_pass_rate=program.program_pass_rate,
    )
    details = {
        c.fact_id: c
        for c in CallScore.objects.filter(fact__in=latest.values())
        .select_related("template")
        .prefetch_related("item_scores__item__section")
    }
    book = Workbook()
    sheet = book.active
    sheet.title = "Call certification"
    bold = Font(bold=True)
    sheet.append(["Agent", f"{agent.last_name}, {agent.first_name}"])
    sheet.append(["Employee ID", agent.employee_id])
    sheet.append(["Class", agent.training_class.code])
    rate = "" if result.pass_rate is None else f"{result.pass_rate}%"
    sheet.append(["Pass rate", rate])
    sheet.append(["Result", result.result])
    sheet.append([])
    sheet.append(
        [
            "Call",
            "Score",
            "Passed",
            "Date",
            "Scored by",
            "Scorecard",
            "What went well",
            "Marked down",
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for number in range(1, program.calls_per_agent + 1):
        fact = latest.get(number)
        detail = details.get(fact.pk) if fact else None
        score = scores.get(number)
        sheet.append(
            [
                number,
                score,
                "" if score is None else ("yes" if score >= program.call_pass_mark else "no"),
                fact.date.strftime("%m/%d/%Y") if fact else "",
                fact.by if fact else "",
                ("coached" if detail.coached else str(detail.template))
                if detail
                else (fact.note if fact else ""),
                detail.notes_well if detail else "",
                detail.notes_down if detail else "",
            ]
        )
    sheet.append(["Total passed", result.calls_passed])
    sheet.append([])
    sheet.append(["Call", "Section", "Item", "Points", "Earned", "Auto-fail missed"])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for number in range(1, program.calls_per_agent + 1):
        fact = latest.get(number)
        detail = details.get(fact.pk) if fact else None
        if detail is None:
            continue
        for row in detail.item_scores.all():
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
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["G"].width = 40
    sheet.column_dimensions["H"].width = 40
    name = result.scorecard_name(agent.first_name, agent.last_name) or (
        f"{agent.last_name}_{agent.first_name}_pending"
    )
    escape_sheet(sheet)  # a certifier's note `=...` is text, never a live formula (issue 12)
    out = io.BytesIO()
    book.save(out)
    return ScorecardFile(f"{name.replace(' ', '_')}.xlsx", out.getvalue())
