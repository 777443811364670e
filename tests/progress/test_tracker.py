"""The tracker export (SPEC §15): the old sheet's columns in order, one sheet per class,
class-day attendance labels (R-A6), notes, formulas escaped."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER

FIXED = [
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

HOSTILE_ROSTER = (
    ROSTER.strip()
    + '\nE007,=HYPERLINK("http://x"),@Evil,e7@cxp.example,e7@mail.example,AET-A,tl.one@cxp.example\n'
)
EXTRA = """
2026-11-04,E002,attendance,tardy,25,tl.one@cxp.example,
2026-11-05,E002,attendance,tardy,5,tl.one@cxp.example,
2026-11-06,E002,attendance,absent,,tl.one@cxp.example,
2026-11-09,E002,note,,,tl.one@cxp.example,+1 called back
"""


@pytest.fixture
def tracker(program, write, esp, tmp_path):
    for kind, text in (
        ("classes", CLASSES),
        ("roster", HOSTILE_ROSTER),
        ("activity", ACTIVITY.strip() + "\n" + EXTRA.strip()),
    ):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    path = tmp_path / "tracker.xlsx"
    code, out, err = esp("export", "tracker", path, "--as-of", "2026-12-02")
    assert code == 0, err
    return load_workbook(io.BytesIO(path.read_bytes()))


def rows_of(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_one_sheet_per_class_with_the_old_sheets_columns_in_order(tracker):
    assert tracker.sheetnames == ["AET-A", "AET-B"]
    header = rows_of(tracker["AET-A"])[0]
    assert header[: len(FIXED)] == FIXED
    assert header[-1] == "Notes"
    days = header[len(FIXED) : -1]
    # AET-A's class days: 11/02/2026 to the day before production (12/01), business days only.
    assert days[0] == "11/02/2026" and days[-1] == "11/30/2026"
    assert "11/11/2026" not in days and "11/26/2026" not in days and "11/07/2026" not in days


def test_formula_like_text_is_escaped(tracker):
    rows = rows_of(tracker["AET-A"])
    names = [r[1] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x") @Evil' in names
    notes = {r[0]: r[-1] for r in rows[1:]}
    # the author by name, not e-mail (issue 17 item 4)
    assert "11/09/2026 - Tl One - +1 called back" in notes["E002"]


def test_statuses_dates_and_attendance_labels(tracker):
    rows = rows_of(tracker["AET-A"])
    header = rows[0]
    by_id = {r[0]: dict(zip(header, r)) for r in rows[1:]}
    ann = by_id["E001"]
    assert ann["Agent"] == "Ann Able" and ann["Status"] == "Active"
    assert ann["AHIP/Aetna Status"] == "Done"
    completion = ann["AHIP+Aetna Completion"]  # a date cell (issue 16 item 10)
    assert completion.date() == date(2026, 11, 6) and completion.hour == 0
    assert ann["Call Cert Status"] == "Done (4/5 calls passed, 80%)"
    assert ann["All TBTs Complete?"] == "Yes"
    bob = by_id["E002"]
    assert bob["Call Cert Status"].startswith("Failed (2/5 calls passed, 40%)")
    assert bob["11/04/2026"] == "Tardy – Under 1 Hr"
    assert bob["11/05/2026"] == "Full day of work"  # 5 minutes late is no occurrence (R-A2)
    assert bob["11/06/2026"] == "Absent – Unapproved"
    assert by_id["E003"]["Status"] == "Termed"
    # E005 moved to AET-B on 11/09: listed on AET-B's sheet as of 12/02 (R-T3).
    assert "E005" not in by_id
    assert [r[0] for r in rows_of(tracker["AET-B"])[1:]] == ["E005"]


def test_notes_name_people_and_the_tl_column_falls_back_to_the_class(program, write, esp, tmp_path):
    """Issue 17 item 4: the Notes column holds people's notes as the old sheet had them
    (`MM/DD/YYYY - Name - Note`, imported history too), not a call's remark (the scores have
    their own place); an agent the roster names no TL for shows the class's TL."""
    roster = ROSTER.strip() + "\nE008,Gus,Gray,gus@cxp.example,gus@mail.example,AET-A,\n"
    activity = (
        ACTIVITY.strip()
        + "\n2026-11-09,E008,note,,,bob@cxp.example,Asked Gus to call back"
        + "\n2026-11-10,E008,call,2,90,certifier9@cxp.example,Great rebuttals"
    )
    for kind, text in (("classes", CLASSES), ("roster", roster), ("activity", activity)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    path = tmp_path / "tracker.xlsx"
    assert esp("export", "tracker", path, "--as-of", "2026-12-02")[0] == 0
    rows = rows_of(load_workbook(io.BytesIO(path.read_bytes()))["AET-A"])
    gus = next(r for r in rows if r[0] == "E008")
    assert gus[FIXED.index("TL")] == "Tl One"
    assert gus[-1] == "11/09/2026 - Bob Baker - Asked Gus to call back"
