"""Taking a class day's attendance in the browser's forms (R-A1, R-A2, R-A6) and the WFM
digest page (CSV, .xlsx) — through the Django test client."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from esp.progress.models import Fact
from tests.reports.test_reports import CLASSES, ROSTER
from tests.web_support import messages_of, staff

DAY = "2026-11-05"


@pytest.fixture
def world(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        assert esp("import", kind, write(text, f"{kind}.csv"))[0] == 0
    return {
        "tl": staff("tl.one@cxp.example", "TL"),
        "other_tl": staff("tl.two@cxp.example", "TL"),
        "wfm": staff("wfm@cxp.example", "WFM"),
    }


def mark(client, employee_id, **data):
    return client.post(f"/classes/AET-A/attendance/{employee_id}/", {"date": DAY, **data})


def test_it_shows_a_full_day_of_work_until_something_is_recorded_R_A6(world, client):
    client.force_login(world["tl"])
    page = client.get(f"/classes/AET-A/attendance/?date={DAY}")
    assert page.status_code == 200
    assert page.content.count(b"<td>Full day of work</td>") == 6  # E005 moves on 11/09
    mark(client, "E002", kind="tardy", minutes="25", note="Traffic")
    page = client.get(f"/classes/AET-A/attendance/?date={DAY}")
    assert b"Tardy \xe2\x80\x93 Under 1 Hr" in page.content
    fact = Fact.objects.get(kind="attendance", agent__employee_id="E002")
    assert (fact.item, fact.value, fact.note, fact.recorded_by) == (
        "tardy",
        "25",
        "Traffic",
        world["tl"],
    )
    assert fact.date.isoformat() == DAY


def test_minutes_are_needed_for_tardy_and_a_reason_to_excuse(world, client):
    client.force_login(world["tl"])
    response = mark(client, "E002", kind="tardy")
    assert any("how many minutes" in m for m in messages_of(response))
    response = mark(client, "E002", kind="absent_approved")
    assert any("needs a reason" in m for m in messages_of(response))
    assert not Fact.objects.filter(kind="attendance").exists()
    mark(client, "E002", kind="absent_approved", note="HR approved: jury duty")
    assert Fact.objects.get(kind="attendance").item == "absent_approved"


def test_a_missed_break_check_in_records_mia(world, client):
    client.force_login(world["tl"])
    mark(client, "E004", lunch_missed="1")
    fact = Fact.objects.get(kind="attendance", agent__employee_id="E004")
    assert fact.item == "mia" and "lunch" in fact.note


def test_another_tl_gets_404_and_nothing_is_recorded(world, client):
    client.force_login(world["other_tl"])
    assert client.get(f"/classes/AET-A/attendance/?date={DAY}").status_code == 404
    assert mark(client, "E002", kind="absent").status_code == 404
    assert not Fact.objects.filter(kind="attendance").exists()


def test_wfm_reads_the_digest_of_every_class_as_a_page_csv_and_xlsx(world, client):
    client.force_login(world["tl"])
    mark(client, "E002", kind="tardy", minutes="75")
    mark(client, "E003", kind="tardy", minutes="5")  # under 10 minutes: no occurrence
    mark(client, "E004", kind="ncns")
    client.force_login(world["wfm"])
    page = client.get(f"/attendance/digest/?date={DAY}")
    assert page.status_code == 200
    assert b"Tardy \xe2\x80\x93 Over 1 Hr, Up to Half of Shift" in page.content
    assert b"<td>Cy Cole (E003)</td>" not in page.content
    assert b"<td>Bob Baker (E002)</td>" in page.content
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/attendance/digest/?date={DAY}&format=csv").content.decode())
        )
    )
    assert rows[0][:4] == ["class_code", "employee_id", "name", "occurrence"]
    assert [(r[1], r[5]) for r in rows[1:]] == [("E002", "0.5"), ("E004", "2.0")]
    book = load_workbook(
        io.BytesIO(client.get(f"/attendance/digest/?date={DAY}&format=xlsx").content)
    )
    assert book["Attendance"]["D2"].value.startswith("Tardy")
    # WFM has no agent pages (attendance only).
    assert client.get("/agents/E002/").status_code == 404


def test_the_agent_page_shows_the_rolling_points_R_A4(world, client):
    client.force_login(world["tl"])
    mark(client, "E002", kind="tardy", minutes="75")  # ½
    mark(client, "E002", kind="ncns")  # 2
    page = client.get("/agents/E002/?as_of=2026-11-06").content.decode()
    assert "2.5 points in the last 90 days" in page
    assert "11/05/2026 — No call, no show — 2 points" in page  # the kind by its label


def test_licensing_sees_the_proctored_last_attempts_to_arrange_R_N4a(world, client, write, esp):
    esp(
        "import",
        "activity",
        write(
            "date,employee_id,kind,item,value,by,note\n"
            "2026-11-05,E004,exam,ahip,failed,licensing@cxp.example,\n"
            "2026-11-06,E004,exam,ahip,failed,licensing@cxp.example,\n"
            "2026-11-06,E006,exam,carrier_cert,failed,licensing@cxp.example,\n",
            "exams.csv",
        ),
    )
    client.force_login(staff("lic@cxp.example", "Licensing"))
    # on 11/06 itself: Licensing sees the classes in licensing today (issue 12 item 2)
    with time_machine.travel(datetime(2026, 11, 6, 12, tzinfo=ZoneInfo("America/Chicago"))):
        page = client.get("/today/?as_of=2026-11-06").content.decode()
    assert "Proctored last attempts to arrange (1)" in page
    assert "Di Dunn</a> (E004): AHIP failed 2 times" in page


def test_the_attendance_page_reads_a_fixed_number_of_queries_whatever_the_agents(
    world, client, write, esp
):
    """SPEC §17: the class's attendance day answers in the same number of queries for 6
    agents as for 16 (the program's policy is read once, not twice per agent)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["tl"])

    def queries() -> int:
        client.get(f"/classes/AET-A/attendance/?date={DAY}")  # the per-process caches warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/classes/AET-A/attendance/?date={DAY}").status_code == 200
        return len(captured)

    six = queries()
    more = "".join(
        f"E1{n:02},Al{n},Extra,al{n}@cxp.example,al{n}@mail.example,AET-A,tl.one@cxp.example\n"
        for n in range(10)
    )
    header = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n"
    assert esp("import", "roster", write(header + more, "more.csv"))[0] == 0
    assert queries() == six
