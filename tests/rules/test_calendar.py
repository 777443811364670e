"""Business days, ages and phase start dates (SPEC §3, R-T1, R-T4, R-T6).

The 2026/2027 dates are checked against the `holidays` package (US, observed):
MLK Day Mon 2026-01-19, Presidents' Day Mon 2026-02-16, Thanksgiving Thu 2026-11-26
(Fri 2026-11-27 is a business day), Christmas Fri 2026-12-25, New Year Fri 2027-01-01,
Christmas 2027 (a Saturday) observed Fri 2027-12-24, New Year 2028 (a Saturday) observed
Fri 2027-12-31.
"""

from __future__ import annotations

from datetime import date

import pytest

from esp.rules.calendar import BusinessCalendar, CalendarError, PhaseLength, phase_starts

D = date.fromisoformat


# -- R-T1: which days are business days --------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2026-01-16", True),  # Friday before MLK Day
        ("2026-01-17", False),  # Saturday
        ("2026-01-18", False),  # Sunday
        ("2026-01-19", False),  # MLK Day
        ("2026-01-20", True),
        ("2026-02-16", False),  # Presidents' Day
        ("2026-07-03", False),  # Independence Day 2026 (a Saturday) observed on Friday
        ("2026-11-26", False),  # Thanksgiving
        ("2026-11-27", True),  # the day after Thanksgiving is NOT a federal holiday
        ("2026-12-24", True),  # Christmas Eve 2026 is a Thursday and a business day
        ("2026-12-25", False),  # Christmas 2026, a Friday
        ("2026-12-31", True),
        ("2027-01-01", False),  # New Year 2027, a Friday
        ("2027-12-24", False),  # Christmas 2027 (Saturday) observed on Friday
        ("2027-12-27", True),
        ("2027-12-31", False),  # New Year 2028 (Saturday) observed on Friday 2027-12-31
        ("2028-01-03", True),
    ],
)
def test_it_knows_us_federal_holidays_as_observed_R_T1(calendar, day, expected):
    assert calendar.is_business_day(D(day)) is expected


def test_it_closes_a_program_closure_date_and_reopens_an_opening_R_T1():
    calendar = BusinessCalendar.us(
        closures=[D("2026-11-27")], openings=[D("2026-10-12")], first_year=2026, last_year=2027
    )
    assert not calendar.is_business_day(D("2026-11-27"))
    assert calendar.is_business_day(D("2026-10-12"))  # Columbus Day re-opened
    # The closure shifts ages: Mon 11-23 start, Mon 11-30 has only Mon, Tue, Wed before it.
    assert calendar.age(D("2026-11-23"), D("2026-11-30")) == 3


def test_it_refuses_dates_outside_the_calendar_span():
    calendar = BusinessCalendar.us(first_year=2026, last_year=2026)
    with pytest.raises(CalendarError):
        calendar.age(D("2026-01-05"), D("2027-01-04"))
    with pytest.raises(CalendarError):
        calendar.next_business_day(D("2026-12-31"))


# -- stepping between business days -------------------------------------------------------------


def test_it_steps_over_mlk_day_to_the_next_and_previous_business_day(calendar):
    assert calendar.next_business_day(D("2026-01-16")) == D("2026-01-20")
    assert calendar.previous_business_day(D("2026-01-20")) == D("2026-01-16")
    assert calendar.on_or_after(D("2026-01-17")) == D("2026-01-20")
    assert calendar.on_or_after(D("2026-01-19")) == D("2026-01-20")
    assert calendar.on_or_after(D("2026-01-20")) == D("2026-01-20")


def test_it_adds_business_days_across_the_2026_year_end(calendar):
    assert calendar.add_business_days(D("2026-12-23"), 1) == D("2026-12-24")
    assert calendar.add_business_days(D("2026-12-23"), 2) == D("2026-12-28")
    assert calendar.add_business_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert calendar.add_business_days(D("2027-12-23"), 1) == D("2027-12-27")
    assert calendar.add_business_days(D("2027-12-30"), 1) == D("2028-01-03")


