"""Issue 15 item 11 on the attendance page and the meeting import (seed 001 "Monitor
attendance ... Agents that arrive 4+ hours late or leave 4+ hours early"; seed 002 "Any agent
who fails to raise/lower hands ... should be marked MIA"): attendance is not recorded for a day
to come or a day the class does not meet, with a message naming the day and nothing changed;
a meeting report's gaps of 30+ minutes show as MIA and 240+ minutes missed as one absence."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from esp.progress.models import Fact
from tests.reports.test_reports import CLASSES, ROSTER
from tests.web_support import messages_of, staff

CHICAGO = ZoneInfo("America/Chicago")
THURSDAY = datetime(2026, 11, 5, 10, 0, tzinfo=CHICAGO)  # AET-A started Monday 11/02


@pytest.fixture
def tl(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        assert esp("import", kind, write(text, f"{kind}.csv"))[0] == 0
    return staff("tl.one@cxp.example", "TL")


def mark(client, day, employee_id="E002", **data):
    return client.post(
        f"/classes/AET-A/attendance/{employee_id}/", {"date": day, "kind": "absent", **data}
    )


@time_machine.travel(THURSDAY, tick=False)
def test_it_refuses_an_absence_for_a_saturday_three_days_ahead_naming_the_day(tl, client):
    """Issue 15 item 11: "today a Saturday three days ahead took an Absent"."""
    client.force_login(tl)
    response = mark(client, "2026-11-08")
    assert response.status_code == 302
    assert messages_of(response)[-1] == (
        "Bob Baker: Sunday 11/08/2026 has not come yet (today is 11/05/2026): attendance is "
        "recorded on or after the class day. Nothing was recorded."
    )
    response = mark(client, "2026-11-07")
    assert "Saturday 11/07/2026 has not come yet" in messages_of(response)[-1]
    response = mark(client, "2026-11-06")  # tomorrow, a class day: not yet either
    assert "Friday 11/06/2026 has not come yet" in messages_of(response)[-1]
    assert not Fact.objects.filter(kind="attendance").exists()


@time_machine.travel(THURSDAY, tick=False)
def test_it_refuses_a_day_the_class_does_not_meet_and_records_a_class_day(tl, client):
    client.force_login(tl)
    response = mark(client, "2026-10-31")
    assert messages_of(response)[-1] == (
        "Bob Baker: No class on Saturday 10/31/2026: it is not a business day. "
        "Nothing was recorded."
    )
    response = mark(client, "2026-10-30")  # a Friday before the class starts
    assert messages_of(response)[-1] == (
        "Bob Baker: No class on Friday 10/30/2026: class AET-A starts 11/02/2026. "
        "Nothing was recorded."
    )
    assert not Fact.objects.filter(kind="attendance").exists()
    response = mark(client, "2026-11-05", kind="mia", note="No hand at lunch")  # today
    assert messages_of(response)[-1] == "Bob Baker: MIA recorded."
    response = mark(client, "2026-11-04")  # yesterday
    assert messages_of(response)[-1] == "Bob Baker: Absent – Unapproved recorded."
    assert Fact.objects.filter(kind="attendance").count() == 2


@time_machine.travel(THURSDAY, tick=False)
def test_the_page_of_a_day_to_come_says_so_and_offers_no_mark(tl, client):
    client.force_login(tl)
    page = client.get("/classes/AET-A/attendance/?date=2026-11-07").content.decode()
    assert "Saturday 11/07/2026 has not come yet (today is 11/05/2026)" in page
    assert "Nothing can be recorded for this day." in page
    assert 'name="kind"' not in page
    assert "<td>Full day of work</td>" not in page  # no label for a day that has not come
    page = client.get("/classes/AET-A/attendance/?date=2026-11-05").content.decode()
    assert "Nothing can be recorded" not in page
    assert page.count('name="kind"') == 6


GAPS = b"""name,email,join_time,leave_time
Ann Able,ann@cxp.example,2026-11-04T08:00:00,2026-11-04T09:00:00
Ann Able,ann@cxp.example,2026-11-04T09:29:00,2026-11-04T16:30:00
Bob Baker,bob@cxp.example,2026-11-04T08:00:00,2026-11-04T09:00:00
Bob Baker,bob@cxp.example,2026-11-04T09:30:00,2026-11-04T16:30:00
Cy Cole,cy@cxp.example,2026-11-04T08:00:00,2026-11-04T09:00:00
Cy Cole,cy@cxp.example,2026-11-04T14:00:00,2026-11-04T16:30:00
Di Dunn,di@cxp.example,2026-11-04T09:40:00,2026-11-04T11:00:00
Di Dunn,di@cxp.example,2026-11-04T11:40:00,2026-11-04T14:51:00
Ed Eng,ed@cxp.example,2026-11-04T09:40:00,2026-11-04T11:00:00
Ed Eng,ed@cxp.example,2026-11-04T11:40:00,2026-11-04T14:50:00
Flo Fox,flo@cxp.example,2026-11-04T09:40:00,2026-11-04T11:00:00
Flo Fox,flo@cxp.example,2026-11-04T11:40:00,2026-11-04T14:49:00
"""


def upload(client, day, content=GAPS):
    return client.post(
        "/classes/AET-A/attendance/import/",
        {"step": "preview", "date": day, "file": SimpleUploadedFile("meet.csv", content)},
    )


@time_machine.travel(THURSDAY, tick=False)
def test_a_meeting_report_s_gaps_show_as_mia_and_240_minutes_missed_as_one_absence(tl, client):
    """Gaps of 29/30 minutes and 5 hours, late + gap + early of 239/240/241 minutes, imported
    then read on the attendance page."""
    client.force_login(tl)
    preview = upload(client, "2026-11-04")
    assert preview.status_code == 200
    client.post("/classes/AET-A/attendance/import/", {"step": "confirm"})
    recorded = {
        (f.agent.employee_id, f.item, f.value)
        for f in Fact.objects.filter(kind="attendance").select_related("agent")
    }
    assert recorded == {
        ("E002", "mia", "30"),
        ("E003", "absent", "255"),  # 5 hours less both breaks and lunch
        ("E004", "tardy", "100"),
        ("E004", "left_early", "99"),
        ("E004", "mia", "40"),
        ("E005", "absent", "240"),
        ("E006", "absent", "241"),
    }
    page = client.get("/classes/AET-A/attendance/?date=2026-11-04").content.decode()
    labels = {
        line.split("</a>")[0].rsplit(">", 1)[1]: line.split("<td>")[1].split("</td>")[0]
        for line in page.split("<tr")
        if "progress/agent" in line or "/agents/" in line
    }
    assert labels["Ann Able"] == "Full day of work"  # a 29-minute gap
    assert labels["Bob Baker"] == "MIA"
    assert labels["Cy Cole"] == "Absent – Unapproved"  # the 5-hour gap
    assert labels["Di Dunn"] == (
        "Tardy – Over 1 Hr, Up to Half of Shift; Left Early – Over 1 Hr, Up to Half of Shift; MIA"
    )
    assert labels["Ed Eng"] == labels["Flo Fox"] == "Absent – Unapproved"


@time_machine.travel(THURSDAY, tick=False)
def test_a_meeting_report_for_a_day_to_come_is_refused_with_nothing_saved(tl, client, write, esp):
    client.force_login(tl)
    response = upload(client, "2026-11-07", GAPS.replace(b"2026-11-04", b"2026-11-07"))
    assert response.status_code == 400
    assert "Saturday 11/07/2026 has not come yet" in response.content.decode()
    path = write(GAPS.replace(b"2026-11-04", b"2026-11-06").decode(), "meet.csv")
    code, out, err = esp("import", "meeting", path, "--class", "AET-A", "--date", "2026-11-06")
    assert code != 0
    assert "Friday 11/06/2026 has not come yet" in out + err
    assert not Fact.objects.filter(kind="attendance").exists()
