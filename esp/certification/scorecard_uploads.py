"""The certifier's own Excel scorecard, uploaded by the Cert Coordinator (seed 004 item 7;
issue 15 item 2). No database: the service stores the file and records the calls.

The file is taken only as a real .xlsx (checked by its content, not its name). Its scores are
read when a sheet has the layout of the program's scorecard template — the blank scoring sheet
`scoring_sheet_xlsx` writes: a header `Section | Item | Points | Auto-fail | Call 1 … Call N`,
then one row per item of the template with the points earned on each call (an auto-fail item:
`missed` or `x` when missed). Call 1 is coached and scores 100 (R-C3). Any other layout: the
coordinator enters the scores beside the file. Every problem names its sheet, row and column.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from esp.lib.formulas import escape_sheet, unescape_formula

LEAD = ["section", "item", "points", "auto-fail"]
MISSED = {"missed", "x", "yes", "y", "fail", "failed", "1", "true"}
NOT_MISSED = {"", "no", "n", "0", "false", "-"}


class ScorecardFileError(ValueError):
    """The file cannot be taken: `problems` say what and where; nothing is saved."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class SheetScores:
    """What a sheet of the template's layout gives: each call's item points (calls 2..N) by
    item id, as the scoring page posts them; `problems` when some cell is wrong."""

    sheet: str
    item_points: dict[int, dict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def what_it_is(content: bytes) -> str:
    """In words, what a file that is not an .xlsx workbook looks like."""
    if not content:
        return "an empty file"
    if content.startswith(b"%PDF"):
        return "a PDF document"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "an Excel 97–2003 workbook (.xls): save it as .xlsx (Excel Workbook) and upload it again"
    if content.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        return "an image"
    if content.startswith(b"PK"):
        return "a ZIP archive that is not an Excel workbook"
    return "not an Excel workbook"


def open_workbook(name: str, content: bytes):
    """The workbook in `content`, or ScorecardFileError saying what the file is instead."""
    is_xlsx = False
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
            is_xlsx = {"[Content_Types].xml", "xl/workbook.xml"} <= names
        except zipfile.BadZipFile:
            is_xlsx = False
    if not is_xlsx:
        raise ScorecardFileError([f"{name}: {what_it_is(content)}; upload the .xlsx scorecard."])
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one problem to report
        raise ScorecardFileError([f"{name}: the workbook cannot be read ({exc})."]) from None


def _text(value) -> str:
    if value is None:
        return ""
    value = unescape_formula(value) if isinstance(value, str) else value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header(row: list, calls: int) -> dict[int, int] | None:
    """Call number → column index when `row` is the layout's header, else None."""
    cells = [_text(c).lower() for c in row]
    if cells[: len(LEAD)] != LEAD:
        return None
    columns = {}
    for index, cell in enumerate(cells[len(LEAD) :], start=len(LEAD)):
        if cell.startswith("call ") and cell[5:].strip().isdigit():
            columns[int(cell[5:])] = index
    return columns if set(range(1, calls + 1)) <= set(columns) else None


def read_scores(book, items: list, calls: int) -> SheetScores | None:
    """The scores of the first sheet with the template's layout (its header, then the
    template's items in order); None when no sheet has it."""
    for sheet in book.worksheets:
        rows = [list(r) + [None] * (len(LEAD) + calls) for r in sheet.iter_rows(values_only=True)]
        at = next((n for n, r in enumerate(rows) if _header(r, calls)), None)
        if at is None:
            continue
        columns = _header(rows[at], calls)
        body = [(n, r) for n, r in enumerate(rows[at + 1 :], start=at + 2) if _text(r[1])]
        body = body[: len(items)]  # rows below the items (a total, a remark) are not read
        if [_text(r[1]) for _, r in body] != [item.text for item in items]:
            continue
        return _item_points(sheet.title, body, items, columns, calls)
    return None


def _item_points(title: str, body, items, columns: dict[int, int], calls: int) -> SheetScores:
    found = SheetScores(title, {n: {} for n in range(2, calls + 1)})
    for (row_number, row), item in zip(body, items, strict=True):
        for call in range(2, calls + 1):
            column = columns[call]
            where = f"sheet '{title}', cell {get_column_letter(column + 1)}{row_number}"
            value = _text(row[column])
            if item.auto_fail:
                if value.lower() not in MISSED | NOT_MISSED:
                    found.problems.append(
                        f"{where}: '{value}' for the auto-fail item '{item.text}' on call "
                        f"{call}: write 'missed' or leave it empty"
                    )
                found.item_points[call][item.pk] = value.lower() in MISSED
                continue
            try:
                earned = Decimal(value)
            except InvalidOperation:
                what = f"'{value}' is not a number" if value else "no points"
                found.problems.append(f"{where}: {what} for '{item.text}' on call {call}")
                continue
            if not 0 <= earned <= item.points:
                found.problems.append(
                    f"{where}: {value} for '{item.text}' on call {call}; it scores "
                    f"0–{item.points:g}"
                )
            found.item_points[call][item.pk] = earned
    return found


def scoring_sheet_xlsx(template, items: list, calls: int) -> bytes:
    """The blank scoring sheet of `template` for a certifier: every call's column filled with
    full points, to lower what was marked down (the layout `read_scores` reads back)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet.append(["Scorecard", template.name])
    sheet.append(["Version", template.version])
    sheet.append(["Agent", ""])
    header = ["Section", "Item", "Points", "Auto-fail", *(f"Call {n}" for n in range(1, calls + 1))]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for item in items:
        if item.auto_fail:
            marks = ["" for _ in range(calls)]
        else:
            marks = [float(item.points) for _ in range(calls)]
        marks[0] = "coached"
        sheet.append(
            [
                item.section.title,
                item.text,
                "" if item.auto_fail else float(item.points),
                "yes" if item.auto_fail else "",
                *marks,
            ]
        )
    sheet.append([])
    sheet.append(["", "Call 1 is coached in real time and scores 100."])
    sheet.append(["", "Auto-fail items: write 'missed' under the call when it was missed."])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 44
    sheet.freeze_panes = "C5"
    escape_sheet(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
