"""Corrective-action ladders (R-L1 to R-L4) and the per-exam ladder (R-N4a). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .calendar import BusinessCalendar
from .records import Fact, TimeframeLadder

DUE = "due"
OVERDUE = "overdue"


@dataclass(frozen=True, order=True)
class DueStep:
    ladder: str
    step: str
    due_on: date
    status: str  # "due" on its day, "overdue" after


def _status(due_on: date, as_of: date) -> str:
    return DUE if due_on == as_of else OVERDUE


def earliest_delivery(
    deliveries: Sequence[Fact], ladder: str, step: str, as_of: date
) -> date | None:
    """R-L3b: a step counts as delivered by its earliest delivery dated on or before D."""
    dates = [f.date for f in deliveries if f.value == ladder and f.item == step and f.date <= as_of]
    return min(dates) if dates else None


def timeframe_step(
    calendar: BusinessCalendar,
    ladder: TimeframeLadder,
    phase_start: date,
    deliveries: Sequence[Fact],
    as_of: date,
    *,
    tasks_done: bool,
) -> DueStep | None:
    """R-L2, R-L3, R-L3a: the one step of a timeframe ladder that shows as of D, if any.

    The first step falls due on the first day whose age is the timeframe; each next step on
    the later of the business day after the previous was delivered and the business day
    after it fell due. The first step due on or before D and not delivered on or before D
    shows; nothing shows once the ladder's tasks are all done (R-L4).
    """
    if tasks_done:
        return None
    due_on = calendar.day_with_age(calendar.on_or_after(phase_start), ladder.timeframe_days)
    for step in ladder.steps:
        if due_on > as_of:
            return None
        delivered = earliest_delivery(deliveries, ladder.key, step, as_of)
        if delivered is None:
            return DueStep(ladder.key, step, due_on, _status(due_on, as_of))
        due_on = max(calendar.next_business_day(delivered), calendar.next_business_day(due_on))
    return None


def exam_steps(
    calendar: BusinessCalendar,
    exam_facts: Sequence[Fact],
    deliveries: Sequence[Fact],
    as_of: date,
    *,
    ladder: str = "exams",
    steps: Sequence[str] = ("coaching", "written_cap", "final_cap"),
) -> list[DueStep]:
    """R-N4a: per exam, the highest step owed (due on or before D) and not delivered.

    The k-th fail of an exam makes step k due on the next business day after that fail. A
    step counts as delivered by a delivery on the `exams` ladder dated from the day of the
    fail that made it owed up to D. A later pass cancels nothing.
    """
    fails: dict[str, list[date]] = {}
    for fact in exam_facts:
        if fact.date <= as_of and fact.value == "failed":
            fails.setdefault(fact.item, []).append(fact.date)
    shown: list[DueStep] = []
    for exam in sorted(fails):
        owed: DueStep | None = None
        for step, failed_on in zip(steps, fails[exam]):
            due_on = calendar.next_business_day(failed_on)
            if due_on > as_of:
                break
            delivered = any(
                f.value == ladder and f.item == step and failed_on <= f.date <= as_of
                for f in deliveries
            )
            if not delivered:
                owed = DueStep(ladder, step, due_on, _status(due_on, as_of))
        if owed is not None:
            shown.append(owed)
    return shown