def test_it_adds_friday_plus_one_as_the_next_business_day(calendar):
    assert calendar.add_business_days(D("2026-03-06"), 1) == D("2026-03-09")
    assert calendar.add_business_days(D("2026-11-25"), 1) == D("2026-11-27")  # Thanksgiving


def test_it_refuses_to_add_zero_business_days(calendar):
    with pytest.raises(CalendarError):
        calendar.add_business_days(D("2026-03-02"), 0)


def test_it_counts_business_days_between_two_dates_in_either_direction(calendar):
    assert calendar.business_days_between(D("2026-01-12"), D("2026-01-21")) == 6
    assert calendar.business_days_between(D("2026-01-21"), D("2026-01-12")) == -6


# -- R-T4: the age of an open task ---------------------------------------------------------------


def test_it_gives_age_0_on_the_first_day_R_T4(calendar):
    assert calendar.age(D("2026-01-12"), D("2026-01-12")) == 0


def test_it_gives_age_3_on_the_fourth_business_day_R_T4(calendar):
    assert calendar.age(D("2026-01-12"), D("2026-01-15")) == 3


def test_it_never_gives_a_negative_age_before_the_start_R_T4(calendar):
    assert calendar.age(D("2026-01-12"), D("2026-01-09")) == 0


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2026-01-16", 4),  # Friday
        ("2026-01-17", 5),  # Saturday: like the next business day, Tue 01-20
        ("2026-01-18", 5),  # Sunday
        ("2026-01-19", 5),  # MLK Day
        ("2026-01-20", 5),
        ("2026-01-21", 6),
    ],
)
def test_it_ages_a_weekend_or_holiday_like_the_next_business_day_around_mlk_day_R_T4(
    calendar, as_of, expected
):
    assert calendar.age(D("2026-01-12"), D(as_of)) == expected


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2026-11-25", 2),
        ("2026-11-26", 3),  # Thanksgiving: same as Friday
        ("2026-11-27", 3),  # the Friday after Thanksgiving is a business day
        ("2026-11-28", 4),  # Saturday: same as Monday
        ("2026-11-30", 4),
    ],
)
def test_it_ages_across_thanksgiving_2026_R_T4(calendar, as_of, expected):
    assert calendar.age(D("2026-11-23"), D(as_of)) == expected


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2026-12-24", 1),
        ("2026-12-25", 2),  # Christmas: same as Mon 12-28
        ("2026-12-28", 2),
        ("2026-12-31", 5),
        ("2027-01-01", 6),  # New Year: same as Mon 01-04
        ("2027-01-02", 6),
        ("2027-01-04", 6),
        ("2027-01-05", 7),
    ],
)
def test_it_ages_across_the_2026_2027_year_end_R_T4(calendar, as_of, expected):
    assert calendar.age(D("2026-12-23"), D(as_of)) == expected


@pytest.mark.parametrize(
    "as_of, expected",
    [
        ("2027-12-23", 3),
        ("2027-12-24", 4),  # observed Christmas: same as Mon 12-27
        ("2027-12-27", 4),
        ("2027-12-30", 7),
        ("2027-12-31", 8),  # observed New Year 2028: same as Mon 2028-01-03
        ("2028-01-03", 8),
        ("2028-01-04", 9),
    ],
)
def test_it_ages_across_the_2027_observed_christmas_and_new_year_R_T4(calendar, as_of, expected):
    assert calendar.age(D("2027-12-20"), D(as_of)) == expected


def test_it_counts_a_start_on_a_holiday_from_the_next_business_day_R_T4(calendar):
    assert calendar.age(D("2026-01-19"), D("2026-01-20")) == 0
    assert calendar.age(D("2026-01-19"), D("2026-01-21")) == 1


