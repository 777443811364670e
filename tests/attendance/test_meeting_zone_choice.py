"""Issue 16 item 5, as a TL met it: a Zoom report exported by an organizer on Eastern time
states no zone, so its times read an hour late in Chicago. The preview (and the command line)
says most agents look an hour late, and the TL says which zone the report is in — in the
upload form or with `--time-zone` — and the times are converted. Other layouts' time formats
read in a column mapping: `12/2/26, 7:55:11 AM` (Teams-style)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esp.attendance.parse import parse_moment
from esp.attendance.selectors import propose_meeting
from tests.attendance.test_meeting_layouts import CLASSES, ROSTER, attendance_facts
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
PAGE = "/classes/AET-A/attendance/import/"
# The class day runs 8:00 AM–4:30 PM Chicago: 9:00 AM–5:30 PM on the organizer's Eastern clock.
ZOOM_EASTERN = b"""Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Ann Able,ann@cxp.example,11/03/2026 08:58:12 AM,11/03/2026 05:30:40 PM,513,No
Bob Baker,bob@cxp.example,11/03/2026 09:00:05 AM,11/03/2026 05:31:00 PM,510,No
Cy Cole,cy@cxp.example,11/03/2026 09:40:00 AM,11/03/2026 05:30:00 PM,470,No
Di Dunn,di@cxp.example,11/03/2026 08:59:00 AM,11/03/2026 05:30:00 PM,511,No
"""


@pytest.fixture
def classes(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def occurrences(result) -> dict[str, tuple]:
    return {a.agent.employee_id: a.occurrences for a in result.matched}


def test_an_eastern_report_read_in_chicago_looks_an_hour_late_and_says_so(classes):
    result = propose_meeting(ZOOM_EASTERN, class_code="AET-A", day=date(2026, 11, 3))
    assert result.hours_off == 1
    assert occurrences(result)["E001"] == (("tardy", 58),)


def test_the_zone_the_tl_chooses_reads_the_report_right(classes):
    result = propose_meeting(
        ZOOM_EASTERN, class_code="AET-A", day=date(2026, 11, 3), report_zone="America/New_York"
    )
    assert result.hours_off == 0
    assert occurrences(result) == {"E001": (), "E002": (), "E003": (("tardy", 40),), "E004": ()}
    assert "the time zone you chose, America/New_York" in result.zone_note


def test_the_upload_form_takes_the_reports_zone_and_warns_without_it(classes, client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(staff("tl.one@cxp.example", "TL"))
    form = client.get(PAGE, {"date": "2026-11-03"}).content.decode()
    assert 'value="2026-11-03"' in form and 'value="America/New_York"' in form

    def preview(zone: str) -> str:
        upload = SimpleUploadedFile("participants.csv", ZOOM_EASTERN, "text/csv")
        data = {"step": "preview", "date": "2026-11-03", "file": upload, "zone": zone}
        return client.post(PAGE, data).content.decode()

    page = preview("")
    assert "(Zoom participants report)" in page
    assert "Most agents read about 1 hour late" in page and "Tardy 58 min" in page
    page = preview("America/New_York")
    assert "Most agents read" not in page and "Tardy 40 min" in page
    assert client.post(PAGE, {"step": "confirm"}).status_code == 302
    assert attendance_facts() == [("E003", "tardy", "40")]
    upload = SimpleUploadedFile("participants.csv", ZOOM_EASTERN, "text/csv")
    refused = client.post(
        PAGE, {"step": "preview", "date": "2026-11-03", "file": upload, "zone": "Mars/Olympus"}
    )
    assert refused.status_code == 400 and "Choose the report" in refused.content.decode()


def test_the_command_line_warns_and_takes_time_zone(classes, esp, write):
    path = write(ZOOM_EASTERN.decode(), "participants.csv")
    day = ("--class", "AET-A", "--date", "2026-11-03", "--dry-run")
    code, out, _ = esp("import", "meeting", path, *day)
    assert code == 0 and "most agents read about 1 hour(s) late" in out
    code, out, _ = esp("import", "meeting", path, *day, "--time-zone", "America/New_York")
    assert code == 0 and "most agents read" not in out and "E003 Cy Cole: Tardy 40 min" in out
    code, _, err = esp("import", "meeting", path, *day, "--time-zone", "Eastern")
    assert code == 2 and "not a time zone" in err


def test_a_two_digit_year_with_a_comma_and_seconds_reads():
    moment = parse_moment("12/2/26, 7:55:11 AM", date(2026, 12, 2), CHICAGO)
    assert moment == datetime(2026, 12, 2, 7, 55, 11, tzinfo=CHICAGO)


def test_uploading_a_recorded_report_again_says_what_is_already_recorded(classes, client, settings):
    """The walk: a second upload of the same file proposed everything again and said only
    after the confirmation that it was already recorded; the preview says it first."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.force_login(staff("tl.one@cxp.example", "TL"))

    def preview() -> str:
        upload = SimpleUploadedFile("participants.csv", ZOOM_EASTERN, "text/csv")
        data = {"step": "preview", "date": "2026-11-03", "file": upload}
        data["zone"] = "America/New_York"
        return client.post(PAGE, data).content.decode()

    assert "already recorded" not in preview()
    client.post(PAGE, {"step": "confirm", "absent_E005": "ncns"})
    page = preview()
    assert "Tardy 40 min (already recorded)" in page
    assert "No call, no show already recorded." in page


def test_a_google_meet_row_shorter_in_the_call_than_its_span_shows_the_time_away(classes):
    """Seed 001 "MIA": Meet writes one row per person; its Duration less than the row's
    span is time away — less what the day's breaks and lunch (60 minutes) could explain: 2
    hours missing is an MIA of 60 minutes, 45 missing could all be lunch and breaks."""
    meet = (
        b"First name,Last name,Email,Duration,Time joined,Time exited\n"
        b"Ann,Able,ann@cxp.example,8 hr 30 min,8:00 AM,4:30 PM\n"
        b"Bob,Baker,bob@cxp.example,6 hr 30 min,8:00 AM,4:30 PM\n"
        b"Cy,Cole,cy@cxp.example,7 hr 45 min,8:00 AM,4:30 PM\n"
    )
    result = propose_meeting(meet, class_code="AET-A", day=date(2026, 11, 3))
    assert occurrences(result) == {"E001": (), "E002": (("mia", 60),), "E003": ()}
