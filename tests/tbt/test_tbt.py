"""TBTs (R-B1, R-B3–R-B7) and the two end-of-day summaries (R-N2), through the whole path:
files → `esp import` → services/selectors → pages, CSV, .xlsx and the mail schedules.

The scenario is tests/test_reports.py's: AET-A's ESP starts Wednesday 11/25/2026, the day
before Thanksgiving, so ESP day 2 is Friday 11/27 and day 3 is Monday 11/30.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.lib.render import XLSX_TYPE
from esp.mailing.models import OutboxMessage
from esp.mailing.runs import send_round
from esp.mailing.services.schedules import ensure_lists_and_schedules, plan_due
from esp.programs.models import TbtCourse
from esp.reports.builders import build_report
from esp.roster.models import Agent
from esp.roster.roles import AGENT, ESP_MANAGER, TBT_SME, TL
from esp.tbt import selectors
from esp.tbt.models import HelpDeskCall
from esp.tbt.services import tbt_access_record
from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER
from tests.smtp import smtp_server  # noqa: F401  (the fixture)
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")

COURSES = """
number,name
T100,Medicare basics
T200,Plan types
"""

# Courses done per agent; N-Number requests on Friday 11/13: ten business days later, with
# Thanksgiving skipped, is Monday 11/30 (ESP day 3, while the TBT SMEs see the class).
TBT_ACTIVITY = """
date,employee_id,kind,item,value,by,note
2026-11-13,E004,n_number,requested,N4444,licensing@cxp.example,
2026-11-13,E006,n_number,requested,N6666,licensing@cxp.example,
2026-11-25,E001,tbt,T100,done,tbt.sme@cxp.example,
2026-11-27,E001,tbt,T200,done,tbt.sme@cxp.example,
2026-11-27,E004,tbt,T100,done,tbt.sme@cxp.example,
"""


@pytest.fixture
def scenario(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    code, _, err = esp("import", "courses", write(COURSES, "courses.csv"))
    assert code == 0, err
    for kind, text in (
        ("classes", CLASSES),
        ("roster", ROSTER),
        ("activity", ACTIVITY),
        ("activity", TBT_ACTIVITY),
    ):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    tbt_access_record(agent=Agent.objects.get(employee_id="E006"), granted_on=date(2026, 11, 20))
    return program


def sign_in(client, email, *roles):
    user = staff(email, *roles)
    client.force_login(user)
    return user


# -- R-B1: the course list import --------------------------------------------------------------


def test_it_imports_the_course_list_and_again_changes_nothing(program, write, esp):
    path = write(COURSES, "courses.csv")
    code, out, err = esp("import", "courses", path, "--dry-run")
    assert code == 0, err
    assert "would import 2 row(s): 2 new" in out
    assert not TbtCourse.objects.exists()

    code, out, err = esp("import", "courses", path)
    assert code == 0, err
    assert "2 new" in out
    assert list(program.tbt_courses.values_list("number", "name")) == [
        ("T100", "Medicare basics"),
        ("T200", "Plan types"),
    ]
    assert program.policy().tbt_courses == ("T100", "T200")

    code, out, err = esp("import", "courses", path)
    assert code == 0, err
    assert "0 new, 0 updated, 2 already present" in out

    code, out, err = esp("import", "courses", write("number,name\nT100,Medicare 101\n"))
    assert code == 0, err
    assert "1 updated" in out
    assert program.tbt_courses.get(number="T100").name == "Medicare 101"


def test_it_rejects_the_whole_course_file_with_every_error(program, write, esp):
    bad = "number,name\nT100,Medicare basics\n,No number\nT100,Twice\nT300,\n"
    code, out, err = esp("import", "courses", write(bad, "bad.csv"))
    assert code != 0
    assert "nothing was imported (3 error(s))" in err
    assert "line 3, column number: a course number is required" in err
    assert "line 4, column number: course T100 already on line 2" in err
    assert "line 5, column name: a course name is required" in err
    assert not TbtCourse.objects.exists()


# -- R-B5: the help-desk escalation list -----------------------------------------------------


def test_it_lists_agents_without_access_ten_business_days_after_the_request(scenario):
    assert selectors.help_desk_escalations(scenario, date(2026, 11, 27)) == []
    lines = selectors.help_desk_escalations(scenario, date(2026, 11, 30))
    # E006 has had access since 11/20: not listed.
    assert [(line["employee_id"], line["n_number"]) for line in lines] == [("E004", "N4444")]
    assert lines[0]["escalate_on"] == date(2026, 11, 30)


def test_it_records_the_incident_number_and_call_date_from_the_escalation_page(scenario, client):
    url = reverse("tbt:escalations")
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=CHICAGO), tick=False):
        sign_in(client, "tbt.sme@cxp.example", TBT_SME)
        page = client.get(url)
        assert page.status_code == 200
        assert "N4444" in page.content.decode()
        response = client.post(
            url,
            {"employee_id": "E004", "incident_number": "INC0012345", "call_date": "11/30/2026"},
        )
        assert response.status_code == 302
        call = HelpDeskCall.objects.get()
        assert (call.agent.employee_id, call.incident_number, call.call_date) == (
            "E004",
            "INC0012345",
            date(2026, 11, 30),
        )
        assert AuditEntry.objects.filter(action="help_desk_call", object_id="E004").exists()
        rows = list(csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert rows[1][1] == "E004"
    assert rows[1][-2:] == ["INC0012345", "2026-11-30"]


def test_it_takes_an_agent_off_the_list_once_their_access_is_recorded(scenario, client):
    url = reverse("tbt:escalations")
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=CHICAGO), tick=False):
        sign_in(client, "tbt.sme@cxp.example", TBT_SME)
        response = client.post(
            url, {"action": "access", "employee_id": "E004", "granted_on": "2026-11-30"}
        )
        assert response.status_code == 302
        page = client.get(url).content.decode()
    assert "N4444" not in page
    assert Agent.objects.get(employee_id="E004").tbt_access.granted_on == date(2026, 11, 30)
    assert selectors.help_desk_escalations(scenario, date(2026, 11, 30)) == []


def test_it_refuses_a_bad_call_date_and_records_nothing(scenario, client):
    sign_in(client, "tbt.sme@cxp.example", TBT_SME)
    response = client.post(
        reverse("tbt:escalations") + "?as_of=2026-11-30",
        {"employee_id": "E004", "incident_number": "INC1", "call_date": "13/45/2026"},
    )
    assert response.status_code == 200
    assert not HelpDeskCall.objects.exists()


# -- R-B7 and the TBT completion summary -----------------------------------------------------


def test_it_puts_open_tbts_on_the_behind_pace_list_after_esp_day_2(scenario):
    assert selectors.behind_pace(scenario, date(2026, 11, 27)) == []
    lines = selectors.behind_pace(scenario, date(2026, 11, 30))
    # E004 has one course of two and no TBT task done; E002 and E006 marked the task done.
    assert [line["employee_id"] for line in lines] == ["E004"]
    assert (lines[0]["courses_done"], lines[0]["courses_total"]) == (1, 2)


def test_it_summarises_tbt_completion_per_agent_as_page_csv_and_xlsx(scenario, client):
    from openpyxl import load_workbook

    sign_in(client, "manager@cxp.example", ESP_MANAGER)
    url = reverse("tbt:tbt_completion")
    page = client.get(url, {"as_of": "2026-11-30"})
    assert page.status_code == 200
    assert "End-of-day TBT completion as of 11/30/2026" in page.content.decode()

    response = client.get(url, {"as_of": "2026-11-30", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_id = {row["employee_id"]: row for row in rows}
    assert sorted(by_id) == ["E001", "E002", "E004", "E006"]  # E003 termed, E005 moved
    assert (by_id["E001"]["courses_done"], by_id["E001"]["tbt_done"]) == ("2", "yes")
    assert by_id["E004"]["behind_pace"] == "yes"
    assert by_id["E002"]["behind_pace"] == "no"
    # R-B1: E002's TBT task was marked done directly (migrated history, no course facts):
    # every course counts as done, not "0/2 courses, TBTs done".
    assert (by_id["E002"]["courses_done"], by_id["E002"]["tbt_done"]) == ("2", "yes")

    response = client.get(url, {"as_of": "2026-11-30", "format": "xlsx"})
    assert response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("class_code", "employee_id", "name")
    assert len(values) == 5


def test_it_summarises_call_cert_per_class_from_the_callcert_report(scenario, client):
    from openpyxl import load_workbook

    report = build_report("callcert", as_of=date(2026, 12, 1), program=scenario)
    (line,) = selectors.callcert_summary(scenario, date(2026, 12, 1))
    agents = report["agents"]
    assert line["class_code"] == "AET-A"
    assert line["agents"] == len(agents)
    assert line["calls_scored"] == sum(a["calls_scored"] for a in agents)
    for result in ("passed", "failed", "pending"):
        assert line[result] == sum(1 for a in agents if a["result"] == result)
    assert line["passed"] >= 1  # E004's call_cert task was marked done directly

    sign_in(client, "manager@cxp.example", ESP_MANAGER)
    url = reverse("tbt:callcert_summary")
    response = client.get(url, {"as_of": "2026-12-01", "format": "csv"})
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["class_code"] == "AET-A"
    assert int(row["agents"]) == line["agents"]
    response = client.get(url, {"as_of": "2026-12-01", "format": "xlsx"})
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert values[1][0] == "AET-A"


# -- R-N2: mailed by themselves ----------------------------------------------------------------


def test_it_plans_the_summaries_for_their_lists_every_business_day(scenario, esp):
    ensure_lists_and_schedules(scenario, active_from=date(2026, 12, 1))
    code, _, err = esp("lists", "set", "ops_leadership", "ops.lead@cxp.example")
    assert code == 0, err
    code, _, err = esp("lists", "set", "carrier_leadership", "aetna.lead@carrier.example")
    assert code == 0, err

    plan_due(now=datetime(2026, 12, 1, 18, 5, tzinfo=CHICAGO))
    plan_due(now=datetime(2026, 12, 1, 18, 6, tzinfo=CHICAGO))  # again: nothing new

    callcert = OutboxMessage.objects.get(report="callcert_summary")
    assert (callcert.list_key, callcert.to) == ("ops_leadership", ["ops.lead@cxp.example"])
    assert callcert.business_day == date(2026, 12, 1)
    assert "Call Cert summary 12/01/2026" in callcert.subject
    assert "Class AET-A:" in callcert.text

    tbt = OutboxMessage.objects.get(report="tbt_completion")
    assert (tbt.list_key, tbt.to) == ("carrier_leadership", ["aetna.lead@carrier.example"])
    assert "TBT completion 12/01/2026" in tbt.subject
    assert "BEHIND PACE" in tbt.text
    names = sorted(a.filename for a in tbt.attachments.all())
    assert names == ["tbt-completion-2026-12-01.csv", "tbt-completion-2026-12-01.xlsx"]


def test_it_sends_the_summaries_over_smtp_in_the_days_round(scenario, esp, smtp_server):  # noqa: F811
    ensure_lists_and_schedules(scenario, active_from=date(2026, 12, 1))
    esp("lists", "set", "ops_leadership", "ops.lead@cxp.example")
    esp("lists", "set", "carrier_leadership", "aetna.lead@carrier.example")

    send_round(now=datetime(2026, 12, 1, 18, 5, tzinfo=CHICAGO))

    received = {m.key: m for m in smtp_server.messages}
    tbt = received["tbt_completion|carrier_leadership|2026-12-01"]
    assert tbt.rcpt_tos == ("aetna.lead@carrier.example",)
    files = {p.get_filename(): p.get_payload(decode=True) for p in tbt.message.iter_attachments()}
    rows = list(
        csv.DictReader(io.StringIO(files["tbt-completion-2026-12-01.csv"].decode("utf-8-sig")))
    )
    assert {r["employee_id"]: r["behind_pace"] for r in rows}["E004"] == "yes"
    callcert = received["callcert_summary|ops_leadership|2026-12-01"]
    assert callcert.rcpt_tos == ("ops.lead@cxp.example",)


# -- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "role", "status"),
    [
        ("tbt:escalations", TBT_SME, 200),
        ("tbt:escalations", TL, 404),
        ("tbt:behind_pace", TBT_SME, 200),
        ("tbt:searched", TL, 404),
        ("tbt:callcert_summary", TL, 200),
        ("tbt:tbt_completion", AGENT, 404),
    ],
)
def test_it_shows_the_tbt_pages_only_to_their_roles(scenario, client, route, role, status):
    sign_in(client, "someone@cxp.example", role)
    assert client.get(reverse(route)).status_code == status


def test_it_limits_the_summary_to_the_tls_own_agents(scenario, client):
    sign_in(client, "tl.two@cxp.example", TL)  # AET-B's TL: no AET-A agent
    response = client.get(reverse("tbt:tbt_completion"), {"as_of": "2026-11-30", "format": "csv"})
    assert response.content.decode().strip().splitlines()[1:] == []


# -- R-B3/R-B4: the "searched by course number" evidence ---------------------------------------


def test_it_compiles_the_accepted_searched_by_course_screenshots_per_class(
    scenario, client, settings, tmp_path
):
    from esp.progress.services.proofs import proof_review, proof_submit
    from tests.web_support import png

    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=CHICAGO), tick=False):
        sme = sign_in(client, "tbt.sme@cxp.example", TBT_SME)
        for employee_id, accept in (("E001", True), ("E002", False)):
            proof = proof_submit(
                agent=Agent.objects.get(employee_id=employee_id),
                item="searched_by_course",
                name="search.png",
                data=png(),
                actor=sme,
            )
            proof_review(
                proof=proof,
                accept=accept,
                actor=sme,
                day=date(2026, 11, 30),
                reason="" if accept else "The course number is not visible.",
            )
        url = reverse("tbt:searched")
        assert "E001" in client.get(url).content.decode()
        response = client.get(url, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["class_code"], r["employee_id"], r["accepted_on"]) for r in rows] == [
        ("AET-A", "E001", "2026-11-30")
    ]
    assert rows[0]["reviewed_by"] == "Tbt Sme"  # by name (issue 17 item 4)


def test_it_shows_the_behind_pace_list_on_the_tbt_smes_today_page(scenario, client):
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=CHICAGO), tick=False):
        sign_in(client, "tbt.sme@cxp.example", TBT_SME)
        page = client.get(reverse("web:today")).content.decode()
    assert "TBTs behind pace (1)" in page
    assert "1 agent without TBT access to call the help desk about" in page


def test_todays_escalation_count_is_the_escalation_pages_list_around_the_escalation_day(
    scenario,
):
    """R-B5 on Today (issue 14: read from the built lines): the same agents as the escalation
    page on the days around E004's escalation day, and none once their access is recorded
    (the access is not a fact: the page checks it live)."""
    from esp.lib import clock
    from esp.web import sections
    from esp.web.sections import sources

    manager = staff("manager@cxp.example", ESP_MANAGER)
    days = (date(2026, 11, 24), date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1))

    def counts():
        found = []
        for day in days:
            base = sections.basis(manager, scenario, day, clock.now())
            assert sources.escalations(base) == len(selectors.help_desk_escalations(scenario, day))
            found.append(sources.escalations(base))
        return found

    before = counts()
    assert before[0] == 0 and before[-1] >= 1, before
    tbt_access_record(agent=Agent.objects.get(employee_id="E004"), granted_on=date(2026, 11, 20))
    after = counts()
    assert after[-1] == before[-1] - 1, (before, after)
