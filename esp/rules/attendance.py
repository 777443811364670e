"""Attendance labels of the tracker (R-A2, R-A6). Pure.

(Points, the rolling window and the attendance ladder, R-A4/R-A5, come with attendance.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FULL_DAY = "Full day of work"
MINIMUM_MINUTES = 10  # under this a tardy or early leave is recorded but is no occurrence
HOUR = 60

TIMED_LABELS = {
    "tardy": ("Tardy – Under 1 Hr", "Tardy – Over 1 Hr, Up to Half of Shift"),
    "left_early": ("Left Early – Under 1 Hr", "Left Early – Over 1 Hr, Up to Half of Shift"),
}


def occurrence_label(kind: str, minutes: int | None, labels: Mapping[str, str]) -> str | None:
    """The tracker label of one occurrence, or None when it is no occurrence (R-A2)."""
    if kind in TIMED_LABELS:
        if minutes is not None and minutes < MINIMUM_MINUTES:
            return None
        under, over = TIMED_LABELS[kind]
        return over if minutes is not None and minutes >= HOUR else under
    return labels.get(kind, kind)


def day_label(occurrences: Sequence[tuple[str, int | None]], labels: Mapping[str, str]) -> str:
    """R-A6: one label per agent and class day; "Full day of work" when nothing happened."""
    found = [
        label
        for kind, minutes in occurrences
        if (label := occurrence_label(kind, minutes, labels)) is not None
    ]
    return "; ".join(found) if found else FULL_DAY
