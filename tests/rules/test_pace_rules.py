"""R-I1b licensing pace: the midday check of each day of the licensing phase, around
Thanksgiving 2026 (Thursday 11/26) and a weekend.

A class whose licensing starts Tuesday 11/24 has day 1 on Tue 11/24, day 2 on Wed 11/25,
day 3 on Fri 11/27 (Thanksgiving is no business day), day 4 (the half day) on Mon 11/30;
training starts Tue 12/01.
"""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from esp.rules.calendar import BusinessCalendar
from esp.rules.pace import PaceMinimum, counts, due_label, pace_status, started_after

# The default pace table (esp/pace/defaults.py): end of day 1, 2, 3; first half of day 4.
TABLE = (
    PaceMinimum("ahip_1", Decimal("1")),
    PaceMinimum("ahip_2", Decimal("1")),
    PaceMinimum("ahip_3", Decimal("2")),
    PaceMinimum("ahip_4", Decimal("2")),
    PaceMinimum("ahip_5", Decimal("3")),
    PaceMinimum("ahip_final", Decimal("3")),
    PaceMinimum("carrier_cert", Decimal("3")),
    PaceMinimum("carrier_products", Decimal("3.5")),
)
DAY_1 = ("ahip_1", "ahip_2")
DAY_2 = ("ahip_3", "ahip_4")
DAY_3 = ("ahip_5", "ahip_final", "carrier_cert")
HALF_DAY_4 = ("carrier_products",)
START = date(2026, 11, 24)  # Tuesday
LICENSING_DAYS = 4  # 3.5 occupies 4 business days (§3)


def status(calendar, as_of, done=None, *, start=START, days=LICENSING_DAYS, table=TABLE):
    return pace_status(
        phase_start=start,
        phase_days=days,
        minimums=table,
        done_on=done or {},
        as_of=as_of,
        calendar=calendar,
    )


def test_it_holds_nothing_against_an_agent_on_day_1(calendar):
    result = status(calendar, START)
    assert (result.in_phase, result.day, result.due, result.behind) == (True, 1, (), False)


def test_it_counts_the_end_of_day_1_minimums_on_day_2(calendar):
    result = status(calendar, date(2026, 11, 25))
    assert result.day == 2
    assert result.due == DAY_1
    assert result.missing == DAY_1 and result.behind


def test_it_skips_thanksgiving_so_day_3_is_the_friday(calendar):
    thanksgiving = status(calendar, date(2026, 11, 26))
    friday = status(calendar, date(2026, 11, 27))
    # R-T4: on the holiday the age is that of the next business day, Friday: day 3.
    assert thanksgiving.day == friday.day == 3
    assert thanksgiving.due == friday.due == DAY_1 + DAY_2


def test_it_counts_the_half_day_minimum_on_day_4_after_the_weekend(calendar):
    monday = status(calendar, date(2026, 11, 30))
    assert monday.day == 4
    assert monday.due == DAY_1 + DAY_2 + DAY_3 + HALF_DAY_4
    # the weekend before day 4 shows day 4's list (R-T4: the next business day's age)
    assert status(calendar, date(2026, 11, 28)).due == monday.due


def test_it_lists_only_the_minimums_not_done(calendar):
    done = {key: START for key in DAY_1} | {"ahip_3": date(2026, 11, 25)}
    result = status(calendar, date(2026, 11, 27), done)
    assert result.missing == ("ahip_4",)
    done["ahip_4"] = date(2026, 11, 27)  # done on D counts as of D (R-T5)
    assert not status(calendar, date(2026, 11, 27), done).behind


def test_it_ignores_a_module_done_after_the_as_of_date(calendar):
    done = {"ahip_1": START, "ahip_2": date(2026, 11, 27)}
    assert status(calendar, date(2026, 11, 25), done).missing == ("ahip_2",)


def test_it_is_not_behind_when_every_module_is_done(calendar):
    done = {m.key: START for m in TABLE}
    assert not status(calendar, date(2026, 11, 30), done).behind


def test_it_leaves_the_phase_after_its_fourth_business_day(calendar):
    after = status(calendar, date(2026, 12, 1))  # training day 1: incompletions take over
    assert (after.in_phase, after.day, after.due, after.behind) == (False, None, (), False)
    assert not status(calendar, date(2026, 11, 23)).in_phase  # before the start
    assert not status(calendar, date(2026, 11, 30), start=None).in_phase  # no licensing phase


def test_it_keeps_an_open_ended_phase_open(calendar):
    result = status(calendar, date(2026, 12, 10), days=None)
    assert result.in_phase and result.day == 12
    assert result.missing == tuple(m.key for m in TABLE)


