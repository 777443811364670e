"""The class board's cells (SPEC §9): the chip a task shows for an agent as of a day.

Pure: takes an agent's `AgentProgress`, one task rule and the context (policy, calendar, as-of);
no ORM, no clock. The pages only turn the chip's status into a label and a colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .progress import AgentProgress, latest
from .records import (
    COMPLETION_CALLS,
    COMPLETION_EQUIPMENT,
    DONE,
    FAILED,
    IN_PROGRESS,
    NOT_APPLICABLE,
    SATISFYING,
    Fact,
    TaskRule,
)
from .reports import Context

NOT_STARTED = "not_started"  # the task's phase has begun, nothing recorded yet
NOT_YET = "not_yet"  # the task's phase has not begun
CHIP_STATUSES = (DONE, NOT_APPLICABLE, IN_PROGRESS, FAILED, NOT_STARTED, NOT_YET)
#: R-P3: the employment statuses that end an agent's training.
ENDED = ("termed", "resigned", "withdrawn")


def in_flight(facts, day: date, *, transfer_task: str = "transfer") -> bool:
    """R-P3: whether the agent is in flight on `day`, from their facts (sorted by date, then
    entry): the latest employment change dated on or before it did not end their employment,
    and the latest status of the transfer task then is not done (nor N/A). What
    `agents_in_scope(..., in_flight=True)` keeps in SQL, for one agent whose facts are read."""
    employment = latest([f for f in facts if f.kind == "status" and f.item == "employment"], day)
    transfer = latest([f for f in facts if f.kind == "task" and f.item == transfer_task], day)
    return not (employment is not None and employment.value in ENDED) and not (
        transfer is not None and transfer.value in SATISFYING
    )


@dataclass(frozen=True)
class Chip:
    """What a board cell shows: its status (one of CHIP_STATUSES), the task's age in business
    days while it is open and its phase has begun, the id (`seq`) of the latest status set
    directly (the page's "based on", None for none) and a detail (calls passed, equipment)."""

    status: str
    age: int | None
    based_on: int | None
    detail: str = ""


def direct_status(progress: AgentProgress, task: str, as_of: date) -> Fact | None:
    """R-P4: the latest status fact of `task` set directly, on or before `as_of`."""
    return latest([f for f in progress.facts("task") if f.item == task], as_of)


def _detail(progress: AgentProgress, task: TaskRule, as_of) -> str:
    if task.completion == COMPLETION_CALLS:
        result = progress.call_cert(as_of)
        if not result.calls_scored:
            return ""
        detail = f"{result.calls_passed}/{result.calls_scored} calls passed"
        if result.pass_rate is not None:
            detail += f", {result.pass_rate}%"
        return detail
    if task.completion == COMPLETION_EQUIPMENT:
        equipment = latest(progress.facts("equipment"), as_of)
        if equipment is None:
            return ""
        detail = equipment.item.replace("_", " ")
        return detail + f" ({equipment.value})" if equipment.value else detail
    return ""


def _status(
    progress: AgentProgress, task: TaskRule, as_of, direct: Fact | None, detail: str
) -> str:
    start = progress.task_start(task, as_of)
    if progress.is_done(task.key, as_of):
        return NOT_APPLICABLE if direct and direct.value == NOT_APPLICABLE else DONE
    if direct and direct.value in (IN_PROGRESS, FAILED):
        return direct.value
    if task.completion == COMPLETION_CALLS and progress.call_cert(as_of).result == "failed":
        return FAILED
    if start is None or start > as_of:
        return NOT_YET
    return IN_PROGRESS if detail else NOT_STARTED


def task_chip(progress: AgentProgress, task: TaskRule, ctx: Context) -> Chip:
    """The chip of `task` for the agent as of `ctx.as_of` (R-P4, R-T4). Its age counts from
    `AgentProgress.task_start`: the transfer's from ESP complete, as "transfer needed" does."""
    as_of = ctx.as_of
    direct = direct_status(progress, task.key, as_of)
    detail = _detail(progress, task, as_of)
    status = _status(progress, task, as_of, direct, detail)
    start = progress.task_start(task, as_of)
    age = None
    if status not in (DONE, NOT_APPLICABLE) and start is not None and start <= as_of:
        age = ctx.calendar.age(start, as_of)
    return Chip(status, age, direct.seq if direct else None, detail)
