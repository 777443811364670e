"""R-N4a: the proctored last attempt to arrange, database-free.

Dates: Friday 07/03/2026 is the observed Independence Day holiday (the 4th is a Saturday).
"""

from __future__ import annotations

from datetime import date

from esp.rules.exams import LastAttempt, last_attempts_to_arrange
from esp.rules.records import Fact


def exams(*rows) -> list[Fact]:
    return sorted(
        Fact(day, seq, "exam", item, value) for seq, (day, item, value) in enumerate(rows)
    )


def test_it_arranges_a_last_attempt_after_attempts_minus_one_fails():
    facts = exams((date(2026, 6, 30), "ahip", "failed"), (date(2026, 7, 2), "ahip", "failed"))
    assert last_attempts_to_arrange(facts, date(2026, 7, 2), 3) == [LastAttempt("ahip", 2)]


def test_it_counts_no_fail_dated_after_the_day_over_the_holiday_weekend():
    facts = exams((date(2026, 7, 2), "ahip", "failed"), (date(2026, 7, 6), "ahip", "failed"))
    assert last_attempts_to_arrange(facts, date(2026, 7, 4), 3) == []
    assert last_attempts_to_arrange(facts, date(2026, 7, 6), 3) == [LastAttempt("ahip", 2)]


def test_it_arranges_nothing_once_the_exam_is_passed_across_the_month_end():
    facts = exams(
        (date(2026, 7, 30), "carrier_cert", "failed"),
        (date(2026, 7, 31), "carrier_cert", "failed"),
        (date(2026, 8, 3), "carrier_cert", "passed"),
    )
    assert last_attempts_to_arrange(facts, date(2026, 7, 31), 3) == [LastAttempt("carrier_cert", 2)]
    assert last_attempts_to_arrange(facts, date(2026, 8, 3), 3) == []


def test_it_arranges_nothing_after_the_last_attempt_is_taken():
    facts = exams(*((date(2026, 7, day), "ahip", "failed") for day in (1, 2, 6)))
    assert last_attempts_to_arrange(facts, date(2026, 7, 6), 3) == []


def test_it_reads_the_number_of_attempts_from_the_policy_value_given():
    facts = exams((date(2026, 7, 1), "tbt_final", "failed"), (date(2026, 7, 1), "ahip", "failed"))
    assert last_attempts_to_arrange(facts, date(2026, 7, 1), 2) == [
        LastAttempt("ahip", 1),
        LastAttempt("tbt_final", 1),
    ]
