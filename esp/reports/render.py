"""Rendering a report dict as a text table, JSON, CSV or .xlsx."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SECTION_TITLES = {
    "producer_world": "Producer World",
    "ahip_carrier": "AHIP/Aetna",
    "tbt": "TBT",
    "call_cert": "Call Cert",
    "transfer_needed": "Transfer to production needed",
}


def _formula_like(text: str) -> bool:
    """Text that starts like a formula once any leading apostrophes are set aside."""
    if not text:
        return False
    if text[0] == "'":
        return text.lstrip("'").startswith(FORMULA_STARTS)
    return text[0] in FORMULA_STARTS  # one character: the common case, no copy of the text


def escape_formula(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    The one escaping of every CSV and .xlsx cell the app writes (issue 12 item 11). Only text is
    escaped: numbers stay numbers, so -3 written as a number is not touched. Text that already
    starts with apostrophes before a formula character gets one more, so that
    `unescape_formula` gives back exactly what was written (an export reads back as itself).
    """
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """The value of a cell `escape_formula` wrote: its one added apostrophe dropped.

    Imports read cells through this, so an exported file imports as the values exported.
    """
    if text.startswith("'") and _formula_like(text):
        return text[1:]
    return text


def escape_sheet(sheet) -> None:
    """Every text cell of an openpyxl worksheet escaped in place (it is then text, not a
    formula: openpyxl types a value by its first character when it is set)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and _formula_like(cell.value):
                cell.value = escape_formula(cell.value)


def escape_row(row) -> list:
    """A row of cells, each escaped (None stays None for .xlsx; CSV writes it empty)."""
    return [escape_formula(value) for value in row]


def flat_rows(report: dict) -> tuple[list[str], list[list]]:
    """The report's rows flattened, one per agent / action / occurrence (SPEC §16)."""
    name = report["report"]
    if name == "incompletions":
        columns = [
            "section",
            "threshold_days",
            "employee_id",
            "name",
            "class_code",
            "age_business_days",
        ]
        rows = [
            [
                s["key"],
                s["threshold_days"],
                a["employee_id"],
                a["name"],
                a["class_code"],
                a["age_business_days"],
            ]
            for s in report["sections"]
            for a in s["agents"]
        ]
    elif name == "actions":
        columns = ["employee_id", "ladder", "step", "due_on", "status"]
        rows = [[a[c] for c in columns] for a in report["actions"]]
    elif name == "callcert":
        columns = [
            "employee_id",
            "calls_scored",
            "calls_passed",
            "pass_rate",
            "result",
            "scorecard_name",
        ]
        rows = [[a[c] for c in columns] for a in report["agents"]]
    elif name == "extensions":
        columns = ["class_code", "method", "employee_id"]
        rows = [
            [c["class_code"], c["method"], employee_id]
            for c in report["classes"]
            for employee_id in c["employee_ids"]
        ]
    elif name == "attendance":
        columns = ["employee_id", "points", "date", "kind", "minutes"]
        rows = [
            [a["employee_id"], a["points"], o["date"], o["kind"], o["minutes"]]
            for a in report["agents"]
            for o in a["occurrences"]
        ]
    else:
        raise ValueError(f"unknown report {name}")
    return columns, rows


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_csv(report: dict) -> str:
    return table_csv(*flat_rows(report)).decode("utf-8")


def to_xlsx(report: dict, path) -> None:
    columns, rows = flat_rows(report)
    Path(path).write_bytes(tables_xlsx({report["report"]: (columns, rows)}))


def us_date(iso: str | None) -> str:
    """Dates as people write them: MM/DD/YYYY."""
    if not iso:
        return ""
    return date.fromisoformat(iso).strftime("%m/%d/%Y")


