"""Reading provider exports without a database (issue 16): stated zones and starts, names as
the reports write them, files told apart by their content."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from esp.attendance.match import ClassAgent, match_rows, name_keys
from esp.attendance.parse import parse_meeting
from esp.attendance.sources import cell_text, read_table
from esp.attendance.zones import stated_moment, stated_start, zone_label, zone_named

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meeting"
DAY = date(2026, 11, 3)
CHICAGO = ZoneInfo("America/Chicago")


@pytest.mark.parametrize(
    "name,keys",
    [
        ("Bob Baker (Bob's iPhone)", ["bob baker", "bob's iphone"]),
        ("Dee (Di Dunn)", ["dee", "di dunn"]),
        ("Núñez, José", ["jose nunez"]),
        ("  RENÉE   müller ", ["renee muller"]),
        ("Wójcik, Łukasz (Zoom Rooms)", ["lukasz wojcik", "zoom rooms"]),
        ("15125550199", ["15125550199"]),
    ],
)
def test_a_report_name_is_tried_under_these_keys(name, keys):
    assert name_keys(name) == keys


def test_names_match_folded_and_two_agents_of_one_name_are_never_guessed():
    agents = [
        ClassAgent(1, "E001", "José Núñez", ()),
        ClassAgent(2, "E002", "Cy Cole", ()),
        ClassAgent(3, "E003", "Cy Cole", ()),
    ]
    text = "name,email,join_time,leave_time\n"
    text += '"Nunez, Jose",,08:00,16:30\nCy Cole (iPad),,08:00,16:30\nCy (Cy Cole),,08:00,16:30\n'
    parsed = parse_meeting(text.encode(), day=DAY, time_zone="America/Chicago")
    matched, unmatched = match_rows(parsed.rows, agents)
    assert sorted(matched) == ["E001"]
    assert [row.line for row in unmatched] == [3, 4]


@pytest.mark.parametrize(
    "text,utc,label",
    [
        (
            "September 3, 2020 3:40 PM IST",
            datetime(2020, 9, 3, 10, 10, tzinfo=UTC),
            "IST (UTC+05:30)",
        ),
        (
            "November 3, 2026 8:50 AM EST",
            datetime(2026, 11, 3, 13, 50, tzinfo=UTC),
            "EST (UTC−05:00)",
        ),
        ("Nov 3, 2026 7:50 AM CST", datetime(2026, 11, 3, 13, 50, tzinfo=UTC), "CST (UTC−06:00)"),
        (
            "11/03/2026 07:50:12 AM GMT-05:00",
            datetime(2026, 11, 3, 12, 50, 12, tzinfo=UTC),
            "UTC−05:00",
        ),
        (
            "11/03/2026 06:50 AM America/Los_Angeles",
            datetime(2026, 11, 3, 14, 50, tzinfo=UTC),
            "America/Los_Angeles (UTC−08:00)",
        ),
        ("2026-11-03T08:50:00-04:00", datetime(2026, 11, 3, 12, 50, tzinfo=UTC), "UTC−04:00"),
    ],
)
def test_a_stated_start_and_its_zone(text, utc, label):
    stated = stated_moment(text)
    assert stated is not None and stated.zone is not None
    assert stated.start == utc
    assert zone_label(stated.zone, stated.start) == label


def test_a_start_without_a_zone_or_with_an_unknown_one():
    assert stated_moment("11/03/2026 07:45:00 AM").zone is None
    assert stated_moment("November 3, 2026 8:50 AM XYZ") is None
    assert stated_moment("541 minutes") is None
    assert zone_named("Mars/Olympus") is None and zone_named("+25:00") is None
    assert zone_named("UTC+5:30").utcoffset(None) == timedelta(hours=5, minutes=30)


def test_the_start_is_read_below_its_label_not_from_other_rows():
    lines = [
        (1, ["Training Name:", "AET-A"]),
        (2, ["Meeting Date", "Meeting Duration"]),
        (3, ["November 3, 2026 8:50 AM EST", "541 minutes"]),
    ]
    stated = stated_start(lines)
    assert (stated.line, stated.column, stated.text) == (
        3,
        "meeting date",
        "November 3, 2026 8:50 AM EST",
    )
    assert stated_start(lines[:2]) is None


def test_files_are_told_apart_by_their_content_not_their_name(tmp_path):
    kinds = {
        name: read_table((FIXTURES / name).read_bytes()).kind
        for name in (
            "google_meet_report.csv",
            "google_meet_report_excel.csv",
            "google_meet_report.xlsx",
        )
    }
    assert kinds == {
        "google_meet_report.csv": "a CSV file (UTF-8)",
        "google_meet_report_excel.csv": "a CSV file (Windows-1252)",
        "google_meet_report.xlsx": "an Excel workbook (.xlsx)",
    }
    assert "\u202f" in (FIXTURES / "google_meet_report.csv").read_text(encoding="utf-8")


def test_workbook_cells_become_the_text_a_csv_export_holds():
    assert cell_text(time(8, 25)) == "08:25:00"
    assert cell_text(datetime(1899, 12, 30, 9, 5)) == "09:05:00"  # noqa: DTZ001
    assert cell_text(datetime(2026, 11, 3, 8, 59)) == "2026-11-03 08:59:00"  # noqa: DTZ001
    assert cell_text(58.0) == "58" and cell_text(None) == "" and cell_text(1.5) == "1.5"


def test_a_legacy_xls_reads_as_its_csv_does():
    pytest.importorskip("xlrd", reason="reading .xls needs xlrd (pyproject dependencies)")
    sheet = parse_meeting(
        FIXTURES / "goto_meeting_attendees.xls", day=DAY, time_zone="America/Chicago"
    )
    text = parse_meeting(
        FIXTURES / "goto_meeting_attendees.csv", day=DAY, time_zone="America/Chicago"
    )
    assert sheet.rows == text.rows and sheet.stated_zone == text.stated_zone == "EST (UTC−05:00)"
    assert sheet.kind == "a legacy Excel workbook (.xls)"
    assert sheet.rows[0].joined == datetime(2026, 11, 3, 8, 20, tzinfo=CHICAGO)


def test_an_xls_written_now_by_libreoffice_reads_as_the_committed_one(tmp_path):
    """The committed .xls is LibreOffice's conversion of the hand-written CSV (no .xls writer
    is installed): made again here at run time, it reads the same."""
    pytest.importorskip("xlrd", reason="reading .xls needs xlrd (pyproject dependencies)")
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "goto.csv"
    source.write_bytes((FIXTURES / "goto_meeting_attendees.csv").read_bytes())
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xls:MS Excel 97",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    made = parse_meeting(tmp_path / "goto.xls", day=DAY, time_zone="America/Chicago")
    committed = parse_meeting(
        FIXTURES / "goto_meeting_attendees.xls", day=DAY, time_zone="America/Chicago"
    )
    assert made.kind == "a legacy Excel workbook (.xls)" and made.rows == committed.rows


@pytest.mark.parametrize(
    "header,layout",
    [
        ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest", "zoom"),
        ("Name (original name),Email,Join time,Leave time,Duration (minutes),Guest", "zoom"),
        ("Name,Email Address,Join Time,Leave Time,Time in Session (minutes)", "goto_meeting"),
        ("Name,Email,Join Time,Leave Time", "goto_meeting"),
        ("First Name,Last Name,Email Address,Join Time,Leave Time", "goto_training"),
        ("First name,Last name,Email,Duration,Time joined,Time exited", "google_meet"),
    ],
)
def test_the_name_column_tells_the_layouts_apart(header, layout):
    width = header.count(",") + 1
    row = ",".join(["Ann Able", "ann@cxp.example", "08:00 AM", "04:30 PM"] + [""] * (width - 4))
    if layout in ("goto_training", "google_meet"):
        row = "Ann,Able,ann@cxp.example," + (
            "8 hr,08:00 AM,04:30 PM" if layout == "google_meet" else "08:00 AM,04:30 PM"
        )
    parsed = parse_meeting(f"{header}\n{row}\n".encode(), day=DAY, time_zone="America/Chicago")
    assert parsed.layout.key == layout and parsed.rows[0].name == "Ann Able"
