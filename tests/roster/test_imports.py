"""Imports of classes, roster and activity (SPEC §15): all or nothing, every bad row named,
idempotent, exit code 2 on bad input."""

import pytest

from esp.audit.models import AuditEntry
from esp.progress.models import Fact
from esp.roster.models import Agent, TrainingClass

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example;tl.two@cxp.example,pm.one@cxp.example
AET-B,esp-aetna,Aetna,PRV,2026-11-16,tl.two@cxp.example,pm.one@cxp.example
"""

ROSTER_HEADER = (
    "employee_id,first_name,last_name,work_email,personal_email,class_code,site,npn,n_number,"
    "tl_email,pm_email,equipment_owner"
)


def roster_row(n: int, **overrides) -> str:
    values = {
        "employee_id": f"E{n:03d}",
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "work_email": f"agent{n}@cxp.example",
        "personal_email": f"agent{n}@mail.example",
        "class_code": "AET-A",
        "site": "SLC",
        "npn": f"1000{n}",
        "n_number": f"N{n:06d}",
        "tl_email": "tl.one@cxp.example",
        "pm_email": "pm.one@cxp.example",
        "equipment_owner": "company",
    }
    values.update(overrides)
    return ",".join(values[c] for c in ROSTER_HEADER.split(","))


@pytest.fixture
def classes(program, write):
    from esp.roster.services import import_classes

    import_classes(write(CLASSES, "classes.csv"))
    return TrainingClass.objects.all()


def snapshot():
    return (
        sorted(Agent.objects.values_list("employee_id", "first_name", "training_class__code")),
        Fact.objects.count(),
        TrainingClass.objects.count(),
    )


# -- classes -----------------------------------------------------------------------------------


def test_it_derives_phase_starts_from_the_class_start_date_section_3(classes):
    dates = TrainingClass.objects.get(code="AET-A").dates().phase_starts
    # Monday 11/02/2026: licensing Wednesday; training 4 business days later, skipping
    # Veterans Day (Wednesday 11/11); ESP 10 business days after that, skipping Thanksgiving.
    assert {k: v.isoformat() for k, v in dates.items()} == {
        "onboarding": "2026-11-02",
        "licensing": "2026-11-04",
        "training": "2026-11-10",
        "esp": "2026-11-25",
        "production": "2026-12-01",
    }


def test_it_keeps_given_phase_starts(program, write):
    from esp.roster.services import import_classes

    import_classes(
        write(
            "class_code,program,campaign,site,start_date,esp_start\n"
            "AET-G,esp-aetna,Aetna,SLC,2026-11-02,2026-11-30\n"
        )
    )
    dates = TrainingClass.objects.get(code="AET-G").dates().phase_starts
    assert dates["training"].isoformat() == "2026-11-10"
    assert dates["esp"].isoformat() == "2026-11-30"
    assert dates["production"].isoformat() == "2026-12-03"


def test_it_creates_inactive_staff_accounts_named_in_classes(classes):
    from django.contrib.auth import get_user_model

    tl = get_user_model().objects.get(email="tl.one@cxp.example")
    assert not tl.is_active and not tl.has_usable_password()
    assert list(tl.groups.values_list("name", flat=True)) == ["TL"]
    assert sorted(TrainingClass.objects.get(code="AET-A").tls.values_list("email", flat=True)) == [
        "tl.one@cxp.example",
        "tl.two@cxp.example",
    ]


def test_it_rejects_a_class_starting_on_a_holiday_or_weekend(program, write, esp):
    path = write(
        "class_code,program,campaign,site,start_date\n"
        "AET-X,esp-aetna,Aetna,SLC,2026-11-26\n"
        "AET-Y,esp-aetna,Aetna,SLC,2026-11-28\n"
        "AET-Z,esp-aetna,Nope,XXX,2026-02-30\n"
        "AET-X,other,Aetna,SLC,2026-11-30\n"
    )
    code, _, err = esp("import", "classes", path)
    assert code == 2
    assert "line 2, column start_date: 11/26/2026 is not a business day" in err
    assert "line 3, column start_date: 11/28/2026 is not a business day" in err
    assert "line 4, column campaign: unknown campaign 'Nope'" in err
    assert "line 4, column site: unknown site 'XXX'" in err
    assert "line 4, column start_date: '2026-02-30' is not a date" in err
    assert "line 5, column class_code: duplicate class_code AET-X (first on line 2)" in err
    assert "line 5, column program: unknown program 'other'" in err
    assert TrainingClass.objects.count() == 0


def test_it_rejects_missing_and_unknown_columns_but_keeps_x_columns(program, write, esp):
    code, _, err = esp(
        "import", "classes", write("class_code,program,campaign,start_date,colour\nA,b,c,d,e\n")
    )
    assert code == 2
    assert "line 1, column site: required column is missing" in err
    assert "line 1, column colour: unknown column" in err
    ok = write(
        "Class_Code,PROGRAM,campaign,site,start_date,x_comment\n"
        "AET-C,esp-aetna,aetna,slc,2026-11-02,hello\n"
    )
    assert esp("import", "classes", ok)[0] == 0
    assert TrainingClass.objects.filter(code="AET-C").exists()


def test_reimporting_changed_classes_updates_and_audits(classes, write):
    from esp.roster.services import import_classes

    summary = import_classes(write(CLASSES.replace("2026-11-16", "2026-11-17")))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    entry = AuditEntry.objects.filter(object_id="AET-B", action="update").get()
    assert entry.changes["before"]["start_date"] == "2026-11-16"
    assert entry.changes["after"]["start_date"] == "2026-11-17"


# -- roster ------------------------------------------------------------------------------------


def test_a_roster_with_five_bad_rows_reports_all_five_and_changes_nothing(classes, write, esp):
    rows = [roster_row(n) for n in range(1, 21)]
    rows[3] = roster_row(4, employee_id="E002")  # line 5: duplicate employee id
    rows[7] = roster_row(8, work_email="not-an-email")  # line 9
    rows[10] = roster_row(11, class_code="AET-NOPE")  # line 12
    rows[14] = roster_row(15, n_number="12345678")  # line 16: looks like an NPN
    rows[18] = roster_row(
        19, tl_email="tl.two@cxp.example", class_code="AET-A", first_name=""
    )  # line 20: empty first name
    before = snapshot()
    code, out, err = esp("import", "roster", write("\n".join([ROSTER_HEADER, *rows])))
    assert code == 2
    assert "5 error(s)" in err
    assert "line 5, column employee_id: duplicate employee_id E002 (first on line 3)" in err
    assert "line 9, column work_email: 'not-an-email' is not an e-mail address" in err
    assert "line 12, column class_code: unknown class 'AET-NOPE'" in err
    assert "line 16, column n_number: '12345678' looks like an NPN, not an N-Number" in err
    assert "line 20, column first_name: is empty" in err
    assert snapshot() == before
    assert out == ""


def test_the_same_good_roster_imported_twice_adds_nothing_the_second_time(classes, write, esp):
    path = write("\n".join([ROSTER_HEADER, *[roster_row(n) for n in range(1, 21)]]))
    code, out, _ = esp("import", "roster", path)
    assert code == 0 and "20 new" in out
    after_first = snapshot()
    audit_rows = AuditEntry.objects.count()
    code, out, _ = esp("import", "roster", path)
    assert code == 0 and "0 new, 0 updated, 20 already present" in out
    assert snapshot() == after_first
    assert AuditEntry.objects.count() == audit_rows


def test_a_dry_run_checks_and_counts_but_writes_nothing(classes, write, esp):
    path = write("\n".join([ROSTER_HEADER, roster_row(1), roster_row(2)]))
    code, out, _ = esp("import", "roster", path, "--dry-run")
    assert code == 0 and "would import 2 row(s): 2 new" in out
    assert Agent.objects.count() == 0


def test_a_roster_tl_must_be_a_tl_of_the_class(classes, write, esp):
    path = write("\n".join([ROSTER_HEADER, roster_row(1, class_code="AET-B")]))
    code, _, err = esp("import", "roster", path)
    assert code == 2
    assert "line 2, column tl_email: tl.one@cxp.example is not a TL of class AET-B" in err


def test_a_changed_agent_is_updated_with_an_audit_row(classes, write):
    from esp.roster.services import import_roster

    import_roster(write("\n".join([ROSTER_HEADER, roster_row(1)])))
    summary = import_roster(write("\n".join([ROSTER_HEADER, roster_row(1, last_name="Smith")])))
    assert (summary.created, summary.updated) == (0, 1)
    agent = Agent.objects.get(employee_id="E001")
    assert agent.last_name == "Smith" and agent.version == 2
    entry = AuditEntry.objects.get(object_id="E001", action="update")
    assert entry.changes == {"last_name": ["Last1", "Smith"]}


# -- activity ----------------------------------------------------------------------------------


@pytest.fixture
def roster(classes, write):
    from esp.roster.services import import_roster

    import_roster(write("\n".join([ROSTER_HEADER, *[roster_row(n) for n in range(1, 4)]])))


ACTIVITY_HEADER = "date,employee_id,kind,item,value,by,note"


def test_bad_activity_rows_are_all_named_and_nothing_is_written(roster, write, esp):
    lines = [
        ACTIVITY_HEADER,
        "2026-11-04,E001,task,producer_world,done,tl,",  # 2 fine
        "2026-11-04,E999,task,producer_world,done,tl,",  # 3 unknown agent
        "2026-11-04,E001,teleport,x,y,tl,",  # 4 unknown kind
        "2026-11-04,E001,task,flying,done,tl,",  # 5 unknown task
        "2026-11-04,E001,task,ahip,finished,tl,",  # 6 unknown status
        "2026-11-04,E001,call,2,101,cert,",  # 7 score out of range
        "2026-11-04,E001,call,1,90,cert,",  # 8 call 1 not 100
        "11/31/2026,E001,note,,,tl,hello",  # 9 not a date
        "2026-11-04,E001,call,6,90,cert,",  # 10 call number
        "2026-11-04,E001,attendance,late,5,tl,",  # 11 unknown occurrence
        "2026-11-04,E001,exam,ahip,maybe,tl,",  # 12 unknown exam result
        "2026-11-04,E001,action,hug,licensing,tl,",  # 13 unknown step
        "2026-11-04,E001,action,coaching,nope,tl,",  # 14 unknown ladder
        "2026-11-04,E001,note,,,tl,",  # 15 empty note
        "2026-11-04,E001,status,employment,fired,tl,",  # 16 unknown employment status
        "2026-11-04,E001,flag,raised,aliens,tl,",  # 17 unknown flag
        "2026-11-04,E001,n_number,requested,1234567,tl,",  # 18 looks like an NPN
        "2026-11-04,E001,move,AET-NOPE,,tl,",  # 19 unknown class
        "2026-11-04,E001,tbt,123,done,tl,",  # 20 unknown course (empty list)
        "2026-11-04,E001,equipment,lost,,tl,",  # 21 unknown equipment status
    ]
    code, _, err = esp("import", "activity", write("\n".join(lines)))
    assert code == 2
    expected = [
        "line 3, column employee_id: unknown agent 'E999'",
        "line 4, column kind: unknown kind 'teleport'",
        "line 5, column item: unknown task 'flying'",
        "line 6, column value: unknown task status 'finished'",
        "line 7, column value: score 101 is out of 0–100",
        "line 8, column value: call 1 is coached and always scores 100, not 90",
        "line 9, column date: '11/31/2026' is not a date",
        "line 10, column item: call number '6' is not 1–5",
        "line 11, column item: unknown occurrence 'late'",
        "line 12, column value: unknown exam result 'maybe'",
        "line 13, column item: unknown ladder step 'hug'",
        "line 14, column value: unknown ladder 'nope'",
        "line 15, column note: a note needs its text in the note column",
        "line 16, column value: unknown employment status 'fired'",
        "line 17, column value: unknown red flag 'aliens'",
        "line 18, column value: '1234567' looks like an NPN, not an N-Number",
        "line 19, column item: unknown class 'AET-NOPE'",
        "line 20, column item: unknown TBT course number '123' (the program's course list is empty)",
        "line 21, column item: unknown equipment status 'lost'",
    ]
    for message in expected:
        assert message in err
    assert "line 2," not in err
    assert Fact.objects.count() == 0


def test_identical_rows_are_distinct_facts_and_reimport_adds_nothing(roster, write, esp):
    path = write(
        "\n".join(
            [
                ACTIVITY_HEADER,
                "2026-11-06,E001,exam,ahip,failed,licensing@cxp.example,",
                "2026-11-06,E001,exam,ahip,failed,licensing@cxp.example,",
                "2026-11-09,E001,exam,ahip,passed,licensing@cxp.example,",
            ]
        )
    )
    assert esp("import", "activity", path)[0] == 0
    assert Fact.objects.filter(kind="exam", value="failed").count() == 2
    code, out, _ = esp("import", "activity", path)
    assert code == 0 and "0 new, 0 updated, 3 already present" in out
    assert Fact.objects.count() == 3
    # A file with one more identical row adds exactly that one.
    bigger = write(path.read_text() + "2026-11-06,E001,exam,ahip,failed,licensing@cxp.example,\n")
    code, out, _ = esp("import", "activity", bigger)
    assert "1 new" in out and Fact.objects.filter(kind="exam", value="failed").count() == 3


def test_a_missing_file_is_bad_input(program, esp, tmp_path):
    code, _, err = esp("import", "activity", tmp_path / "nope.csv")
    assert code == 2 and "no such file" in err


def test_a_malformed_csv_row_is_named(roster, write, esp):
    code, _, err = esp("import", "activity", write(ACTIVITY_HEADER + "\n2026-11-04,E001,note\n"))
    assert code == 2 and "line 2: has 3 fields, the header has 7" in err