def to_text(report: dict, *, details: dict | None = None, width: int = 160) -> str:
    """A readable table (rich), with dates as MM/DD/YYYY and ages in business days.

    `details` (employee id -> site, tl, latest_note) adds the R-I2 columns to incompletions.
    """
    details = details or {}
    from rich.console import Console
    from rich.table import Table

    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    name = report["report"]
    console.print(f"{name.capitalize()} report as of {us_date(report['as_of'])}")
    if name == "incompletions":
        for section in report["sections"]:
            title = SECTION_TITLES.get(section["key"], section["key"])
            threshold = section["threshold_days"]
            heading = f"{title} — after {threshold}+ business days" if threshold else title
            table = Table(title=f"{heading} ({len(section['agents'])})", title_justify="left")
            for column in ("Employee ID", "Name", "Class", "Site", "TL", "Age (business days)"):
                table.add_column(column, justify="right" if column.startswith("Age") else "left")
            table.add_column("Latest note", overflow="fold", max_width=50)
            for a in section["agents"]:
                age = a["age_business_days"]
                late = section["key"] == "transfer_needed" and age > 1
                more = details.get(a["employee_id"], {})
                table.add_row(
                    a["employee_id"],
                    a["name"],
                    a["class_code"],
                    more.get("site", ""),
                    more.get("tl", ""),
                    f"{age}{' (not transferred)' if late else ''}",
                    more.get("latest_note", ""),
                )
            console.print(table)
    elif name == "actions":
        table = Table(
            title=f"Corrective actions due ({len(report['actions'])})", title_justify="left"
        )
        for column in ("Employee ID", "Ladder", "Step", "Due on", "Status"):
            table.add_column(column)
        for a in report["actions"]:
            table.add_row(
                a["employee_id"],
                a["ladder"],
                a["step"].replace("_", " "),
                us_date(a["due_on"]),
                a["status"],
            )
        console.print(table)
    elif name == "callcert":
        table = Table(title=f"Call certification ({len(report['agents'])})", title_justify="left")
        for column in ("Employee ID", "Scored", "Passed", "Pass rate", "Result", "Scorecard"):
            table.add_column(column)
        for a in report["agents"]:
            rate = "" if a["pass_rate"] is None else f"{a['pass_rate']}%"
            table.add_row(
                a["employee_id"],
                str(a["calls_scored"]),
                str(a["calls_passed"]),
                rate,
                a["result"],
                a["scorecard_name"] or "",
            )
        console.print(table)
    elif name == "extensions":
        table = Table(
            title=f"Training-environment extensions ({len(report['classes'])} classes)",
            title_justify="left",
        )
        for column in ("Class", "Procedure", "Agents", "Employee IDs"):
            table.add_column(column)
        for c in report["classes"]:
            table.add_row(
                c["class_code"],
                c["method"].replace("_", " "),
                str(len(c["employee_ids"])),
                ", ".join(c["employee_ids"]),
            )
        console.print(table)
    elif name == "attendance":
        table = Table(
            title=f"Attendance occurrences in the rolling window ({len(report['agents'])})",
            title_justify="left",
        )
        for column in ("Employee ID", "Points", "Occurrences"):
            table.add_column(column, justify="right" if column == "Points" else "left")
        table.columns[2].overflow = "fold"
        for a in report["agents"]:
            table.add_row(
                a["employee_id"],
                f"{a['points']:g}",
                "; ".join(
                    f"{us_date(o['date'])} {o['kind'].replace('_', ' ')}"
                    + ("" if o["minutes"] is None else f" {o['minutes']} min")
                    for o in a["occurrences"]
                ),
            )
        console.print(table)
    else:
        columns, rows = flat_rows(report)
        table = Table()
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*["" if v is None else str(v) for v in row])
        console.print(table)
    return console.file.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_csv(columns: list[str], rows: list[list]) -> bytes:
    """One table as CSV bytes (UTF-8), formulas escaped."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else escape_formula(v) for v in row])
    return stream.getvalue().encode("utf-8")


def sheet_title(title: str) -> str:
    """A valid worksheet name: no []:*?/\\ and at most 31 characters."""
    for character in "[]:*?/\\":
        title = title.replace(character, "-")
    return title[:31] or "Sheet"


def tables_xlsx(sheets: dict[str, tuple[list[str], list[list]]]) -> bytes:
    """Several tables as the sheets of one .xlsx workbook, formulas escaped."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(sheet_title(title))
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([escape_formula(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            width = max([len(str(column))] + [len(str(r[index - 1] or "")) for r in rows[:500]])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 60)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
