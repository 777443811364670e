"""Tables as CSV and .xlsx bytes, every cell escaped by esp.lib.formulas (issue 12 item
11). No Django, no database: any app may render a table."""

from __future__ import annotations

import csv
import io

from esp.lib.formulas import (  # noqa: F401 - the escaping render uses, offered with it
    FORMULA_STARTS,
    escape_formula,
    escape_row,
    escape_sheet,
    unescape_formula,
)

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