def test_it_moves_the_days_with_a_program_closure():
    closed_wednesday = BusinessCalendar.build(
        closures=[date(2026, 11, 25)], first_year=2026, last_year=2027
    )
    result = status(closed_wednesday, date(2026, 11, 25))
    assert result.day == 2 and result.due == DAY_1  # the closure's age is Thursday's
    assert status(closed_wednesday, date(2026, 11, 26)).due == DAY_1  # Thursday: day 2


def test_it_reads_the_table_not_literals(calendar):
    table = (PaceMinimum("early", Decimal("0.5")), PaceMinimum("late", Decimal("2.5")))
    assert status(calendar, START, table=table).due == ("early",)  # first half of day 1
    assert status(calendar, date(2026, 11, 25), table=table).due == ("early",)
    assert status(calendar, date(2026, 11, 27), table=table).due == ("early", "late")


def test_it_words_the_deadlines():
    assert due_label(Decimal("1")) == "end of day 1"
    assert due_label(Decimal("3.0")) == "end of day 3"
    assert due_label(Decimal("3.5")) == "first half of day 4"
    assert due_label(Decimal("0.5")) == "first half of day 1"


def test_it_counts_a_minimum_at_the_midday_check():
    assert not counts(Decimal("1"), 0)
    assert counts(Decimal("1"), 1)
    assert counts(Decimal("3.5"), 3) and not counts(Decimal("3.5"), 2)
    assert not counts(Decimal("4"), 3)


# -- properties -------------------------------------------------------------------------------

minimum_tables = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d", "e", "f"]),
        st.integers(min_value=1, max_value=10).map(lambda n: Decimal(n) / 2),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
).map(lambda rows: tuple(PaceMinimum(key, due) for key, due in rows))
starts = st.dates(date(2026, 1, 1), date(2027, 12, 1))
offsets = st.integers(min_value=-3, max_value=12)


@settings(max_examples=150)
@given(table=minimum_tables, start=starts, offset=offsets, later=st.integers(0, 10), data=st.data())
def test_property_missing_is_due_and_not_done_and_due_only_grows(
    calendar, table, start, offset, later, data
):
    start = calendar.on_or_after(start)
    as_of = start + timedelta(days=offset)
    done = {
        m.key: start + timedelta(days=data.draw(st.integers(0, 10)))
        for m in table
        if data.draw(st.booleans())
    }
    result = status(calendar, as_of, done, start=start, table=table)
    assert set(result.missing) <= set(result.due)
    assert result.behind == bool(result.missing)
    for key in result.due:
        assert (key in result.missing) == (key not in done or done[key] > as_of)
    if result.in_phase:
        assert 1 <= result.day <= LICENSING_DAYS
        assert all(counts(m.due_by, result.day - 1) == (m.key in result.due) for m in table)
        afterwards = status(calendar, as_of + timedelta(days=later), done, start=start, table=table)
        if afterwards.in_phase:
            assert set(result.due) <= set(afterwards.due)
    else:
        assert result.due == () and result.day is None
    # everything done on the first day: never behind
    assert not status(
        calendar, as_of, {m.key: start for m in table}, start=start, table=table
    ).behind
    # nothing is ever due on day 1 unless the table asks for the first half of day 1
    if as_of == start:
        assert set(result.due) == {m.key for m in table if m.due_by <= Decimal("0.5")}


def test_it_bounds_the_starts_of_a_phase_under_way_around_thanksgiving(calendar):
    """The window the database narrows the agents with: on Friday 11/27 (day 3 of a class
    started Tuesday 11/24) a 4-day phase is under way for starts after Friday 11/20."""
    friday = date(2026, 11, 27)
    assert started_after(as_of=friday, phase_days=4, calendar=calendar) == date(2026, 11, 20)
    assert status(calendar, friday, start=date(2026, 11, 23)).in_phase  # its day 4
    assert not status(calendar, friday, start=date(2026, 11, 20)).in_phase
    saturday = date(2026, 11, 28)  # a weekend reads as the next business day, Monday 11/30
    assert started_after(as_of=saturday, phase_days=4, calendar=calendar) == date(2026, 11, 23)
    assert status(calendar, saturday, start=date(2026, 11, 24)).in_phase
    assert not status(calendar, saturday, start=date(2026, 11, 23)).in_phase
    assert started_after(as_of=friday, phase_days=None, calendar=calendar) is None
    assert started_after(as_of=date(2015, 1, 2), phase_days=4, calendar=calendar) is None


@settings(max_examples=150)
@given(start=starts, offset=offsets, days=st.integers(1, 12))
def test_property_a_phase_is_under_way_exactly_inside_the_start_window(
    calendar, start, offset, days
):
    as_of = start + timedelta(days=offset)
    bound = started_after(as_of=as_of, phase_days=days, calendar=calendar)
    inside = bound is not None and bound < start <= as_of
    assert status(calendar, as_of, start=start, days=days).in_phase == inside
