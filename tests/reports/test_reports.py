"""Hand-built scenarios through the whole path (files → import → selectors → rules → CLI), with
the expected report JSON written out (SPEC §15, R-I1, R-P2, R-L2–R-L3b, R-N4a, R-C4, R-E1/R-E2).

Class AET-A starts Monday 11/02/2026: licensing Wednesday 11/04, training 11/10 (after
Veterans Day), ESP Wednesday 11/25, then Thanksgiving 11/26: ESP day 5 is Wednesday 12/02.
Class AET-B starts Monday 11/16: licensing 11/18, ESP 12/09.
"""

import json

import pytest

from esp.progress.models import Fact, Kind
from esp.roster.models import Agent, TrainingClass

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-B,esp-aetna,Aetna,PRV,2026-11-16,tl.two@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E003,Cy,Cole,cy@cxp.example,cy@mail.example,AET-A,tl.one@cxp.example
E004,Di,Dunn,di@cxp.example,di@mail.example,AET-A,tl.one@cxp.example
E005,Ed,Eng,ed@cxp.example,ed@mail.example,AET-A,tl.one@cxp.example
E006,Flo,Fox,flo@cxp.example,flo@mail.example,AET-A,tl.one@cxp.example
"""

ACTIVITY = """
date,employee_id,kind,item,value,by,note
2026-11-04,E001,task,producer_world,done,tl.one@cxp.example,
2026-11-04,E002,task,producer_world,in_progress,tl.one@cxp.example,Portal locked
2026-11-04,E004,task,producer_world,done,tl.one@cxp.example,
2026-11-04,E006,task,producer_world,done,tl.one@cxp.example,
2026-11-05,E004,exam,ahip,failed,licensing@cxp.example,
2026-11-05,E004,action,coaching,exams,tl.one@cxp.example,Retake plan
2026-11-05,E006,task,ahip,done,licensing@cxp.example,
2026-11-05,E006,task,carrier_cert,done,licensing@cxp.example,
2026-11-06,E001,task,ahip,done,licensing@cxp.example,
2026-11-06,E001,task,carrier_cert,done,licensing@cxp.example,
2026-11-06,E002,task,ahip,done,licensing@cxp.example,
2026-11-06,E002,task,carrier_cert,done,licensing@cxp.example,
2026-11-06,E004,exam,ahip,failed,licensing@cxp.example,
2026-11-09,E002,action,coaching,licensing,tl.one@cxp.example,Finish Producer World
2026-11-09,E004,action,coaching,licensing,tl.one@cxp.example,
2026-11-09,E005,move,AET-B,,tl.one@cxp.example,Restarts with AET-B
2026-11-10,E004,action,written_cap,licensing,tl.one@cxp.example,
2026-11-12,E002,action,written_cap,licensing,tl.one@cxp.example,
2026-11-13,E002,action,final_cap,licensing,tl.one@cxp.example,
2026-11-20,E003,status,employment,termed,pm.one@cxp.example,
2026-11-25,E001,equipment,verified,,tl.one@cxp.example,
2026-11-25,E002,task,tbt,done,tl.one@cxp.example,
2026-11-27,E001,task,tbt,done,tl.one@cxp.example,
2026-11-27,E006,task,tbt,done,tl.one@cxp.example,
2026-11-27,E002,call,1,100,certifier1@cxp.example,
2026-11-27,E002,call,2,70,certifier1@cxp.example,
2026-11-27,E002,call,3,70,certifier1@cxp.example,
2026-11-27,E002,call,4,70,certifier1@cxp.example,
2026-11-27,E002,call,5,90,certifier1@cxp.example,
2026-11-30,E001,call,1,100,certifier1@cxp.example,
2026-11-30,E001,call,2,90,certifier1@cxp.example,
2026-11-30,E001,call,3,90,certifier1@cxp.example,
2026-11-30,E001,call,4,85,certifier1@cxp.example,
2026-11-30,E001,call,5,84,certifier1@cxp.example,
2026-11-30,E001,task,rts,done,tl.one@cxp.example,
2026-11-30,E004,task,call_cert,done,tl.one@cxp.example,Migrated from the old sheet
2026-11-30,E006,action,coaching,esp,tl.one@cxp.example,Early coaching
2026-12-01,E006,call,1,100,certifier2@cxp.example,
2026-12-01,E006,call,2,88,certifier2@cxp.example,
2026-12-02,E004,action,coaching,esp,tl.one@cxp.example,
2026-12-03,E001,task,transfer,done,pm.one@cxp.example,
"""


@pytest.fixture
def scenario(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def report(esp, name, as_of, *extra):
    code, out, err = esp("report", name, "--as-of", as_of, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def agent(employee_id, name, class_code, age):
    return {
        "employee_id": employee_id,
        "name": name,
        "class_code": class_code,
        "age_business_days": age,
    }


def test_incompletions_on_esp_day_5(scenario, esp):
    assert report(esp, "incompletions", "2026-12-02") == {
        "report": "incompletions",
        "as_of": "2026-12-02",
        "sections": [
            {
                "key": "producer_world",
                "threshold_days": 1,
                "agents": [
                    agent("E002", "Bob Baker", "AET-A", 18),
                    agent("E005", "Ed Eng", "AET-B", 9),
                ],
            },
            {
                "key": "ahip_carrier",
                "threshold_days": 4,
                "agents": [
                    agent("E004", "Di Dunn", "AET-A", 18),
                    agent("E005", "Ed Eng", "AET-B", 9),
                ],
            },
            {"key": "tbt", "threshold_days": 3, "agents": [agent("E004", "Di Dunn", "AET-A", 4)]},
            {
                "key": "call_cert",
                "threshold_days": 3,
                "agents": [
                    agent("E002", "Bob Baker", "AET-A", 4),
                    agent("E006", "Flo Fox", "AET-A", 4),
                ],
            },
            {
                "key": "transfer_needed",
                "threshold_days": None,
                "agents": [agent("E001", "Ann Able", "AET-A", 2)],
            },
        ],
    }


def test_a_transfer_dated_after_the_as_of_date_is_not_yet_honoured_but_then_is(scenario, esp):
    sections = {s["key"]: s for s in report(esp, "incompletions", "2026-12-03")["sections"]}
    assert sections["transfer_needed"]["agents"] == []
    assert sections["producer_world"]["agents"][0]["age_business_days"] == 19


def test_incompletions_before_thresholds_and_on_a_holiday(scenario, esp):
    # Thanksgiving: the age is that of Friday 11/27 (R-T4); ESP age 1 < 3, nothing ESP-side.
    sections = {s["key"]: s for s in report(esp, "incompletions", "2026-11-26")["sections"]}
    assert sections["producer_world"]["agents"] == [
        agent("E002", "Bob Baker", "AET-A", 15),
        agent("E005", "Ed Eng", "AET-B", 6),
    ]
    assert sections["tbt"]["agents"] == [] and sections["call_cert"]["agents"] == []


def test_actions_on_esp_day_5(scenario, esp):
    assert report(esp, "actions", "2026-12-02") == {
        "report": "actions",
        "as_of": "2026-12-02",
        "actions": [
            {
                "employee_id": "E002",
                "ladder": "esp",
                "step": "coaching",
                "due_on": "2026-12-01",
                "status": "overdue",
            },
            {
                "employee_id": "E002",
                "ladder": "licensing",
                "step": "termination_review",
                "due_on": "2026-11-16",
                "status": "overdue",
            },
            {
                "employee_id": "E004",
                "ladder": "exams",
                "step": "written_cap",
                "due_on": "2026-11-09",
                "status": "overdue",
            },
            {
                "employee_id": "E004",
                "ladder": "licensing",
                "step": "final_cap",
                "due_on": "2026-11-12",
                "status": "overdue",
            },
            {
                "employee_id": "E006",
                "ladder": "esp",
                "step": "written_cap",
                "due_on": "2026-12-02",
                "status": "due",
            },
            {
                "employee_id": "E005",
                "ladder": "licensing",
                "step": "coaching",
                "due_on": "2026-11-23",
                "status": "overdue",
            },
        ],
    }


def test_actions_for_one_class_follow_the_move(scenario, esp):
    assert report(esp, "actions", "2026-11-23", "--class", "AET-B") == {
        "report": "actions",
        "as_of": "2026-11-23",
        "actions": [
            {
                "employee_id": "E005",
                "ladder": "licensing",
                "step": "coaching",
                "due_on": "2026-11-23",
                "status": "due",
            },
        ],
    }


def test_callcert_on_esp_day_5(scenario, esp):
    assert report(esp, "callcert", "2026-12-02") == {
        "report": "callcert",
        "as_of": "2026-12-02",
        "agents": [
            {
                "employee_id": "E001",
                "calls_scored": 5,
                "calls_passed": 4,
                "pass_rate": 80,
                "result": "passed",
                "scorecard_name": "Able_Ann_80%",
            },
            {
                "employee_id": "E002",
                "calls_scored": 5,
                "calls_passed": 2,
                "pass_rate": 40,
                "result": "failed",
                "scorecard_name": "Baker_Bob_40%",
            },
            {
                "employee_id": "E004",
                "calls_scored": 0,
                "calls_passed": 0,
                "pass_rate": None,
                "result": "passed",
                "scorecard_name": None,
            },
            {
                "employee_id": "E006",
                "calls_scored": 2,
                "calls_passed": 2,
                "pass_rate": None,
                "result": "pending",
                "scorecard_name": None,
            },
        ],
    }


def test_extensions_from_esp_day_5_only(scenario, esp):
    assert report(esp, "extensions", "2026-12-01")["classes"] == []
    assert report(esp, "extensions", "2026-12-02") == {
        "report": "extensions",
        "as_of": "2026-12-02",
        "classes": [
            {"class_code": "AET-A", "method": "uptraining_class", "employee_ids": ["E002", "E006"]},
        ],
    }


def test_text_output_is_a_table_with_dates_as_people_write_them(scenario, esp):
    code, out, _ = esp("report", "actions", "--as-of", "2026-12-02")
    assert code == 0
    assert "Actions report as of 12/02/2026" in out
    assert "11/16/2026" in out and "termination review" in out
    code, out, _ = esp("report", "incompletions", "--as-of", "2026-12-02")
    assert "Transfer to production needed (1)" in out and "Ann Able" in out
    # R-I2: site, TL and the latest note as MM/DD/YYYY - Author - Note (R-N1).
    bob = next(line for line in out.splitlines() if "Bob Baker" in line)
    assert "SLC" in bob and "Tl One" in bob
    assert "11/09/2026 - Tl One - Finish" in out


def test_csv_and_xlsx_outputs_flatten_the_rows(scenario, esp, tmp_path):
    code, out, _ = esp("report", "extensions", "--as-of", "2026-12-02", "--format", "csv")
    assert out.splitlines() == [
        "class_code,method,employee_id",
        "AET-A,uptraining_class,E002",
        "AET-A,uptraining_class,E006",
    ]
    from openpyxl import load_workbook

    path = tmp_path / "incompletions.xlsx"
    code, _, _ = esp(
        "report", "incompletions", "--as-of", "2026-12-02", "--format", "xlsx", "--output", path
    )
    assert code == 0
    sheet = load_workbook(path).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == (
        "section",
        "threshold_days",
        "employee_id",
        "name",
        "class_code",
        "age_business_days",
    )
    assert ("transfer_needed", None, "E001", "Ann Able", "AET-A", 2) in rows


def test_the_report_page_needs_the_esp_manager_and_shows_the_report(scenario, client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    response = client.get("/reports/actions/?as_of=2026-12-02")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]
    staff = get_user_model().objects.create_user("m@x.example", "m@x.example", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get("/reports/actions/?as_of=2026-12-02").status_code == 404
    staff.groups.add(Group.objects.get(name="ESP Manager"))
    response = client.get("/reports/actions/?as_of=2026-12-02")
    assert response.status_code == 200
    # issue 17: the page names the step in words, not by its key
    assert b"Termination review" in response.content and b"12/02/2026" in response.content
    response = client.get("/reports/callcert/?as_of=2026-12-02&format=json")
    assert json.loads(response.content)["agents"][0]["scorecard_name"] == "Able_Ann_80%"
    assert client.get("/reports/nope/").status_code == 404


# -- export → import into an empty database → export ----------------------------------------

EVERY_KIND = '''
2026-11-25,E001,tbt,1001,done,tbt.sme@cxp.example,
2026-11-25,E001,exam,tbt:1001,failed,tbt.sme@cxp.example,
2026-11-25,E001,exam,tbt:1001,failed,tbt.sme@cxp.example,
2026-11-05,E002,attendance,tardy,25,tl.one@cxp.example,
2026-11-06,E002,attendance,absent,,tl.one@cxp.example,
2026-11-06,E002,self_report,,,bob@cxp.example,"Finished AHIP module 3, stuck on ""module 4"""
2026-11-09,E002,note,,,tl.one@cxp.example,"Two lines:
second line, with ünïcödé"
2026-11-09,E002,flag,raised,background_check,tl.one@cxp.example,
2026-11-12,E002,flag,resolved,background_check,pm.one@cxp.example,Cleared
2026-11-05,E002,n_number,requested,N7654321,licensing@cxp.example,
2026-11-24,E006,equipment,issue,INC0012345,tl.one@cxp.example,Headset
2026-11-24,E006,status,employment,active,pm.one@cxp.example,
2026-11-24,E006,task,readiness_day1,done,tl.one@cxp.example,=HYPERLINK("x")
'''


def test_export_import_into_an_empty_database_export_is_byte_identical(
    program, write, esp, tmp_path
):
    from django.contrib.auth import get_user_model

    from esp.programs.models import TbtCourse

    TbtCourse.objects.create(program=program, number="1001", name="Medicare basics")
    files = {
        "classes": write(CLASSES, "classes.csv"),
        "roster": write(ROSTER, "roster.csv"),
        "activity": write(ACTIVITY.strip() + "\n" + EVERY_KIND.strip(), "activity.csv"),
    }
    for kind in ("classes", "roster", "activity"):
        assert esp("import", kind, files[kind])[0] == 0
    kinds = set(Fact.objects.values_list("kind", flat=True))
    assert kinds == set(Kind.values)  # the input uses every kind of the activity format
    first = tmp_path / "first.csv"
    assert esp("export", "activity", first)[0] == 0

    Fact.objects.all().delete()
    Agent.objects.all().delete()
    TrainingClass.objects.all().delete()
    get_user_model().objects.all().delete()

    for kind, path in (
        ("classes", files["classes"]),
        ("roster", files["roster"]),
        ("activity", first),
    ):
        assert esp("import", kind, path)[0] == 0
    second = tmp_path / "second.csv"
    assert esp("export", "activity", second)[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert len(first.read_text(encoding="utf-8").splitlines()) > 50


def test_the_latest_note_is_a_persons_note_by_name_never_a_calls_remark(scenario, esp):
    """R-I2 / issue 17 item 4: "the latest note" on the incompletions report is the sheet's
    notes column — a call's remark lives with its score, so a later call does not replace it."""
    bob = Agent.objects.get(employee_id="E002")
    Fact.objects.create(
        agent=bob, kind="call", item="1", value="70", date="2026-11-20", note="Weak close", by="x"
    )
    code, out, _ = esp("report", "incompletions", "--as-of", "2026-12-02")
    assert "11/09/2026 - Tl One - Finish" in out and "Weak close" not in out
