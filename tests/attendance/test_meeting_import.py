"""Meeting attendance import (R-A3, §15 "Meeting attendance", §16 `esp import meeting`).

Class AET-A starts Monday 11/02/2026 (onboarding), licensing Wednesday 11/04; the program's
class day runs 08:00–16:30 America/Chicago (CST from 11/01). The class day of the fixtures
under tests/fixtures/meeting/ is Tuesday 11/03/2026. Flo Fox never joins: she is the proposed
absence of every file; Ivy Ito (AET-B) is in another class.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from esp.attendance.match import MeetingImportError
from esp.attendance.parse import parse_moment
from esp.attendance.selectors import propose_meeting
from esp.attendance.services import meeting_save
from esp.lib import clock
from esp.lib.csvio import ImportRejected
from esp.progress.models import Fact

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meeting"
DAY = date(2026, 11, 3)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-B,esp-aetna,Aetna,PRV,2026-11-02,tl.two@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E003,Cy,Cole,cy@cxp.example,cy@mail.example,AET-A,tl.one@cxp.example
E004,Di,Dunn,di@cxp.example,di@mail.example,AET-A,tl.one@cxp.example
E005,Ed,Eng,ed@cxp.example,ed@mail.example,AET-A,tl.one@cxp.example
E006,Flo,Fox,flo@cxp.example,flo@mail.example,AET-A,tl.one@cxp.example
E009,Ivy,Ito,ivy@cxp.example,ivy@mail.example,AET-B,tl.two@cxp.example
"""


def save_meeting(result, **options):
    """`meeting_save` confirmed now, as a person confirming the proposal would."""
    return meeting_save(result=result, now=clock.now(), **options)


