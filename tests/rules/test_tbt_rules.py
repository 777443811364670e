"""R-B5 help-desk escalation and R-B7 behind pace, around Thanksgiving 2026 (Thu 11/26)."""

from datetime import date

from esp.rules.tbt import (
    class_days_for,
    escalation_date,
    is_behind_pace,
    needs_help_desk_call,
    tbt_due_on,
    tbt_over_time,
)

REQUESTED = date(2026, 11, 16)  # Monday; 10 business days later, Thanksgiving skipped: 12/01


def escalated(calendar, as_of, *, granted=None, requested=REQUESTED, days=10):
    return needs_help_desk_call(
        requested_on=requested,
        access_granted_on=granted,
        escalation_days=days,
        as_of=as_of,
        calendar=calendar,
    )


def test_it_escalates_ten_business_days_after_the_request_skipping_the_holiday(calendar):
    assert escalation_date(REQUESTED, 10, calendar) == date(2026, 12, 1)
    assert not escalated(calendar, date(2026, 11, 30))
    assert escalated(calendar, date(2026, 12, 1))
    assert escalated(calendar, date(2026, 12, 7))


def test_it_counts_the_friday_after_thanksgiving_but_not_the_holiday(calendar):
    # requested Wed 11/25: Fri 11/27 is day 1, so day 10 is Thu 12/10.
    assert escalation_date(date(2026, 11, 25), 10, calendar) == date(2026, 12, 10)
    assert not escalated(calendar, date(2026, 12, 9), requested=date(2026, 11, 25))


def test_it_does_not_escalate_an_agent_with_access(calendar):
    assert not escalated(calendar, date(2026, 12, 2), granted=date(2026, 11, 20))
    # access granted after D does not count as of D
    assert escalated(calendar, date(2026, 12, 2), granted=date(2026, 12, 3))


def test_it_does_not_escalate_without_a_request(calendar):
    assert not escalated(calendar, date(2026, 12, 2), requested=None)
    assert not escalated(calendar, date(2026, 11, 10), requested=date(2026, 11, 12))


def test_it_reads_the_configurable_number_of_days(calendar):
    assert escalated(calendar, date(2026, 11, 18), days=2)
    assert not escalated(calendar, date(2026, 11, 17), days=2)


ESP_START = date(2026, 11, 25)  # Wednesday before Thanksgiving


def behind(calendar, as_of, *, done=False, start=ESP_START):
    return is_behind_pace(esp_start=start, tbt_done=done, as_of=as_of, calendar=calendar)


def test_it_lists_open_tbts_after_the_end_of_esp_day_2(calendar):
    assert not behind(calendar, date(2026, 11, 25))  # ESP day 1
    assert not behind(calendar, date(2026, 11, 26))  # Thanksgiving: still day 2's age
    assert not behind(calendar, date(2026, 11, 27))  # ESP day 2
    assert behind(calendar, date(2026, 11, 28))  # the weekend after day 2: it has ended
    assert behind(calendar, date(2026, 11, 30))  # ESP day 3: day 2 has ended


def test_it_never_lists_done_tbts_or_agents_not_in_esp(calendar):
    assert not behind(calendar, date(2026, 12, 7), done=True)
    assert not behind(calendar, date(2026, 12, 7), start=None)
    assert not behind(calendar, date(2026, 11, 20))


def test_it_does_not_list_for_the_help_desk_an_agent_whose_tbts_are_done(calendar):
    """Seed 000 / R-B5: TBT access runs through the carrier's remote desktop; the help-desk
    list is for agents who still lack TBT access and have TBTs open (issue 15 item 3)."""
    as_of = date(2026, 12, 2)
    assert escalated(calendar, as_of)
    assert not needs_help_desk_call(
        requested_on=REQUESTED,
        access_granted_on=None,
        escalation_days=10,
        as_of=as_of,
        calendar=calendar,
        tbts_open=False,
    )


# -- seed 000: the 8-hour TBT expectation, from TBT access to completion ---------------------


DAY_MINUTES = 450  # 8:00-4:30 less two 15-minute breaks and a 30-minute lunch (R-A1)


def over(calendar, as_of, *, access, done=None, hours=8):
    return tbt_over_time(
        access_on=access,
        done_on=done,
        hours=hours,
        day_minutes=DAY_MINUTES,
        as_of=as_of,
        calendar=calendar,
    )


def test_it_gives_eight_hours_of_tbts_two_class_days_from_the_day_access_works(calendar):
    """Seed 000: "While waiting for a Certifier, TBTs should be completed and should take no
    longer than 8 hours." 8 hours of a 7.5-hour class day are two class days; access on the
    Wednesday before Thanksgiving makes the Friday after it the second."""
    assert class_days_for(8, DAY_MINUTES) == 2
    assert class_days_for(7, DAY_MINUTES) == 1
    assert tbt_due_on(date(2026, 11, 23), 8, DAY_MINUTES, calendar) == date(2026, 11, 24)
    assert tbt_due_on(date(2026, 11, 25), 8, DAY_MINUTES, calendar) == date(2026, 11, 27)
    # access recorded on a Saturday: the clock starts on Monday
    assert tbt_due_on(date(2026, 11, 28), 8, DAY_MINUTES, calendar) == date(2026, 12, 1)


def test_it_marks_tbts_late_once_their_eight_hours_have_passed_without_completion(calendar):
    """Seed 000: the 8 hours are measured from TBT access to completion (issue 15 item 4)."""
    access = date(2026, 11, 25)
    assert not over(calendar, date(2026, 11, 24), access=access)  # no access yet
    assert not over(calendar, date(2026, 11, 27), access=access)  # the second class day
    assert over(calendar, date(2026, 11, 30), access=access)
    assert not over(calendar, date(2026, 11, 30), access=access, done=date(2026, 11, 27))
    assert over(calendar, date(2026, 11, 30), access=access, done=date(2026, 11, 30))
    assert not over(calendar, date(2026, 11, 30), access=None)
