"""Spreadsheet formula escaping: the one escaping of every CSV and .xlsx cell the app writes
(issue 12 item 11), and its inverse that every import reads cells through."""

from __future__ import annotations

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

    Only text is escaped: numbers stay numbers, so -3 written as a number is not touched. Text
    that already starts with apostrophes before a formula character gets one more, so that
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