# -- R-T6: day N of a phase ---------------------------------------------------------------------


def test_it_finds_day_n_as_the_business_day_with_age_n_minus_1_R_T6(calendar):
    start = D("2026-02-11")  # Wednesday before Presidents' Day
    assert calendar.day_with_age(start, 0) == D("2026-02-11")  # day 1
    assert calendar.day_with_age(start, 2) == D("2026-02-13")  # day 3
    assert calendar.day_with_age(start, 3) == D("2026-02-17")  # day 4, after the holiday
    assert calendar.day_with_age(start, 4) == D("2026-02-18")  # day 5


def test_it_refuses_a_negative_age(calendar):
    with pytest.raises(CalendarError):
        calendar.day_with_age(D("2026-02-11"), -1)


# -- SPEC §3: phase start dates -----------------------------------------------------------------


def test_it_derives_licensing_wednesday_training_4_and_esp_10_days_later_for_a_monday_start(
    calendar, phases
):
    starts = phase_starts(calendar, D("2026-03-02"), phases)  # no holiday in March 2026
    assert starts == {
        "onboarding": D("2026-03-02"),
        "licensing": D("2026-03-04"),  # Wednesday
        "training": D("2026-03-10"),  # licensing 3.5 -> 4 business days
        "esp": D("2026-03-24"),  # 10 business days of training
        "production": D("2026-03-27"),  # 3 scheduled ESP days
    }


def test_it_derives_phase_starts_over_mlk_day(calendar, phases):
    starts = phase_starts(calendar, D("2026-01-05"), phases)
    assert starts == {
        "onboarding": D("2026-01-05"),
        "licensing": D("2026-01-07"),
        "training": D("2026-01-13"),
        "esp": D("2026-01-28"),  # training Jan 13-16, 20-23, 26-27 (MLK Day skipped)
        "production": D("2026-02-02"),
    }


def test_it_derives_phase_starts_over_thanksgiving(calendar, phases):
    starts = phase_starts(calendar, D("2026-11-23"), phases)
    assert starts == {
        "onboarding": D("2026-11-23"),
        "licensing": D("2026-11-25"),
        "training": D("2026-12-02"),  # licensing Wed 25, Fri 27, Mon 30, Tue 1
        "esp": D("2026-12-16"),
        "production": D("2026-12-21"),
    }


def test_it_derives_phase_starts_over_the_2026_year_end(calendar, phases):
    starts = phase_starts(calendar, D("2026-12-14"), phases)
    assert starts == {
        "onboarding": D("2026-12-14"),
        "licensing": D("2026-12-16"),
        "training": D("2026-12-22"),
        "esp": D("2027-01-07"),  # Christmas and New Year's Day skipped
        "production": D("2027-01-12"),
    }


def test_it_uses_a_given_phase_start_and_derives_the_following_ones_from_it(calendar, phases):
    starts = phase_starts(calendar, D("2026-03-02"), phases, {"licensing": D("2026-03-05")})
    assert starts["onboarding"] == D("2026-03-02")
    assert starts["licensing"] == D("2026-03-05")
    assert starts["training"] == D("2026-03-11")
    assert starts["esp"] == D("2026-03-25")


def test_it_keeps_every_given_phase_start(calendar, phases):
    given = {"licensing": D("2026-03-04"), "training": D("2026-03-12"), "esp": D("2026-03-30")}
    starts = phase_starts(calendar, D("2026-03-02"), phases, given)
    assert starts["training"] == D("2026-03-12")
    assert starts["esp"] == D("2026-03-30")
    assert starts["production"] == D("2026-04-02")


def test_it_stops_deriving_after_an_open_ended_phase(calendar):
    starts = phase_starts(
        calendar,
        D("2026-03-02"),
        (PhaseLength("esp", 3), PhaseLength("production", None), PhaseLength("after", 1)),
    )
    assert starts == {"esp": D("2026-03-02"), "production": D("2026-03-05")}
