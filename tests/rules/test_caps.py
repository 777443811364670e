"""What a CAP document says (R-N6): due dates and the facts behind a delivered step, per kind of
ladder (R-L2/R-L3, R-A4/R-A5, R-N4a). Pure. 2026 dates around MLK Day (01-19)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from esp.rules.caps import (
    AttendancePolicy,
    Level,
    attendance_facts,
    exam_facts,
    points_text,
    timeframe_due_dates,
    timeframe_facts,
)
from esp.rules.ladders import timeframe_step
from esp.rules.records import Fact, TimeframeLadder

D = date.fromisoformat
LICENSING = TimeframeLadder("licensing", "licensing", ("producer_world", "ahip"), 3)
NAMES = {"coaching": "Documented coaching", "written_cap": "Written CAP", "final_cap": "Final CAP"}
ATTENDANCE = AttendancePolicy(
    points={"tardy": Decimal("0.5"), "absent": Decimal(1), "ncns": Decimal(2)},
    labels={"tardy": "Tardy", "absent": "Absent", "ncns": "No call, no show"},
    levels=(
        Level("coaching", Decimal(1)),
        Level("written_cap", Decimal(4), 1),
        Level("final_cap", Decimal(5), 2),
        Level("termination_review", Decimal(6), 3),
    ),
)


def facts(kind: str, *rows: tuple[str, str, str]) -> list[Fact]:
    return sorted(
        Fact(D(day), seq, kind, item, value) for seq, (day, item, value) in enumerate(rows)
    )


def test_it_prints_points_without_trailing_zeros():
    assert [points_text(Decimal(p)) for p in ("4.00", "0.50", "10", "0")] == ["4", "0.5", "10", "0"]


def test_it_dates_each_timeframe_step_and_a_late_delivery_delays_the_next(calendar):
    """Phase Monday 01/05: coaching due Thursday 01/08, delivered late Tuesday 01/13 → the
    written CAP is due Wednesday 01/14; not delivered → the final CAP the next business day."""
    delivered = facts("action", ("2026-01-13", "coaching", "licensing"))
    dates = timeframe_due_dates(calendar, LICENSING, D("2026-01-05"), delivered, D("2026-01-16"))
    assert dates == {
        "coaching": D("2026-01-08"),
        "written_cap": D("2026-01-14"),
        "final_cap": D("2026-01-15"),
        "termination_review": D("2026-01-16"),
    }


@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.sampled_from(["coaching", "written_cap", "final_cap"])),
        max_size=4,
    ),
    st.integers(0, 25),
)
def test_it_agrees_with_the_ladder_on_the_due_date_of_the_step_that_shows(
    calendar, delivered, offset
):
    start = D("2026-01-05")
    rows = sorted(
        Fact(start + timedelta(days=day), seq, "action", step, "licensing")
        for seq, (day, step) in enumerate(delivered)
    )
    as_of = start + timedelta(days=offset)
    shown = timeframe_step(calendar, LICENSING, start, rows, as_of, tasks_done=False)
    if shown is not None:
        dates = timeframe_due_dates(calendar, LICENSING, start, rows, as_of)
        assert dates[shown.step] == shown.due_on


def test_it_names_the_missed_timeframe_and_the_tasks_not_done(calendar):
    found = timeframe_facts(
        calendar,
        LICENSING,
        phase_name="Licensing",
        phase_start=D("2026-01-16"),
        deliveries=facts("action", ("2026-01-22", "coaching", "licensing")),
        day=D("2026-01-23"),
        step="written_cap",
        not_done=["AHIP certification"],
        step_names=NAMES,
    )
    # Friday 01/16, MLK Monday 01/19: age 3 on Thursday 01/22 (coaching due and delivered).
    assert found.due_on == D("2026-01-23")
    assert found.lines == (
        "Licensing phase started on 01/16/2026.",
        "Timeframe: 3 business days from the phase start. "
        "Business days since the phase start as of 01/23/2026: 4.",
        "Tasks not done: AHIP certification.",
        "Documented coaching delivered on 01/22/2026",
    )
    assert found.next_when == "if the tasks are still not done on 01/26/2026"


def test_it_dates_an_attendance_cap_from_the_level_reached_anew_after_points_expired(calendar):
    """R-A5: an NCNS on 01/05 reached the written CAP level; it expired after 90 days; a new
    NCNS on Monday 05/04 reaches it anew: due Tuesday 05/05."""
    rows = facts(
        "attendance",
        ("2026-01-05", "ncns", ""),
        ("2026-04-30", "tardy", "9"),  # under 10 minutes: no occurrence
        ("2026-05-01", "tardy", "30"),
        ("2026-05-04", "ncns", ""),
    )
    found = attendance_facts(
        calendar,
        ATTENDANCE,
        facts=rows,
        deliveries=facts("action", ("2026-01-06", "written_cap", "attendance")),
        ladder="attendance",
        day=D("2026-05-06"),
        step="written_cap",
        step_names=NAMES,
    )
    assert found.due_on == D("2026-05-05")
    assert found.lines == (
        "05/01/2026: Tardy (30 minutes), 0.5 points",
        "05/04/2026: No call, no show, 2 points",
        "Rolling total as of 05/06/2026 (90 days): 2.5 points, 1 NCNS.",
        "Written CAP is owed at 4 points or 1 NCNS within 90 days.",
        "Written CAP delivered on 01/06/2026",
    )
    assert found.next_when == "at 5 points or 2 NCNS within 90 days"


def test_it_covers_the_exam_whose_fail_is_not_answered_yet(calendar):
    """R-N4a: AHIP's second fail was answered by a written CAP on 01/08; the carrier exam's
    second fail (Friday 01/16) is not: due Tuesday 01/20, after MLK Day."""
    found = exam_facts(
        calendar,
        exam_facts=facts(
            "exam",
            ("2026-01-06", "ahip", "failed"),
            ("2026-01-07", "ahip", "failed"),
            ("2026-01-15", "carrier_cert", "failed"),
            ("2026-01-16", "carrier_cert", "failed"),
        ),
        deliveries=facts("action", ("2026-01-08", "written_cap", "exams")),
        ladder="exams",
        steps=("coaching", "written_cap", "final_cap"),
        attempts=3,
        day=D("2026-01-21"),
        step="written_cap",
        step_names=NAMES,
    )
    assert found.due_on == D("2026-01-20")
    assert found.lines == (
        "01/15/2026: carrier certification exam failed (attempt 1 of 3).",
        "01/16/2026: carrier certification exam failed (attempt 2 of 3).",
        "Written CAP delivered on 01/08/2026",
    )
    assert found.next_when == "on a further failed attempt"