@pytest.fixture
def classes(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def attendance_facts() -> list[tuple[str, str, str, str]]:
    return sorted(
        Fact.objects.filter(kind="attendance").values_list(
            "agent__employee_id", "date", "item", "value"
        )
    )


def proposed(result) -> dict:
    return {
        "occurrences": [(a.employee_id, kind, minutes) for a, kind, minutes in result.occurrences],
        "absences": [a.employee_id for a in result.absences],
        "unmatched": [(row.line, row.name) for row in result.unmatched],
    }


def meeting(esp, path, *extra, day="2026-11-03"):
    return esp("import", "meeting", path, "--class", "AET-A", "--date", day, *extra)


# -- the three formats of the fixtures -------------------------------------------------------


def test_it_saves_the_occurrences_of_the_generic_csv_and_prints_the_rest(classes, esp):
    code, out, err = meeting(esp, FIXTURES / "generic.csv")
    assert code == 0, err
    assert attendance_facts() == [
        ("E003", DAY, "tardy", "10"),
        ("E004", DAY, "left_early", "10"),
        ("E004", DAY, "tardy", "59"),
        ("E005", DAY, "tardy", "60"),
    ]
    assert "meeting 11/03/2026, class AET-A (generic CSV), 8:00 AM–4:30 PM" in out
    assert "5 agent(s) matched, 2 of them without an occurrence" in out
    assert "saved 4 occurrence(s):" in out
    assert "  E004 Di Dunn: Tardy 59 min" in out
    assert "proposed absences (no row), not saved: 1" in out
    assert "  E006 Flo Fox" in out
    assert "unmatched rows, not saved: 1" in out
    assert "line 8: Tina Lead <tl.one@cxp.example>, 7:45 AM–4:45 PM" in out


def test_it_reads_the_google_meet_attendance_report(classes):
    result = propose_meeting(FIXTURES / "google_meet.csv", class_code="AET-A", day=DAY)
    assert result.layout == "google_meet"
    assert proposed(result) == {
        "occurrences": [
            ("E001", "tardy", 239),  # joined 11:59 AM, just under the absent limit
            ("E002", "absent", 240),  # joined 12:00 PM: 240 minutes late
            ("E003", "left_early", 239),  # matched by her personal e-mail
            ("E004", "absent", 240),  # left 12:30 PM: 240 minutes early
        ],  # Ed Eng is matched by his name (an e-mail not on the roster), on time
        "absences": ["E006"],
        "unmatched": [(7, "Guest Caller")],
    }
    ed = next(a for a in result.matched if a.agent.employee_id == "E005")
    assert ed.occurrences == () and ed.first_join.time() == time(7, 55)


def test_it_reads_the_goto_training_report_below_its_report_lines(classes):
    result = propose_meeting(FIXTURES / "goto_training.csv", class_code="AET-A", day=DAY)
    assert result.layout == "goto_training"
    assert proposed(result) == {
        "occurrences": [
            ("E001", "tardy", 59),
            ("E002", "tardy", 60),
            ("E004", "left_early", 59),
            ("E005", "left_early", 60),
        ],  # Cy Cole dropped at 10:05 and rejoined at 10:30: first join, last leave count
        "absences": ["E006"],
        "unmatched": [(12, "Sam Visitor")],
    }
    cy = next(a for a in result.matched if a.agent.employee_id == "E003")
    assert [row.line for row in cy.rows] == [8, 9] and cy.occurrences == ()


# -- classification around every threshold, in each format -----------------------------------


def generic(rows):
    lines = ["name,email,join_time,leave_time"]
    lines += [
        f"Cy Cole,cy@cxp.example,2026-11-03T{j}:00,2026-11-03T{leave}:00" for j, leave in rows
    ]
    return "\n".join(lines)


def google_meet(rows):
    def clock(hhmm):
        hours, minutes = (int(x) for x in hhmm.split(":"))
        return f"{(hours - 1) % 12 + 1}:{minutes:02d} {'PM' if hours >= 12 else 'AM'}"

    def duration(join, leave):  # the time in the call, as Meet writes it: the whole row
        minutes = sum(int(x) * m for x, m in zip(leave.split(":"), (60, 1), strict=True)) - sum(
            int(x) * m for x, m in zip(join.split(":"), (60, 1), strict=True)
        )
        return f"{minutes // 60} hr {minutes % 60} min"

    lines = ["First name,Last name,Email,Duration,Time joined,Time exited"]
    lines += [
        f"Cy,Cole,cy@cxp.example,{duration(j, leave)},{clock(j)},{clock(leave)}"
        for j, leave in rows
    ]
    return "\n".join(lines)


def goto_training(rows):
    def stamp(hhmm):
        hours, minutes = (int(x) for x in hhmm.split(":"))
        return (
            f"11/03/2026 {(hours - 1) % 12 + 1:02d}:{minutes:02d} {'PM' if hours >= 12 else 'AM'}"
        )

    lines = [
        "Attendance Report",
        "",
        "First Name,Last Name,Email Address,Join Time,Leave Time,Time in Session (minutes)",
    ]
    lines += [f"Cy,Cole,cy@cxp.example,{stamp(j)},{stamp(leave)},60" for j, leave in rows]
    return "\n".join(lines)


CASES = [
    # (join, leave) rows of Cy Cole on 11/03 (class 08:00–16:30) -> her occurrences
    pytest.param([("08:09", "16:30")], [], id="9-minutes-late"),
    pytest.param([("08:10", "16:30")], [("tardy", 10)], id="10-minutes-late"),
    pytest.param([("08:59", "16:30")], [("tardy", 59)], id="59-minutes-late"),
    pytest.param([("09:00", "16:30")], [("tardy", 60)], id="60-minutes-late"),
    pytest.param([("11:59", "16:30")], [("tardy", 239)], id="just-under-the-absent-limit"),
    pytest.param([("12:00", "16:30")], [("absent", 240)], id="at-the-absent-limit-late"),
    pytest.param([("08:00", "16:21")], [], id="left-9-minutes-early"),
    pytest.param([("08:00", "16:20")], [("left_early", 10)], id="left-10-minutes-early"),
    pytest.param([("08:00", "15:31")], [("left_early", 59)], id="left-59-minutes-early"),
    pytest.param([("08:00", "15:30")], [("left_early", 60)], id="left-60-minutes-early"),
    pytest.param([("08:00", "12:31")], [("left_early", 239)], id="left-239-minutes-early"),
    pytest.param([("08:00", "12:30")], [("absent", 240)], id="left-240-minutes-early"),
    pytest.param([("08:05", "10:00"), ("10:05", "16:30")], [], id="rejoin-after-a-drop-is-on-time"),
    # issue 15 item 11: a gap of 30+ minutes is MIA; late + gaps + early of 240+ is one absence
    pytest.param([("08:05", "09:00"), ("09:29", "16:30")], [], id="a-29-minute-gap"),
    pytest.param([("08:05", "09:00"), ("09:30", "16:30")], [("mia", 30)], id="a-30-minute-gap"),
    pytest.param([("08:05", "09:00"), ("09:31", "16:30")], [("mia", 31)], id="a-31-minute-gap"),
    pytest.param([("08:00", "09:00"), ("14:00", "16:30")], [("absent", 255)], id="a-5-hour-gap"),
    pytest.param(
        [("08:30", "10:00"), ("11:00", "16:00")],
        [("tardy", 30), ("left_early", 30), ("mia", 45)],  # 10:00-10:15 is a break
        id="rejoin-late-and-leave-early",
    ),
    pytest.param(
        [("09:40", "11:00"), ("11:40", "14:51")],
        [("tardy", 100), ("left_early", 99), ("mia", 40)],
        id="late-gap-early-239",
    ),
    pytest.param(
        [("09:40", "11:00"), ("11:40", "14:50")], [("absent", 240)], id="late-gap-early-240"
    ),
    pytest.param(
        [("09:40", "11:00"), ("11:40", "14:49")], [("absent", 241)], id="late-gap-early-241"
    ),
]


@pytest.mark.parametrize("layout", [generic, google_meet, goto_training])
@pytest.mark.parametrize("rows,expected", CASES)
def test_it_classifies_joins_around_every_threshold(classes, write, layout, rows, expected):
    result = propose_meeting(write(layout(rows)), class_code="AET-A", day=DAY)
    cy = next(a for a in result.matched if a.agent.employee_id == "E003")
    assert list(cy.occurrences) == expected
    assert "E003" not in [a.employee_id for a in result.absences]


@pytest.mark.parametrize("layout", [generic, google_meet, goto_training])
def test_an_agent_with_no_row_at_all_is_a_proposed_absence(classes, write, layout):
    result = propose_meeting(write(layout([("08:00", "16:30")])), class_code="AET-A", day=DAY)
    assert [a.agent.employee_id for a in result.matched] == ["E003"]
    assert [a.employee_id for a in result.absences] == ["E001", "E002", "E004", "E005", "E006"]
    assert result.occurrences == []


def test_a_half_day_of_the_class_is_classified_against_its_own_end(classes, write, esp):
    from esp.roster.models import ClassDay, TrainingClass

    ClassDay.objects.create(
        training_class=TrainingClass.objects.get(code="AET-A"),
        date=DAY,
        start=time(8, 0),
        end=time(12, 0),
        note="half day",
    )
    path = write(generic([("08:00", "11:50")]))
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    assert result.times.end.time() == time(12, 0)
    assert result.matched[0].occurrences == (("left_early", 10),)


def test_a_class_day_may_override_only_its_start_and_an_upload_is_read_as_bytes(classes):
    from esp.roster.models import ClassDay, TrainingClass

    ClassDay.objects.create(
        training_class=TrainingClass.objects.get(code="AET-A"), date=DAY, start=time(10, 0)
    )
    upload = "name,email,join_time,leave_time\nCy Cole,cy@cxp.example,10:05 AM,4:00 PM\n"
    result = propose_meeting(upload.encode("utf-8"), class_code="AET-A", day=DAY)
    assert (result.times.start.time(), result.times.end.time()) == (time(10, 0), time(16, 30))
    assert result.matched[0].occurrences == (("left_early", 30),)


def test_a_phase_schedule_applies_on_that_phase_days(classes, write):
    from esp.programs.models import DaySchedule, Phase

    licensing = Phase.objects.get(key="licensing")
    DaySchedule.objects.create(program=licensing.program, phase=licensing, start=time(9, 0))
    rows = "name,email,join_time,leave_time\nCy Cole,cy@cxp.example,09:05 AM,04:30 PM"
    on_licensing = propose_meeting(write(rows), class_code="AET-A", day=date(2026, 11, 4))
    assert on_licensing.times.phase == "licensing"
    assert on_licensing.matched[0].occurrences == ()
    on_onboarding = propose_meeting(write(rows), class_code="AET-A", day=DAY)
    assert on_onboarding.matched[0].occurrences == (("tardy", 65),)


def test_it_refuses_a_closed_day_and_a_weekend(classes, write, esp):
    from esp.roster.models import ClassDay, TrainingClass

    ClassDay.objects.create(
        training_class=TrainingClass.objects.get(code="AET-A"),
        date=DAY,
        closed=True,
        note="storm",
    )
    path = write(generic([("08:00", "16:30")]))
    code, _, err = meeting(esp, path)
    assert code == 2 and "class AET-A is closed on 11/03/2026 (storm)" in err
    code, _, err = meeting(esp, path, day="2026-11-07")
    assert code == 2 and "11/07/2026 is not a business day" in err
    assert attendance_facts() == []


# -- matching -------------------------------------------------------------------------------


def test_it_matches_by_email_then_by_full_name_and_never_guesses(classes, write):
    path = write(
        """
name,email,join_time,leave_time
Someone Else,ANN@MAIL.EXAMPLE,08:30 AM,04:30 PM
  bob   BAKER ,,08:30 AM,04:30 PM
Cy Cole,cy.other@gmail.example,08:30 AM,04:30 PM
Di,di@gmail.example,08:30 AM,04:30 PM
Ivy Ito,ivy@cxp.example,08:30 AM,04:30 PM
Tina Lead,tl.one@cxp.example,07:50 AM,04:40 PM
"""
    )
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    assert proposed(result) == {
        "occurrences": [("E001", "tardy", 30), ("E002", "tardy", 30), ("E003", "tardy", 30)],
        "absences": ["E004", "E005", "E006"],
        "unmatched": [(5, "Di"), (6, "Ivy Ito"), (7, "Tina Lead")],
    }


def test_two_agents_with_the_same_name_are_never_matched_by_name(classes, write, esp):
    roster = ROSTER.strip() + "\nE007,Cy,Cole,cy2@cxp.example,cy2@mail.example,AET-A,"
    assert esp("import", "roster", write(roster, "roster2.csv"))[0] == 0
    path = write(
        "name,email,join_time,leave_time\n"
        "Cy Cole,,08:30 AM,04:30 PM\n"
        "Cy Cole,cy2@mail.example,08:40 AM,04:30 PM"
    )
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    assert proposed(result)["occurrences"] == [("E007", "tardy", 40)]
    assert proposed(result)["unmatched"] == [(2, "Cy Cole")]


def test_the_class_is_its_agents_on_the_day_moves_and_ended_employment_included(
    classes, write, esp
):
    activity = """
date,employee_id,kind,item,value,by,note
2026-11-02,E009,move,AET-A,,tl.one@cxp.example,
2026-11-02,E002,status,employment,resigned,pm.one@cxp.example,
2026-11-04,E003,status,employment,termed,pm.one@cxp.example,
"""
    assert esp("import", "activity", write(activity, "activity.csv"))[0] == 0
    path = write(
        "name,email,join_time,leave_time\n"
        "Ivy Ito,ivy@cxp.example,08:15 AM,04:30 PM\n"
        "Bob Baker,bob@cxp.example,08:15 AM,04:30 PM"
    )
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    assert proposed(result) == {
        "occurrences": [("E009", "tardy", 15)],
        "absences": ["E001", "E003", "E004", "E005", "E006"],  # Cy's term is dated later
        "unmatched": [(3, "Bob Baker")],
    }


# -- saving: idempotent, dry run, absences ----------------------------------------------------


def test_importing_the_same_file_twice_adds_nothing_the_second_time(classes, esp):
    assert meeting(esp, FIXTURES / "goto_training.csv")[0] == 0
    first = attendance_facts()
    code, out, err = meeting(esp, FIXTURES / "goto_training.csv")
    assert code == 0, err
    assert attendance_facts() == first
    assert "saved 0 occurrence(s):" in out
    assert "already recorded, not added again: 4" in out


def test_an_occurrence_already_entered_by_hand_is_not_added_again(classes, esp, write):
    activity = """
date,employee_id,kind,item,value,by,note
2026-11-03,E003,attendance,tardy,12,tl.one@cxp.example,Called in
"""
    assert esp("import", "activity", write(activity, "activity.csv"))[0] == 0
    code, out, _ = meeting(esp, FIXTURES / "generic.csv")
    assert code == 0
    assert [f for f in attendance_facts() if f[0] == "E003"] == [("E003", DAY, "tardy", "12")]
    assert "  E003 Cy Cole: Tardy 10 min" in out.split("already recorded")[1]


def test_a_dry_run_writes_nothing_and_says_what_it_would_save(classes, esp):
    code, out, err = meeting(esp, FIXTURES / "generic.csv", "--dry-run", "--absent-as", "ncns")
    assert code == 0, err
    assert attendance_facts() == []
    assert "would save 4 occurrence(s):" in out
    assert "would save 1 absence(s) as No call, no show:\n  E006 Flo Fox: No call, no show" in out


def test_absences_are_saved_only_when_asked_and_once(classes, esp):
    assert meeting(esp, FIXTURES / "generic.csv")[0] == 0
    assert [f for f in attendance_facts() if f[0] == "E006"] == []
    code, out, _ = meeting(esp, FIXTURES / "generic.csv", "--absent-as", "absent_approved")
    assert code == 0
    assert (
        "saved 1 absence(s) as Absent – HR Approved:\n  E006 Flo Fox: Absent – HR Approved" in out
    )
    assert [f for f in attendance_facts() if f[0] == "E006"] == [
        ("E006", DAY, "absent_approved", "")
    ]
    meeting(esp, FIXTURES / "generic.csv", "--absent-as", "ncns")
    assert [f for f in attendance_facts() if f[0] == "E006"] == [
        ("E006", DAY, "absent_approved", "")
    ]


def test_a_person_may_confirm_each_absence_on_its_own(classes, write):
    path = write(generic([("08:00", "16:30")]))
    result = propose_meeting(path, class_code="AET-A", day=DAY)
    saved = save_meeting(result, absent_as={"E001": "ncns", "E006": "absent"})
    assert saved.absences == [("E001", "ncns", None), ("E006", "absent", None)]
    with pytest.raises(MeetingImportError, match="E003 is not a proposed absence"):
        save_meeting(result, absent_as={"E003": "absent"})
    with pytest.raises(MeetingImportError, match="not 'tardy'"):
        save_meeting(result, absent_as="tardy")


def test_the_saved_facts_say_where_they_came_from(classes, esp):
    meeting(esp, FIXTURES / "generic.csv")
    fact = Fact.objects.get(agent__employee_id="E005")
    assert (fact.source, fact.by, fact.note) == ("meeting", "esp import meeting", "")


# -- a malformed file is rejected whole; unmatched rows are no error ---------------------------


def test_a_malformed_file_is_rejected_whole_naming_every_bad_row(classes, esp, write):
    path = write(
        """
name,email,join_time,leave_time
Ann Able,ann@cxp.example,08:00 AM,04:30 PM
Bob Baker,bob@cxp.example,8 o'clock,04:30 PM
Cy Cole,not-an-email,08:00 AM,04:30 PM
Di Dunn,di@cxp.example,11/04/2026 08:00 AM,11/04/2026 04:30 PM
Ed Eng,ed@cxp.example,04:30 PM,08:00 AM
,,08:00 AM,04:30 PM
Flo Fox,flo@cxp.example,08:00 AM
"""
    )
    code, out, err = meeting(esp, path)
    assert code == 2 and out == ""
    assert "rejected, nothing was imported (6 error(s))" in err
    for expected in (
        "line 3, column join_time: '8 o'clock' is not a time",
        "line 4, column email: 'not-an-email' is not an e-mail address",
        "line 5, column join_time: is on 11/04/2026, not the class day 11/03/2026",
        "line 6, column leave_time: is before the join time",
        "line 7: names neither a person nor an e-mail",
        "line 8: has 3 fields, the header has 4",
    ):
        assert expected in err, expected
    assert attendance_facts() == []


@pytest.mark.parametrize(
    "text,reason",
    [
        ("name,email,join_time\nAnn,ann@cxp.example,08:00", "not a meeting attendance report"),
        (
            "name,email,join_time,leave_time,device\nAnn,ann@cxp.example,08:00,16:30,pc",
            "line 1, column device: unknown column (prefix it with x_ to keep it)",
        ),
        ("", "the file is empty"),
        (
            "name,email,join_time,leave_time\nAnn,ann@cxp.example,08:00 AM EST,16:30",
            "time zone EST is not the program's (CST)",
        ),
        ("name,email,join_time,leave_time\nAnn,ann@cxp.example,13:00 PM,16:30", "hour 13 with PM"),
    ],
)
def test_it_names_what_is_wrong_with_a_file(classes, esp, write, text, reason):
    path = write(text) if text else write(" ")
    code, _, err = meeting(esp, path)
    assert code == 2
    assert reason in err


def test_unmatched_rows_are_not_an_error(classes, esp, write):
    path = write("name,email,join_time,leave_time\nNobody Known,,08:00 AM,04:30 PM")
    code, out, err = meeting(esp, path)
    assert code == 0, err
    assert "unmatched rows, not saved: 1\n  line 2: Nobody Known, 8:00 AM–4:30 PM" in out


def test_the_command_needs_the_class_and_the_date(classes, esp):
    code, _, err = esp("import", "meeting", FIXTURES / "generic.csv", "--class", "AET-A")
    assert code == 2 and "needs --class CODE and --date D" in err
    code, _, err = esp(
        "import", "meeting", FIXTURES / "generic.csv", "--class", "NOPE", "--date", "2026-11-03"
    )
    assert code == 2 and "unknown class 'NOPE'" in err


def test_other_imports_ignore_the_meeting_options(classes, esp, write):
    activity = "date,employee_id,kind,item,value,by,note\n2026-11-03,E001,note,,,tl,Hello"
    code, out, _ = esp(
        "import", "activity", write(activity), "--class", "AET-B", "--date", "2026-01-01"
    )
    assert code == 0 and "1 new" in out


# -- any other CSV through a column mapping ----------------------------------------------------


def test_any_other_csv_is_read_through_a_column_mapping(classes, esp, write):
    path = write(
        """
Attendee,Attendee Email,Joined At,Left At,Minutes,Guest
Di Dunn,di@cxp.example,11/03/2026 08:45:10 AM,11/03/2026 04:30:00 PM,465,No
"""
    )  # (issue 16: Zoom's own header is now recognised, test_meeting_layouts.py)
    code, _, err = meeting(esp, path)
    assert code == 2 and "not a meeting attendance report" in err
    code, out, err = meeting(
        esp,
        path,
        "--column",
        "name=Attendee",
        "--column",
        "email=attendee email",
        "--column",
        "join_time=Joined At",
        "--column",
        "leave_time=Left At",
    )
    assert code == 0, err
    assert "(CSV with a column mapping)" in out
    assert attendance_facts() == [("E004", DAY, "tardy", "45")]


def test_a_column_mapping_names_known_fields_and_existing_columns(classes, write):
    path = write("Who,Joined,Left\nDi Dunn,08:45 AM,04:30 PM")
    columns = {"name": "Who", "join_time": "Joined", "leave_time": "Left"}
    result = propose_meeting(path, class_code="AET-A", day=DAY, columns=columns)
    assert proposed(result)["occurrences"] == [("E004", "tardy", 45)]
    with pytest.raises(ImportRejected, match="unknown field"):
        propose_meeting(path, class_code="AET-A", day=DAY, columns={**columns, "phone": "X"})
    with pytest.raises(ImportRejected, match="no header row with the columns"):
        propose_meeting(path, class_code="AET-A", day=DAY, columns={**columns, "name": "Nom"})
    with pytest.raises(ImportRejected, match="lacks leave_time"):
        propose_meeting(
            path, class_code="AET-A", day=DAY, columns={"name": "Who", "join_time": "J"}
        )


# -- times -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-11-03T14:10:00Z", "08:10"),
        ("2026-11-03T09:10:00-05:00", "08:10"),
        ("2026-11-03 08:10", "08:10"),
        ("11/03/2026 08:10 AM", "08:10"),
        ("11/3/2026 8:10:30 a.m.", "08:10"),
        ("11/03/2026 20:10", "20:10"),
        ("8:10 PM", "20:10"),
        ("12:05 AM", "00:05"),
        ("11/03/2026 08:10 AM CST", "08:10"),
        ("11/03/2026 02:10 PM GMT", "08:10"),
    ],
)
def test_it_reads_iso_and_provider_times_in_the_program_time_zone(text, expected):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Chicago")
    moment = parse_moment(text, DAY, zone)
    assert moment.date() == DAY and f"{moment:%H:%M}" == expected
    assert moment.utcoffset() == zone.utcoffset(moment.replace(tzinfo=None))
