"""R-B5 help-desk escalation and R-B7 behind pace, around Thanksgiving 2026 (Thu 11/26)."""

from datetime import date

from esp.rules.tbt import escalation_date, is_behind_pace, needs_help_desk_call

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
