"""Issue 17: a day reads 11/02/2026 and a time of day 8:05 AM (never 08:05 AM)."""

from datetime import UTC, date, datetime, time

from esp.lib.display import clock_time, day_and_time, label, us_day


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


def test_a_status_reads_as_a_status_and_a_column_title_only_where_asked():
    """Issue 17 item 2: a task's "failed" option read "Agents failed" (a column title's
    label found first); column titles are only read when asked for."""
    assert label("failed") == "Failed"
    assert label("failed", "status") == "Failed"
    assert label("failed", "column") == "Agents failed"
    assert label("carrier_cert", "exam") == "Carrier certification exam"


def test_a_proof_says_what_it_proves_in_words():
    """The walk: the proof queue read "For: Tbt:104"."""
    from esp.lib.display import proof_label

    assert proof_label("tbt:104") == "TBT 104"
    assert proof_label("carrier_cert") != "carrier_cert" and "_" not in proof_label("rts")
