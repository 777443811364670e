"""Issue 17: a day reads 11/02/2026 and a time of day 8:05 AM (never 08:05 AM)."""

from datetime import UTC, date, datetime, time

from esp.lib.display import clock_time, day_and_time, us_day


def test_days_and_times_read_as_people_write_them():
    assert us_day(date(2026, 11, 2)) == "11/02/2026"
    assert clock_time(time(8, 5)) == "8:05 AM"
    assert clock_time(time(12, 0)) == "12:00 PM"
    assert clock_time(time(0, 30)) == "12:30 AM"
    assert clock_time(time(16, 30)) == "4:30 PM"
    assert (
        day_and_time(datetime(2026, 11, 2, 9, 5, 7, tzinfo=UTC), seconds=True)
        == "11/02/2026 9:05:07 AM"
    )
