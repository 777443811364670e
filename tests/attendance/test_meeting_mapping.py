"""Issue 16 item 7: a meeting report in a layout the app does not know is mapped in the
browser (which column is the name, the e-mail, the join time, the leave time or the duration);
the mapping is remembered for the program and layout when the import is confirmed, reads the
next upload of that layout with no mapping step, and `esp import meeting` uses it too (seed 001:
"Use attendance reporting to identify occurrences and update accordingly")."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esp.attendance.mapping import fits, layout_key, parse_duration, suggested
from esp.attendance.models import MeetingColumns
from esp.attendance.parse import parse_meeting
from esp.attendance.sources import read_table
from esp.audit.models import AuditEntry
from esp.progress.models import Fact
from tests.attendance.test_meeting_layouts import CLASSES, ROSTER
from tests.web_support import staff

PAGE = "/classes/AET-A/attendance/import/"
# A webinar tool's export: two report lines, then columns no known layout has; a duration
# instead of a leave time. Bob leaves for 30 minutes (MIA); Cy misses 240 minutes in all.
UNKNOWN = b"""Webinar attendance,,,,
Exported,11/03/2026,,,
Participant,Mail,Arrived,Minutes attended,Role
Ann Able,ann@cxp.example,11/03/2026 08:00 AM,510,Attendee
Bob Baker,bob@cxp.example,11/03/2026 08:00 AM,60,Attendee
Bob Baker,bob@cxp.example,11/03/2026 09:30 AM,420,Attendee
Cy Cole,cy@cxp.example,11/03/2026 09:40 AM,80,Attendee
Cy Cole,cy@cxp.example,11/03/2026 11:40 AM,190,Attendee
Tim Jones,timothy.jones@cxp.example,11/03/2026 07:55 AM,520,Host
"""
# The same tool's export of another day, its columns in another order.
REORDERED = b"""Webinar attendance,,,,
Role,Minutes attended,Participant,Mail,Arrived
Attendee,510,Ann Able,ann@cxp.example,11/03/2026 08:29 AM
Attendee,480,Bob Baker,bob@cxp.example,11/03/2026 08:00 AM
"""
MAPPING = {
    "column_name": "Participant",
    "column_email": "Mail",
    "column_join_time": "Arrived",
    "column_duration": "Minutes attended",
}


@pytest.fixture
def tl(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        assert esp("import", kind, write(text, f"{kind}.csv"))[0] == 0
    return staff("tl.one@cxp.example", "TL")


def upload(client, content: bytes, name="webinar.csv"):
    upload = SimpleUploadedFile(name, content, "text/csv")
    return client.post(PAGE, {"step": "preview", "date": "2026-11-03", "file": upload})


def saved() -> list[tuple[str, str, str]]:
    return sorted(
        Fact.objects.filter(kind="attendance").values_list("agent__employee_id", "item", "value")
    )


@pytest.mark.parametrize(
    "text,minutes",
    [
        ("45", 45),
        ("62.5", 62.5),
        ("1:05", 65),
        ("1:05:30", 65.5),
        ("1 hr 5 min", 65),
        ("45 mins 30 secs", 45.5),
        ("2 hours", 120),
    ],
)
def test_a_duration_column_reads_minutes_clock_or_words(text, minutes):
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "soon", "-5", "1 hr later"])
def test_a_duration_that_is_none_is_refused(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_a_layout_is_known_by_its_column_names_in_any_order():
    assert layout_key(["Participant", "Mail", "Arrived"]) == layout_key(
        ["mail", " Arrived", "PARTICIPANT", ""]
    )
    assert layout_key(["Participant", "Mail"]) != layout_key(["Participant", "Mail", "Arrived"])
    table = read_table(UNKNOWN)
    assert fits(table, {"name": "participant", "join_time": "Arrived"})
    assert not fits(table, {"name": "Participant", "join_time": "Joined"})


def test_the_first_guess_maps_the_columns_their_names_suggest():
    names = ["Participant", "Mail", "Arrived", "Minutes attended", "Role"]
    assert suggested(names) == {
        "email": "Mail",
        "join_time": "Arrived",
        "duration": "Minutes attended",
        "name": "Participant",
    }


def test_a_mapped_duration_gives_the_leave_time():
    parsed = parse_meeting(
        UNKNOWN,
        day=__import__("datetime").date(2026, 11, 3),
        time_zone="America/Chicago",
        columns={"name": "Participant", "join_time": "Arrived", "duration": "Minutes attended"},
    )
    bob = [row for row in parsed.rows if row.name == "Bob Baker"]
    assert [f"{row.joined:%H:%M}-{row.left:%H:%M}" for row in bob] == ["08:00-09:00", "09:30-16:30"]


def test_an_unknown_layout_is_mapped_in_the_browser_then_previewed_and_saved(tl, client):
    """Issue 16 item 7: the TL maps the columns; nothing is saved before the confirmation;
    the mapping is remembered for the program when it is confirmed."""
    client.force_login(tl)
    step = upload(client, UNKNOWN)
    assert step.status_code == 400  # refused as it is: the mapping step
    page = step.content.decode()
    assert "Which column holds what?" in page
    assert "a CSV file (UTF-8) with the columns &quot;Participant&quot;, &quot;Mail&quot;" in page
    assert '<option value="Arrived" selected>Arrived — e.g. 11/03/2026 08:00 AM</option>' in page
    assert not MeetingColumns.objects.exists()
    preview = client.post(PAGE, {"step": "map", **MAPPING})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Columns read as you mapped them" in page
    assert (
        "MIA 30 min" in page and "Absent – Unapproved 240 min" in page
    )  # words, not keys (issue 17)
    assert "Tim Jones" in page  # the host: an unmatched row
    assert saved() == [] and not MeetingColumns.objects.exists()
    response = client.post(PAGE, {"step": "confirm"})
    assert response.status_code == 302
    assert saved() == [("E002", "mia", "30"), ("E003", "absent", "240")]
    mapping = MeetingColumns.objects.get()
    assert mapping.columns == {
        "name": "Participant",
        "email": "Mail",
        "join_time": "Arrived",
        "duration": "Minutes attended",
    }
    assert mapping.header == "participant, mail, arrived, minutes attended, role"
    assert mapping.program.key == "esp-aetna"
    assert AuditEntry.objects.filter(action="meeting_columns_remembered").count() == 1


def test_the_next_upload_of_the_layout_needs_no_mapping_and_can_be_mapped_again(tl, client):
    client.force_login(tl)
    upload(client, UNKNOWN)
    client.post(PAGE, {"step": "map", **MAPPING})
    client.post(PAGE, {"step": "confirm"})
    preview = upload(client, REORDERED, "webinar-2.csv")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Columns read with the mapping remembered for this layout on " in page
    assert "Tardy 29 min" in page
    assert "Change the column mapping" in page
    remap = client.post(PAGE, {"step": "remap", "column_name": "Participant"})
    assert "Which column holds what?" in remap.content.decode()
    assert '<option value="Participant" selected>' in remap.content.decode()


def test_a_mapping_without_a_join_time_is_refused_and_asked_again(tl, client):
    client.force_login(tl)
    upload(client, UNKNOWN)
    response = client.post(PAGE, {"step": "map", "column_name": "Participant"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "the column mapping lacks join_time, leave_time (or duration)" in page
    assert "Which column holds what?" in page
    assert saved() == [] and not MeetingColumns.objects.exists()


def test_esp_import_meeting_reads_a_layout_with_its_remembered_mapping(tl, client, write, esp):
    path = write(UNKNOWN.decode(), "webinar.csv")
    code, out, err = esp("import", "meeting", path, "--class", "AET-A", "--date", "2026-11-03")
    assert code != 0 and "not a meeting attendance report" in out + err
    client.force_login(tl)
    upload(client, UNKNOWN)
    client.post(PAGE, {"step": "map", **MAPPING})
    client.post(PAGE, {"step": "confirm"})
    path = write(REORDERED.decode(), "webinar-2.csv")
    code, out, err = esp(
        "import", "meeting", path, "--class", "AET-A", "--date", "2026-11-03", "--dry-run"
    )
    assert code == 0, err
    assert "columns read with the mapping remembered for this layout on " in out
    assert "E001 Ann Able: Tardy 29 min" in out
