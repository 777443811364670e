"""Issue 16 item 10: every .xlsx the app writes opens right in Excel or LibreOffice and prints:
days are date cells shown MM/DD/YYYY (ISO text sorted wrong), multi-line notes wrap, columns
fit their content, the header is frozen and repeated on each printed page, the page is
landscape and fit to its width. Read back with openpyxl (cell types)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from esp.lib.render import tables_xlsx


def test_days_are_dates_notes_wrap_and_the_sheet_prints_on_the_page_width():
    columns = ["employee_id", "name", "due", "notes"]
    rows = [
        [
            "E001",
            "Ann Able",
            "2026-11-24",
            "11/20/2026 - Tl One - Called\n11/23/2026 - Tl One - Again",
        ],
        ["E002", "=HYPERLINK(1)", date(2026, 12, 1), ""],
        ["E003", "Cy Cole", "2026-13-40", "not a day"],
    ]
    sheet = load_workbook(io.BytesIO(tables_xlsx({"Lines": (columns, rows)}))).active
    due = [sheet.cell(row, 3) for row in (2, 3, 4)]
    assert [cell.value.date() for cell in due[:2]] == [date(2026, 11, 24), date(2026, 12, 1)]
    assert {cell.number_format for cell in due[:2]} == {"mm/dd/yyyy"}
    assert due[2].value == "2026-13-40"  # not a day: kept as written
    assert sheet.cell(3, 2).value == "'=HYPERLINK(1)"  # formulas still escaped
    assert sheet.cell(2, 4).alignment.wrap_text
    assert sheet.column_dimensions["D"].width == len("11/20/2026 - Tl One - Called") + 2
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
