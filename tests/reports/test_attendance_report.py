"""`esp report attendance` and the attendance ladder in `esp report actions`, through the whole
path: files → imports (classes, roster, a meeting report, activity) → selectors → rules → CLI,
with the JSON written out literally (SPEC §15, R-A2 to R-A5).

Class AET-A starts Monday 11/02/2026; its meeting report of Tuesday 11/03 (the generic
fixture) makes Cy 10 minutes late, Di 59 minutes late and 10 minutes early, Ed 60 minutes
late (after a drop), and Flo has no row: she is saved as an NCNS. Class AET-B starts 11/16.
"""

import json
from pathlib import Path

import pytest

from tests.reports.test_reports import CLASSES
from tests.reports.test_reports import ROSTER as SCENARIO_ROSTER

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meeting"

# The scenario of tests/test_reports.py, plus an agent in AET-B.
ROSTER = (
    SCENARIO_ROSTER.strip()
    + "\nE007,Gus,Gray,gus@cxp.example,gus@mail.example,AET-B,tl.two@cxp.example\n"
)

ACTIVITY = """
date,employee_id,kind,item,value,by,note
2026-11-04,E002,attendance,tardy,5,tl.one@cxp.example,
2026-11-05,E002,attendance,absent_approved,,tl.one@cxp.example,HR approved
2026-11-09,E004,attendance,absent,,tl.one@cxp.example,
2026-11-10,E004,action,coaching,attendance,tl.one@cxp.example,Be on time
2026-11-12,E006,attendance,mia,35,tl.one@cxp.example,Missed the break check-in
2026-11-17,E007,attendance,left_early,45,tl.two@cxp.example,
2026-11-18,E007,attendance,absent,,tl.two@cxp.example,
2026-11-20,E003,status,employment,termed,pm.one@cxp.example,
"""


@pytest.fixture
def scenario(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    code, _, err = esp(
        "import",
        "meeting",
        FIXTURES / "generic.csv",
        "--class",
        "AET-A",
        "--date",
        "2026-11-03",
        "--absent-as",
        "ncns",
    )
    assert code == 0, err
    code, _, err = esp("import", "activity", write(ACTIVITY, "activity.csv"))
    assert code == 0, err


def report(esp, name, as_of, *extra):
    code, out, err = esp("report", name, "--as-of", as_of, "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_attendance_report_as_of_friday_11_20(scenario, esp):
    assert report(esp, "attendance", "2026-11-20") == {
        "report": "attendance",
        "as_of": "2026-11-20",
        "agents": [
            {
                "employee_id": "E002",
                "points": 0,
                "occurrences": [
                    {"date": "2026-11-05", "kind": "absent_approved", "minutes": None},
                ],
            },
            {
                "employee_id": "E004",
                "points": 2,
                "occurrences": [
                    {"date": "2026-11-03", "kind": "left_early", "minutes": 10},
                    {"date": "2026-11-03", "kind": "tardy", "minutes": 59},
                    {"date": "2026-11-09", "kind": "absent", "minutes": None},
                ],
            },
            {
                "employee_id": "E005",
                "points": 0.5,
                "occurrences": [{"date": "2026-11-03", "kind": "tardy", "minutes": 60}],
            },
            {
                "employee_id": "E006",
                "points": 2.5,
                "occurrences": [
                    {"date": "2026-11-03", "kind": "ncns", "minutes": None},
                    {"date": "2026-11-12", "kind": "mia", "minutes": 35},
                ],
            },
            {
                "employee_id": "E007",
                "points": 1.5,
                "occurrences": [
                    {"date": "2026-11-17", "kind": "left_early", "minutes": 45},
                    {"date": "2026-11-18", "kind": "absent", "minutes": None},
                ],
            },
        ],
    }


def test_attendance_report_after_the_90_day_window_dropped_the_november_3_occurrences(
    scenario, esp
):
    # After 02/01/2027 the 11/03 occurrences are out of the window; Bob's excused absence of
    # 11/05 too; Cy's employment ended (R-P3).
    assert report(esp, "attendance", "2027-02-05") == {
        "report": "attendance",
        "as_of": "2027-02-05",
        "agents": [
            {
                "employee_id": "E004",
                "points": 1,
                "occurrences": [{"date": "2026-11-09", "kind": "absent", "minutes": None}],
            },
            {
                "employee_id": "E006",
                "points": 0.5,
                "occurrences": [{"date": "2026-11-12", "kind": "mia", "minutes": 35}],
            },
            {
                "employee_id": "E007",
                "points": 1.5,
                "occurrences": [
                    {"date": "2026-11-17", "kind": "left_early", "minutes": 45},
                    {"date": "2026-11-18", "kind": "absent", "minutes": None},
                ],
            },
        ],
    }


def attendance_actions(esp, as_of, *extra):
    actions = report(esp, "actions", as_of, *extra)["actions"]
    return [a for a in actions if a["ladder"] == "attendance"]


def test_the_attendance_ladder_in_the_actions_report(scenario, esp):
    # Di's coaching was delivered on 11/10; Flo's first occurrence was an NCNS: a written CAP
    # from the business day after; Gus reached 1 point on Wednesday 11/18.
    assert attendance_actions(esp, "2026-11-19") == [
        {
            "employee_id": "E006",
            "ladder": "attendance",
            "step": "written_cap",
            "due_on": "2026-11-04",
            "status": "overdue",
        },
        {
            "employee_id": "E007",
            "ladder": "attendance",
            "step": "coaching",
            "due_on": "2026-11-19",
            "status": "due",
        },
    ]
    assert attendance_actions(esp, "2026-11-18") == [
        {
            "employee_id": "E006",
            "ladder": "attendance",
            "step": "written_cap",
            "due_on": "2026-11-04",
            "status": "overdue",
        },
    ]
    # Points expired: Flo is down to ½ point, nothing is owed; Gus still owes his coaching.
    assert attendance_actions(esp, "2027-02-05") == [
        {
            "employee_id": "E007",
            "ladder": "attendance",
            "step": "coaching",
            "due_on": "2026-11-19",
            "status": "overdue",
        },
    ]


def test_a_class_filter_and_the_text_and_csv_renderings(scenario, esp):
    assert [
        a["employee_id"]
        for a in report(esp, "attendance", "2026-11-20", "--class", "AET-B")["agents"]
    ] == ["E007"]
    code, out, _ = esp("report", "attendance", "--as-of", "2026-11-20")
    assert code == 0
    assert "Attendance report as of 11/20/2026" in out
    assert "11/17/2026 left early 45 min; 11/18/2026 absent" in out
    code, out, _ = esp("report", "attendance", "--as-of", "2026-11-20", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "employee_id,points,date,kind,minutes"
    assert "E006,2.5,2026-11-03,ncns," in lines
    assert "E007,1.5,2026-11-17,left_early,45" in lines
    assert len(lines) == 1 + 9
