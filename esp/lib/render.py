"""Tables as CSV and .xlsx bytes, and the one escaping of spreadsheet formulas (issue 12 item
11): every CSV and .xlsx cell the app writes goes through `escape_formula`; imports read cells
back through `unescape_formula`. No Django, no database: any app may render a table."""

from __future__ import annotations

import csv
import io

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
