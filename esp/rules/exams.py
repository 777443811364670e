"""Exam attempts (R-N4a). Pure: plain facts in, plain values out.

An exam allows the program's number of attempts (3 by default, configurable). An agent who
failed an exam attempts − 1 times and has not passed it is one fail away from the last
attempt: licensing arranges a proctored last attempt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .records import Fact


@dataclass(frozen=True)
class LastAttempt:
    """An exam to arrange a proctored last attempt for, and how many times it was failed."""

    exam: str
    fails: int


def last_attempts_to_arrange(
    exam_facts: Iterable[Fact], as_of: date, attempts: int
) -> list[LastAttempt]:
    """R-N4a: the exams (by key) failed exactly `attempts` − 1 times on or before `as_of`
    and not passed; `exam_facts` are one agent's exam facts sorted by (date, seq)."""
    fails: Counter = Counter()
    passed = set()
    for fact in exam_facts:
        if fact.date > as_of:
            break
        if fact.value == "failed":
            fails[fact.item] += 1
        else:
            passed.add(fact.item)
    return [
        LastAttempt(exam, count)
        for exam, count in sorted(fails.items())
        if count == attempts - 1 and exam not in passed
    ]


def same_day_repeats(exam_facts: Iterable) -> list:
    """Issue 15 item 13: the attempts recorded on the same day as the previous attempt of the
    same exam (a second attempt that day is worth a warning: a typo in the date, or a retake
    the carrier does not allow the same day). `exam_facts` are one agent's exam facts in
    (date, entry) order; anything with `date` and `item` will do."""
    last_day: dict[str, date] = {}
    repeats = []
    for fact in exam_facts:
        if last_day.get(fact.item) == fact.date:
            repeats.append(fact)
        last_day[fact.item] = fact.date
    return repeats


def failed_twice_on(facts: Iterable, exam: str, day: date) -> bool:
    """Issue 15 item 13, wherever a fail is recorded: `day` holds two or more fails of `exam`
    among one agent's `facts` — a failed attempt (an `exam` fact) or the exam's task set to
    failed (the agent page, the board, the API). A second one the same day is worth a second
    look: a typo in the date, the same attempt recorded twice, or a retake the carrier does
    not allow the same day."""
    return (
        sum(
            1
            for f in facts
            if f.kind in ("exam", "task")
            and f.item == exam
            and f.value == "failed"
            and f.date == day
        )
        >= 2
    )


def same_day_warning(name: str, day: date) -> str:
    """The words of that warning, the same on every form, page and API answer."""
    return (
        f"{name} already had an attempt at this exam on {day:%m/%d/%Y}: this is a second "
        "attempt on the same day. Check that the date is right."
    )
