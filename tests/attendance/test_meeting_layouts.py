"""Meeting reports as the providers export them (issue 16 items 1–6 and 8), each imported with
`esp import meeting` and no column mapping, the layout found by the file's content.

Class AET-A, Tuesday 11/03/2026, 08:00–16:30 America/Chicago (CST). The fixtures under
tests/fixtures/meeting/ (README.md there) are hand-written CSV files and what
`make_variants.py` made of them: Excel's Windows-1252 CSV, .xlsx and (LibreOffice) .xls.
Flo Fox never joins; José Núñez and Renée Müller have accents the reports may drop.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from esp.attendance.selectors import propose_meeting
from esp.progress.models import Fact

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meeting"
DAY = date(2026, 11, 3)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E003,Cy,Cole,cy@cxp.example,cy@mail.example,AET-A,tl.one@cxp.example
E004,Di,Dunn,di@cxp.example,di@mail.example,AET-A,tl.one@cxp.example
E005,Ed,Eng,ed@cxp.example,ed@mail.example,AET-A,tl.one@cxp.example
E006,Flo,Fox,flo@cxp.example,flo@mail.example,AET-A,tl.one@cxp.example
E007,José,Núñez,jose@cxp.example,jose.n@mail.example,AET-A,tl.one@cxp.example
E008,Renée,Müller,renee@cxp.example,renee@mail.example,AET-A,tl.one@cxp.example
"""


