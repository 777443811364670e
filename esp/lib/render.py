"""Tables as CSV and .xlsx bytes, every cell escaped by esp.lib.formulas (issue 12 item
11). No Django, no database: any app may render a table."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from esp.lib.formulas import escape_formula

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


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
US_DAY = "mm/dd/yyyy"


def _cell_value(value):
    """A day is a date cell (an ISO day written as text in a report line included), anything
    else escaped text or a number."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return escape_formula(value)


def _shown_width(value) -> int:
    if isinstance(value, date):
        return len(US_DAY)
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def _format_sheet(sheet, columns: list[str], rows: list[list]) -> None:
    """Bold, frozen header; dates as MM/DD/YYYY; multi-line text wrapped; columns as wide as
    their content (up to 60); printed landscape, fit to the page's width, header repeated."""
    from openpyxl.styles import Alignment, Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, date):
                cell.number_format = US_DAY
            elif isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = max([len(str(column))] + [_shown_width(r[index - 1]) for r in rows[:500]])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width + 2, 60)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def tables_xlsx(sheets: dict[str, tuple[list[str], list[list]]]) -> bytes:
    """Several tables as the sheets of one .xlsx workbook, formulas escaped, days as dates."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, (columns, rows) in sheets.items():
        sheet = book.create_sheet(sheet_title(title))
        sheet.append(columns)
        for row in rows:
            sheet.append([_cell_value(v) for v in row])
        _format_sheet(sheet, columns, [[_cell_value(v) for v in row] for row in rows[:500]])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
