"""Attendance rules (R-A1 to R-A6): the class-day schedule, classifying joins, points in the
rolling window, levels and the attendance ladder. Pure: no database, no clock.

Dates are 2026, chosen around weekends and US holidays: Presidents' Day Monday 02-16,
Memorial Day Monday 05-25.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esp.rules.attendance import (
    FULL_DAY,
    Occurrence,
    Schedule,
    attendance_step,
    classify,
    counts,
    day_label,
    half_shift,
    in_window,
    level,
    occurrence_label,
    occurrences_from_facts,
    points,
    working_minutes,
)
from esp.rules.progress import AgentProgress
from esp.rules.records import (
    DEFAULT_ATTENDANCE_LEVELS,
    DEFAULT_OCCURRENCE_POINTS,
    AttendanceLevel,
    Fact,
    Policy,
)
from esp.rules.reports import action_lines, attendance

D = date.fromisoformat
ZONE = ZoneInfo("America/Chicago")
DAY = date(2026, 11, 3)
START = datetime.combine(DAY, time(8, 0), ZONE)
END = datetime.combine(DAY, time(16, 30), ZONE)
POINTS = dict(DEFAULT_OCCURRENCE_POINTS)
LEVELS = DEFAULT_ATTENDANCE_LEVELS
WINDOW = 90
KINDS = ("tardy", "left_early", "absent", "absent_approved", "ncns", "mia")


def at(hhmm: str, seconds: int = 0) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime.combine(DAY, time(hours, minutes, seconds), ZONE)


def occ(*rows) -> list[Occurrence]:
    """(day, kind) or (day, kind, minutes) rows -> occurrences."""
    return [Occurrence(D(r[0]), r[1], r[2] if len(r) > 2 else None) for r in rows]


def delivered(*rows) -> list[Fact]:
    """(day, step) rows -> deliveries on the attendance ladder."""
    return sorted(
        Fact(D(day), seq, "action", step, "attendance") for seq, (day, step) in enumerate(rows)
    )


@pytest.fixture
def step(calendar):
    def show(occurrences, as_of, *deliveries, levels=LEVELS, points_table=POINTS):
        found = attendance_step(
            occurrences,
            delivered(*deliveries),
            D(as_of),
            calendar,
            levels,
            WINDOW,
            points_table,
        )
        return None if found is None else (found.step, found.due_on.isoformat(), found.status)

    return show


def level_of(occurrences, as_of):
    return level(occurrences, D(as_of), window_days=WINDOW, points_table=POINTS, levels=LEVELS)


# -- R-A1: the class-day schedule --------------------------------------------------------------


def test_a_default_class_day_has_450_working_minutes_and_its_half_is_225_R_A1():
    schedule = Schedule(time(8, 0), time(16, 30))
    assert working_minutes(schedule) == 510 - 15 - 15 - 30 == 450
    assert half_shift(schedule) == 225


def test_the_schedule_breaks_and_lunch_are_configurable_R_A1():
    half_day = Schedule(time(8, 0), time(12, 0), 15, 0, 0)
    assert working_minutes(half_day) == 225 and half_shift(half_day) == 112.5
    assert working_minutes(Schedule(time(8, 0), time(8, 30))) == 0  # never negative


# -- R-A2, R-A3: classifying joins ------------------------------------------------------------


@pytest.mark.parametrize(
    "join,leave,expected",
    [
        ("08:00", "16:30", []),
        ("07:45", "16:45", []),  # early join and late leave: nothing
        ("08:09", "16:30", []),  # 9 minutes late: recorded nothing, no occurrence
        ("08:10", "16:30", [("tardy", 10)]),
        ("08:59", "16:30", [("tardy", 59)]),
        ("09:00", "16:30", [("tardy", 60)]),
        ("11:59", "16:30", [("tardy", 239)]),  # just under the absent limit
        ("12:00", "16:30", [("absent", 240)]),  # at it: absent
        ("12:01", "16:30", [("absent", 241)]),
        ("08:00", "16:21", []),
        ("08:00", "16:20", [("left_early", 10)]),
        ("08:00", "15:31", [("left_early", 59)]),
        ("08:00", "15:30", [("left_early", 60)]),
        ("08:00", "12:31", [("left_early", 239)]),
        ("08:00", "12:30", [("absent", 240)]),
        ("08:30", "16:00", [("tardy", 30), ("left_early", 30)]),
        ("10:00", "14:30", [("absent", 240)]),  # issue 15 item 11: 4 h missed is one absence
        ("10:00", "14:31", [("tardy", 120), ("left_early", 119)]),  # 239 missed
        ("12:10", "16:00", [("absent", 280)]),  # late and early add up in the absence
    ],
)
def test_it_classifies_the_first_join_and_the_last_leave_R_A2(join, leave, expected):
    assert classify([(at(join), at(leave))], START, END) == expected


def test_minutes_are_whole_minutes_rounded_down_R_A2():
    assert classify([(at("08:09", 59), END)], START, END) == []
    assert classify([(at("08:10", 0), END)], START, END) == [("tardy", 10)]
    assert classify([(at("11:59", 59), END)], START, END) == [("tardy", 239)]
    assert classify([(START, at("16:20", 1))], START, END) == []  # 9 min 59 s early


def test_a_rejoin_after_a_drop_counts_the_first_join_and_the_last_leave_R_A3():
    joins = [(at("10:30"), at("16:30")), (at("08:05"), at("10:00"))]  # any order
    assert classify(joins, START, END) == [("mia", 30)]  # issue 15 item 11: a 30-minute gap
    joins = [(at("10:01"), at("16:30")), (at("08:05"), at("10:00"))]
    assert classify(joins, START, END) == []  # a drop of a minute
    joins = [(at("08:20"), at("09:00")), (at("09:40"), at("12:00")), (at("13:00"), at("16:00"))]
    assert classify(joins, START, END) == [("tardy", 20), ("left_early", 30), ("mia", 100)]


def test_no_join_at_all_is_absent_R_A2():
    assert classify([], START, END) == [("absent", None)]


def test_joins_outside_class_time_are_absent_for_the_whole_day_R_A2():
    assert classify([(at("07:00"), at("07:55"))], START, END) == [("absent", 510)]
    assert classify([(at("16:30"), at("17:00"))], START, END) == [("absent", 510)]
    short_start, short_end = at("08:00"), at("11:00")  # a 3-hour class day
    assert classify([(at("11:10"), at("12:00"))], short_start, short_end) == [("absent", 180)]


def test_the_thresholds_are_configurable_R_A2():
    assert classify([(at("08:05"), END)], START, END, minimum=5) == [("tardy", 5)]
    assert classify([(at("10:00"), END)], START, END, absent=120) == [("absent", 120)]
    assert classify([(at("09:59"), END)], START, END, absent=120) == [("tardy", 119)]


moments = st.integers(-60, 600).map(lambda m: START + timedelta(minutes=m))


@st.composite
def join_lists(draw):
    pairs = draw(st.lists(st.tuples(moments, st.integers(0, 600)), min_size=1, max_size=4))
    return [(join, join + timedelta(minutes=length)) for join, length in pairs]


@settings(max_examples=150)
@given(join_lists(), st.randoms())
def test_the_order_of_the_joins_does_not_matter_R_A3(joins, rng):
    shuffled = list(joins)
    rng.shuffle(shuffled)
    assert classify(shuffled, START, END) == classify(joins, START, END)


@settings(max_examples=150)
@given(join_lists())
def test_a_classification_is_one_absence_or_at_most_a_tardy_an_early_leave_and_an_mia_R_A2(
    joins,
):
    found = classify(joins, START, END)
    kinds = [kind for kind, _ in found]
    assert kinds == ["absent"] or [k for k in kinds if k != "mia"] in (
        [],
        ["tardy"],
        ["left_early"],
        ["tardy", "left_early"],
    )
    assert kinds.count("mia") <= 1 and (not kinds or kinds[-1] == "mia" or "mia" not in kinds)
    for kind, minutes in found:
        if kind in ("tardy", "left_early"):
            assert 10 <= minutes < 240
        if kind == "mia":
            assert 30 <= minutes < 240
    assert kinds == ["absent"] or sum(minutes for _, minutes in found) < 240


# -- R-A4: points in the rolling window -------------------------------------------------------


def test_the_points_of_each_kind_are_the_spec_defaults_R_A4():
    assert Policy(tasks=(), sections=()).points_table == {
        "tardy": Decimal("0.5"),
        "left_early": Decimal("0.5"),
        "absent": Decimal("1"),
        "absent_approved": Decimal("0"),
        "ncns": Decimal("2"),
        "mia": Decimal("0.5"),
    }
    rows = occ(*[("2026-03-02", kind, 30) for kind in KINDS])
    assert points(rows, D("2026-03-02"), window_days=WINDOW, points_table=POINTS) == Decimal("4.5")


def test_the_window_is_after_d_minus_90_days_and_on_or_before_d_R_A4():
    rows = occ(("2026-01-05", "absent"), ("2026-03-02", "tardy", 15))

    def total(as_of):
        return points(rows, D(as_of), window_days=WINDOW, points_table=POINTS)

    assert total("2026-01-04") == 0  # dated after D
    assert total("2026-01-05") == 1
    assert total("2026-04-04") == Decimal("1.5")  # D - 90 = 01-04: 01-05 still counts
    assert total("2026-04-05") == Decimal("0.5")  # D - 90 = 01-05: no longer
    assert total("2026-05-30") == Decimal("0.5")  # 03-02 + 89 days
    assert total("2026-05-31") == 0  # 03-02 + 90 days


def test_a_tardy_under_the_minimum_is_no_occurrence_and_excused_ones_are_listed_R_A2_R_A4():
    rows = occ(
        ("2026-03-03", "tardy", 9),
        ("2026-03-03", "left_early", 10),
        ("2026-03-02", "absent_approved"),
        ("2026-03-02", "absent"),
        ("2026-03-04", "mia"),
    )
    assert not counts(rows[0]) and counts(rows[1]) and counts(rows[4])
    window = in_window(rows, D("2026-03-04"), window_days=WINDOW)
    assert window == occ(
        ("2026-03-02", "absent"),
        ("2026-03-02", "absent_approved"),
        ("2026-03-03", "left_early", 10),
        ("2026-03-04", "mia"),
    )
    assert points(rows, D("2026-03-04"), window_days=WINDOW, points_table=POINTS) == 2
    assert in_window(rows, D("2026-03-04"), window_days=WINDOW, minimum=5)[2] == Occurrence(
        D("2026-03-03"), "left_early", 10
    )


def test_occurrences_are_read_from_attendance_facts():
    facts = [
        Fact(D("2026-03-02"), 1, "attendance", "tardy", "15"),
        Fact(D("2026-03-02"), 2, "note", "", ""),
        Fact(D("2026-03-03"), 3, "attendance", "ncns", ""),
    ]
    assert occurrences_from_facts(facts) == occ(("2026-03-02", "tardy", 15), ("2026-03-03", "ncns"))


# -- R-A5: levels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kinds,expected",
    [
        ((), 0),
        (("tardy",), 0),  # ½ point
        (("tardy", "mia"), 1),  # 1 point: coaching
        (("absent",) * 3 + ("tardy",), 1),  # 3½
        (("absent",) * 4, 2),  # 4 points: written CAP
        (("absent",) * 5, 3),  # final CAP
        (("absent",) * 6, 4),  # termination review
        (("absent_approved",) * 9, 0),  # excused: no points
        (("ncns",), 2),  # 1 NCNS (2 points): written CAP
        (("ncns", "ncns"), 3),  # 2 NCNS: final CAP
        (("ncns",) * 3, 4),  # 3 NCNS: termination review
        (("ncns", "absent"), 2),  # 3 points, 1 NCNS
        (("ncns", "ncns", "absent"), 3),  # 5 points or 2 NCNS
    ],
)
def test_the_worked_levels_of_R_A5(kinds, expected):
    rows = occ(*[("2026-03-02", kind) for kind in kinds])
    assert level_of(rows, "2026-03-02") == expected


# -- R-A5: the attendance ladder -----------------------------------------------------------------


def test_coaching_falls_due_the_business_day_after_the_first_point_R_A5(step):
    rows = occ(("2026-02-02", "absent"))  # Monday
    assert step(rows, "2026-02-02") is None  # nothing before it falls due
    assert step(rows, "2026-02-03") == ("coaching", "2026-02-03", "due")
    assert step(rows, "2026-02-04") == ("coaching", "2026-02-03", "overdue")
    assert step(rows, "2026-02-04", ("2026-02-04", "coaching")) is None
    assert step(rows, "2026-02-04", ("2026-02-05", "coaching")) == (
        "coaching",
        "2026-02-03",
        "overdue",
    )


def test_a_friday_crossing_before_a_monday_holiday_falls_due_on_tuesday_R_A5(step):
    rows = occ(("2026-02-12", "tardy", 20), ("2026-02-13", "left_early", 15))
    assert step(rows, "2026-02-16") is None  # Presidents' Day
    assert step(rows, "2026-02-17") == ("coaching", "2026-02-17", "due")


def test_the_ladder_climbs_with_the_points_and_a_higher_level_supersedes_R_A5(step):
    rows = occ(
        ("2026-02-02", "absent"),
        ("2026-02-03", "absent"),
        ("2026-02-04", "absent"),
        ("2026-02-05", "absent"),  # 4 points: written CAP
        ("2026-02-09", "absent"),  # 5 points: final CAP
        ("2026-02-11", "absent"),  # 6 points: termination review
    )
    coaching = ("2026-02-03", "coaching")
    assert step(rows[:4], "2026-02-06", coaching) == ("written_cap", "2026-02-06", "due")
    # A lower step delivered after the crossing does not answer the written CAP.
    assert step(rows[:4], "2026-02-09", coaching, ("2026-02-06", "coaching")) == (
        "written_cap",
        "2026-02-06",
        "overdue",
    )
    assert step(rows[:4], "2026-02-09", coaching, ("2026-02-06", "written_cap")) is None
    # The written CAP was never delivered: the final CAP supersedes it.
    assert step(rows[:5], "2026-02-10", coaching) == ("final_cap", "2026-02-10", "due")
    assert step(rows, "2026-02-13", coaching) == ("termination_review", "2026-02-12", "overdue")
    # A higher step delivered covers a lower level.
    assert step(rows[:4], "2026-02-09", ("2026-02-06", "final_cap")) is None


def test_a_first_occurrence_that_is_an_ncns_owes_a_written_cap_at_once_R_A5(step):
    rows = occ(("2026-03-05", "ncns"))  # Thursday
    assert step(rows, "2026-03-05") is None
    assert step(rows, "2026-03-06") == ("written_cap", "2026-03-06", "due")
    assert step(rows, "2026-03-09") == ("written_cap", "2026-03-06", "overdue")
    second = rows + occ(("2026-03-10", "ncns"))
    assert step(second, "2026-03-11", ("2026-03-06", "written_cap")) == (
        "final_cap",
        "2026-03-11",
        "due",
    )


def test_the_90_day_window_drops_old_points_and_a_level_is_owed_again_when_reached_anew(step):
    first = occ(
        ("2026-01-05", "absent"),
        ("2026-01-06", "absent"),
        ("2026-01-07", "absent"),
        ("2026-01-08", "absent"),
    )
    written = ("2026-01-09", "written_cap")
    assert step(first, "2026-01-09") == ("written_cap", "2026-01-09", "due")
    assert step(first, "2026-01-09", written) is None
    # 04-06: 01-05 and 01-06 have expired, 2 points left: coaching level since 01-05, answered
    # by the written CAP delivered in [01-05, 04-06].
    assert level_of(first, "2026-04-06") == 1
    assert step(first, "2026-04-06", written) is None
    assert level_of(first, "2026-04-08") == 0
    assert step(first, "2026-04-08", written) is None
    again = first + occ(
        ("2026-04-20", "absent"),
        ("2026-04-21", "absent"),
        ("2026-04-22", "absent"),
        ("2026-04-23", "absent"),
    )
    assert step(again, "2026-04-20", written) is None  # coaching level since 04-20 ...
    assert step(again, "2026-04-21", written) == ("coaching", "2026-04-21", "due")  # ... owed
    assert step(again, "2026-04-24", written) == ("written_cap", "2026-04-24", "due")


def test_points_expiring_lower_the_level_and_the_step_shown_R_A5(step):
    rows = occ(
        ("2026-02-02", "ncns"),  # written CAP level, NCNS counted in the window too
        ("2026-04-01", "absent"),
    )
    assert step(rows, "2026-04-02") == ("written_cap", "2026-02-03", "overdue")
    # 05-03: the NCNS (02-02) expired; 1 point left. The level has been coaching or more
    # every day since 02-02, so coaching's crossing is 02-02: the written CAP delivered on
    # 02-03 answers it, and an undelivered ladder shows coaching owed since 02-03.
    assert level_of(rows, "2026-05-03") == 1
    assert step(rows, "2026-05-03") == ("coaching", "2026-02-03", "overdue")
    assert step(rows, "2026-05-03", ("2026-02-03", "written_cap")) is None
    # 07-01: everything expired; nothing is owed, whatever was delivered.
    assert level_of(rows, "2026-07-01") == 0 and step(rows, "2026-07-01") is None


def test_excused_occurrences_never_make_a_step_due_R_A5(step):
    rows = occ(*[(f"2026-03-{day:02d}", "absent_approved") for day in range(2, 14)])
    assert step(rows, "2026-03-20") is None
    rows += occ(("2026-03-16", "absent"))
    assert step(rows, "2026-03-17") == ("coaching", "2026-03-17", "due")


def test_a_tardy_under_the_minimum_never_raises_the_level_R_A5(step):
    rows = occ(*[(f"2026-03-{day:02d}", "tardy", 9) for day in range(2, 14)])
    assert step(rows, "2026-03-20") is None


def test_levels_and_points_are_policy_data_R_A5(step):
    levels = (AttendanceLevel("coaching", Decimal("0.5")), AttendanceLevel("final_cap", 2, 1))
    rows = occ(("2026-03-02", "tardy", 12))
    assert step(rows, "2026-03-03", levels=levels) == ("coaching", "2026-03-03", "due")
    assert step(rows, "2026-03-03", levels=levels, points_table={"tardy": 0}) is None
    assert step(occ(("2026-03-02", "ncns")), "2026-03-03", levels=levels) == (
        "final_cap",
        "2026-03-03",
        "due",
    )


occurrence_rows = st.lists(
    st.tuples(st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.sampled_from(KINDS)),
    max_size=12,
)


@settings(max_examples=150)
@given(
    occurrence_rows,
    st.lists(
        st.tuples(
            st.dates(date(2026, 1, 1), date(2026, 12, 31)),
            st.sampled_from([rule.step for rule in LEVELS]),
        ),
        max_size=4,
    ),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
)
def test_the_step_shown_is_the_level_met_and_due_after_its_crossing_R_A5(
    calendar, rows, deliveries, as_of
):
    occurrences = [Occurrence(day, kind, 30) for day, kind in rows]
    facts = sorted(Fact(day, i, "action", s, "attendance") for i, (day, s) in enumerate(deliveries))
    found = attendance_step(occurrences, facts, as_of, calendar, LEVELS, WINDOW, POINTS)
    met = level(occurrences, as_of, window_days=WINDOW, points_table=POINTS, levels=LEVELS)
    if met == 0:
        assert found is None
    if found is None:
        return
    assert found.step == LEVELS[met - 1].step
    assert found.due_on <= as_of and calendar.is_business_day(found.due_on)
    assert found.status == ("due" if found.due_on == as_of else "overdue")
    crossing = calendar.previous_business_day(found.due_on)
    assert any(crossing <= o.date < found.due_on for o in occurrences)
    # Delivering the step shown on D answers it on D.
    answered = [*facts, Fact(as_of, 99, "action", found.step, "attendance")]
    assert attendance_step(occurrences, answered, as_of, calendar, LEVELS, WINDOW, POINTS) is None


@settings(max_examples=150)
@given(occurrence_rows, st.sampled_from(KINDS), st.dates(date(2026, 1, 1), date(2026, 12, 31)))
def test_one_more_occurrence_never_lowers_the_points_or_the_level_R_A4_R_A5(rows, kind, as_of):
    before = [Occurrence(day, k, 30) for day, k in rows]
    after = [*before, Occurrence(as_of, kind, 30)]
    kwargs = dict(window_days=WINDOW, points_table=POINTS)
    assert points(after, as_of, **kwargs) >= points(before, as_of, **kwargs)
    assert level(after, as_of, levels=LEVELS, **kwargs) >= level(
        before, as_of, levels=LEVELS, **kwargs
    )


# -- R-A2, R-A6: labels ---------------------------------------------------------------------------


def test_tracker_labels_R_A2_R_A6():
    labels = {"absent": "Absent – Unapproved", "ncns": "No call, no show"}
    assert occurrence_label("tardy", 9, labels) is None
    assert occurrence_label("tardy", 59, labels) == "Tardy – Under 1 Hr"
    assert (
        occurrence_label("left_early", 60, labels) == "Left Early – Over 1 Hr, Up to Half of Shift"
    )
    assert (
        occurrence_label("tardy", 30, labels, hour=30) == "Tardy – Over 1 Hr, Up to Half of Shift"
    )
    assert day_label([("tardy", 5)], labels) == FULL_DAY
    assert day_label([("absent", None), ("mia", None)], labels) == "Absent – Unapproved; mia"


# -- the rules in the reports: action lines and the attendance report ---------------------------


def test_the_attendance_ladder_is_in_the_action_lines(make_class, make_agent, policy, context):
    klass = make_class("AET-A", "2026-02-02")
    agent = make_agent("E001", klass, [("2026-02-04", "attendance", "ncns", "")])
    lines = action_lines(AgentProgress(agent, policy), context("2026-02-06"))
    assert {
        "employee_id": "E001",
        "ladder": "attendance",
        "step": "written_cap",
        "due_on": "2026-02-05",
        "status": "overdue",
        "class_code": "AET-A",
    } in lines
    no_levels = Policy(tasks=policy.tasks, sections=policy.sections, attendance_levels=())
    assert all(
        line["ladder"] != "attendance"
        for line in action_lines(
            AgentProgress(agent, no_levels), context("2026-02-06", with_policy=no_levels)
        )
    )


def test_the_attendance_report_lists_active_agents_with_occurrences_in_the_window(
    make_class, make_agent, context
):
    a, b = make_class("AET-A", "2026-02-02"), make_class("AET-B", "2026-02-02")
    records = [
        make_agent(
            "E002",
            a,
            [
                ("2026-02-05", "attendance", "tardy", "15"),
                ("2026-02-04", "attendance", "mia", ""),
                ("2026-02-04", "attendance", "absent_approved", ""),
                ("2026-02-06", "attendance", "tardy", "5"),  # no occurrence
            ],
        ),
        make_agent("E001", b, [("2026-02-04", "attendance", "absent", "")]),
        make_agent("E003", a, [("2026-02-06", "attendance", "left_early", "9")]),
        make_agent(
            "E004",
            a,
            [
                ("2026-02-04", "attendance", "ncns", ""),
                ("2026-02-05", "status", "employment", "termed"),
            ],
        ),
        make_agent("E005", a, [("2025-11-01", "attendance", "ncns", "")]),  # expired
        make_agent("E006", a, [("2026-02-09", "attendance", "absent_approved", "")]),
    ]
    assert attendance(records, context("2026-02-09")) == {
        "report": "attendance",
        "as_of": "2026-02-09",
        "agents": [
            {
                "employee_id": "E002",
                "points": 1,
                "occurrences": [
                    {"date": "2026-02-04", "kind": "absent_approved", "minutes": None},
                    {"date": "2026-02-04", "kind": "mia", "minutes": None},
                    {"date": "2026-02-05", "kind": "tardy", "minutes": 15},
                ],
            },
            {
                "employee_id": "E006",
                "points": 0,
                "occurrences": [{"date": "2026-02-09", "kind": "absent_approved", "minutes": None}],
            },
            {
                "employee_id": "E001",
                "points": 1,
                "occurrences": [{"date": "2026-02-04", "kind": "absent", "minutes": None}],
            },
        ],
    }
    report = attendance(records[:1], context("2026-02-05"))
    assert report["agents"][0]["points"] == 1.0
    assert attendance(records[:1], context("2026-02-04"))["agents"][0]["points"] == 0.5