@pytest.fixture
def classes(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def attendance_facts() -> list[tuple[str, str, str]]:
    return sorted(
        Fact.objects.filter(kind="attendance", date=DAY).values_list(
            "agent__employee_id", "item", "value"
        )
    )


def imported(esp, path) -> tuple[str, list]:
    """`esp import meeting` of the fixture: its output and the facts it saved."""
    code, out, err = esp("import", "meeting", path, "--class", "AET-A", "--date", "2026-11-03")
    assert code == 0, err
    return out, attendance_facts()


def unmatched(path) -> tuple[list, list]:
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    return [(row.line, row.name) for row in result.unmatched], [
        a.employee_id for a in result.absences
    ]


def xls_reader():
    pytest.importorskip("xlrd", reason="reading .xls needs xlrd (pyproject dependencies)")


# -- 1. Google Meet: the Sheet as downloaded (U+202F before AM/PM), .xlsx, Excel's cp1252 CSV --


@pytest.mark.parametrize(
    "name", ["google_meet_report.csv", "google_meet_report.xlsx", "google_meet_report_excel.csv"]
)
def test_the_google_meet_report_in_each_form(classes, esp, name):
    out, facts = imported(esp, FIXTURES / name)
    assert "(Google Meet attendance report)" in out
    assert facts == [
        ("E001", "tardy", "25"),  # 8:25 AM
        ("E003", "left_early", "70"),  # no e-mail: matched by her name, left 3:20 PM
        ("E005", "tardy", "10"),
        ("E008", "absent", "270"),  # Renée Müller joined 12:30 PM: an absence
    ]  # Bob and José by their personal e-mail, Di on time
    assert unmatched(FIXTURES / name) == ([(9, "Tina Lead")], ["E006"])


def test_an_excel_resaved_csv_is_windows_1252_and_one_accent_no_longer_rejects_it(classes):
    data = (FIXTURES / "google_meet_report_excel.csv").read_bytes()
    assert "Renée".encode("cp1252") in data and b"\r\n" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = propose_meeting(data, class_code="AET-A", day=DAY)
    renee = next(a for a in result.matched if a.agent.employee_id == "E008")
    assert renee.rows[0].name == "Renée Müller"


# -- 2. GoTo Meeting attendee list: .xls, .xlsx, CSV UTF-8 and cp1252; organizer on Eastern ---


GOTO_MEETING_FACTS = [
    ("E001", "tardy", "20"),  # 9:20 AM EST is 8:20 AM CST
    ("E004", "left_early", "75"),  # 4:15 PM EST is 3:15 PM CST
    ("E005", "tardy", "60"),  # 10:00 AM EST
    ("E008", "tardy", "40"),  # "Renée Müller", no e-mail, 9:40 AM EST
]  # Bob by name, Cy dropped 10:45–11:10 EST (first join and last leave count), "Nunez, Jose"


@pytest.mark.parametrize(
    "name",
    [
        "goto_meeting_attendees.xls",
        "goto_meeting_attendees.xlsx",
        "goto_meeting_attendees.csv",
        "goto_meeting_attendees_excel.csv",
    ],
)
def test_the_goto_meeting_attendee_list_in_each_form(classes, esp, name):
    if name.endswith(".xls"):
        xls_reader()
    out, facts = imported(esp, FIXTURES / name)
    assert "(GoTo Meeting attendee list)" in out
    assert "times converted from the report's time zone, EST (UTC−05:00)" in out
    assert facts == GOTO_MEETING_FACTS
    assert unmatched(FIXTURES / name) == (
        [(16, "15125550199"), (17, "Tina Lead")],  # a dial-in number, the TL
        ["E006"],
    )
    cy = next(
        a
        for a in propose_meeting(FIXTURES / name, class_code="AET-A", day=DAY).matched
        if a.agent.employee_id == "E003"
    )
    assert [row.line for row in cy.rows] == [10, 11] and cy.occurrences == ()


def test_the_report_zone_is_said_and_used_and_its_absence_too(classes):
    goto = propose_meeting(FIXTURES / "goto_meeting_attendees.csv", class_code="AET-A", day=DAY)
    assert goto.zone_note == (
        "times converted from the report's time zone, EST (UTC−05:00), "
        "to the program's (America/Chicago)"
    )
    ann = next(a for a in goto.matched if a.agent.employee_id == "E001")
    assert (f"{ann.first_join:%I:%M %p %Z}", f"{ann.last_leave:%I:%M %p}") == (
        "08:20 AM CST",
        "04:30 PM",
    )
    zoom = propose_meeting(FIXTURES / "zoom_participants.csv", class_code="AET-A", day=DAY)
    assert zoom.zone_note == (
        "the report states no time zone: times without one were read in the program's "
        "(America/Chicago)"
    )


def test_an_organizer_in_india_writes_times_past_midnight(classes, write):
    path = write(
        """
Onboarding Attendees Report - GoToMeeting
Summary
Meeting Date,Meeting Duration,Number of Attendees,Meeting ID
"November 3, 2026 7:25 PM IST",515 minutes,2,123-456-789

Details
Name,Email Address,Join Time,Leave Time,Time in Session (minutes)
Ann Able,ann@cxp.example,7:40 PM,4:00 AM,500
Bob Baker,bob@cxp.example,7:30 PM,3:00 AM,450
"""
    )
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    assert "IST (UTC+05:30)" in result.zone_note
    assert result.occurrences and [(a.employee_id, k, m) for a, k, m in result.occurrences] == [
        ("E001", "tardy", 10),  # 7:40 PM IST is 8:10 AM CST; 4:00 AM IST the next day 4:30 PM
        ("E002", "left_early", 60),  # 3:00 AM IST is 3:30 PM CST
    ]


def test_a_report_of_another_meeting_day_is_rejected_whole(classes, esp, write):
    text = (FIXTURES / "goto_meeting_attendees.csv").read_text(encoding="utf-8")
    path = write(text.replace("November 3, 2026", "November 2, 2026"))
    code, out, err = esp("import", "meeting", path, "--class", "AET-A", "--date", "2026-11-03")
    assert code == 2 and out == ""
    assert (
        "line 4, column meeting date: the report's meeting is on 11/02/2026 "
        "('November 2, 2026 8:50 AM EST'), not the class day 11/03/2026"
    ) in err
    assert attendance_facts() == []


# -- 3. GoTo Training as the project has it, also as .xlsx ------------------------------------


def test_the_goto_training_report_as_xlsx(classes, esp):
    out, facts = imported(esp, FIXTURES / "goto_training.xlsx")
    assert "(GoTo Training attendance report)" in out
    assert facts == [
        ("E001", "tardy", "59"),
        ("E002", "tardy", "60"),
        ("E004", "left_early", "59"),
        ("E005", "left_early", "60"),
    ]
    assert unmatched(FIXTURES / "goto_training.xlsx") == (
        [(12, "Sam Visitor")],
        ["E006", "E007", "E008"],
    )


# -- 4. Zoom participants: with and without the meeting-info block ----------------------------


ZOOM_FACTS = [
    ("E002", "tardy", "12"),  # "Bob Baker (Bob's iPhone)", no e-mail
    ("E003", "left_early", "25"),  # dropped 10:15–10:40, left 4:05 PM
    ("E004", "tardy", "90"),  # "Dee (Di Dunn)": her original name; 90.5 minutes late
    ("E007", "tardy", "45"),  # "Jose Nunez (iPad)"
]  # Ann and Ed by e-mail, "Müller, Renée" by name, on time


@pytest.mark.parametrize(
    "name,tina", [("zoom_participants.csv", 10), ("zoom_with_meeting_info.csv", 13)]
)
def test_the_zoom_participants_report(classes, esp, name, tina):
    out, facts = imported(esp, FIXTURES / name)
    assert "(Zoom participants report)" in out
    assert facts == ZOOM_FACTS
    assert unmatched(FIXTURES / name) == ([(tina, "Tina Lead")], ["E006"])


# -- 8. anything else: what was found is named, nothing is saved ------------------------------


def test_an_unrecognised_workbook_is_named_with_its_columns_and_nothing_saved(
    classes, esp, tmp_path
):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Who", "Joined", "Left"])
    book.active.append(["Ann Able", "8:00 AM", "4:30 PM"])
    path = tmp_path / "attendance.csv"  # the name says CSV: the content decides
    book.save(path)
    code, out, err = esp("import", "meeting", path, "--class", "AET-A", "--date", "2026-11-03")
    assert code == 2 and out == ""
    assert (
        "not a meeting attendance report: found an Excel workbook (.xlsx) whose first sheet has "
        'the columns "Who", "Joined", "Left"; expected'
    ) in err
    assert attendance_facts() == []


@pytest.mark.parametrize(
    "data,found",
    [
        (
            "Teilnehmer;E-Mail;Beitritt\nAnn Able;ann@cxp.example;08:00\n".encode("cp1252"),
            'found a CSV file (UTF-8) with the columns "Teilnehmer;E-Mail;Beitritt"',
        ),
        (
            "Participant,Entrée,Sortie\nRenée,8:00,16:30\n".encode("cp1252"),
            'found a CSV file (Windows-1252) with the columns "Participant", "Entrée", "Sortie"',
        ),
        (b"%PDF-1.7\n...", "a PDF document, not a CSV file or an Excel workbook"),
        (b"PK\x03\x04not really a zip", "not an Excel workbook"),
    ],
)
def test_any_other_file_is_rejected_naming_what_it_is(classes, data, found):
    from esp.lib.csvio import ImportRejected

    with pytest.raises(ImportRejected) as rejected:
        propose_meeting(data, class_code="AET-A", day=DAY)
    assert found in str(rejected.value)
    assert attendance_facts() == []
