"""An agent's progress as of a date (R-T3, R-T5, R-P1 to R-P4, R-C4). Pure.

:class:`AgentProgress` indexes one agent's facts once and answers, for any as-of date D, the
questions every report asks: is the agent active, which class's dates apply, is a task
done, since when is the agent ESP complete.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .callcert import CallCertResult, call_cert_result
from .records import (
    ACTIVE,
    COMPLETION_CALLS,
    COMPLETION_COURSES,
    COMPLETION_EQUIPMENT,
    SATISFYING,
    AgentRecord,
    ClassDates,
    Fact,
    Policy,
    TaskRule,
)

#: The kinds of facts `AgentProgress.is_done` reads: a task's own status, and what its
#: derived "done" is computed from (the calls, R-C4; the TBT courses; the equipment, R-P4).
DONE_READS = frozenset({"task", "call", "tbt", "equipment"})


def latest(facts: list[Fact], as_of: date) -> Fact | None:
    """R-P4: the latest fact dated on or before `as_of` (facts sorted by date, then seq)."""
    found = None
    for fact in facts:
        if fact.date > as_of:
            break
        found = fact
    return found


@dataclass
class AgentProgress:
    record: AgentRecord
    policy: Policy

    def __post_init__(self) -> None:
        by_kind: dict[str, list[Fact]] = defaultdict(list)
        by_task: dict[str, list[Fact]] = defaultdict(list)
        for fact in self.record.facts:
            by_kind[fact.kind].append(fact)
            if fact.kind == "task":
                by_task[fact.item].append(fact)
        self._by_kind = by_kind
        self._by_task = by_task

    def facts(self, kind: str) -> list[Fact]:
        return self._by_kind.get(kind, [])

    # -- who and where ----------------------------------------------------------------------

    def is_active(self, as_of: date) -> bool:
        """R-P3: the latest employment change on or before `as_of` wins; none means active."""
        change = latest(self.facts("status"), as_of)
        return change is None or change.value == ACTIVE

    def class_dates(self, as_of: date) -> ClassDates:
        """R-T3: the class whose phase dates apply: the latest move on or before `as_of`."""
        move = latest(self.facts("move"), as_of)
        if move is not None and move.item in self.record.move_classes:
            return self.record.move_classes[move.item]
        return self.record.home_class

    def phase_start(self, phase: str, as_of: date) -> date | None:
        return self.class_dates(as_of).phase_starts.get(phase)

    def task_start(self, task: TaskRule, as_of: date) -> date | None:
        """R-T3, R-P4: the day an open task's age counts from: its phase's start, but for the
        transfer the day the agent became ESP complete (None, not due, before). The board's
        chip and the "transfer needed" list both count from here (issue 17)."""
        if task.key == self.policy.transfer_task:
            return self.esp_complete_since(as_of)
        return self.phase_start(task.phase, as_of)

    # -- tasks ------------------------------------------------------------------------------

    def task_status(self, task: str, as_of: date) -> str | None:
        """R-P4: the latest status of `task` set directly, on or before `as_of`."""
        fact = latest(self._by_task.get(task, []), as_of)
        return fact.value if fact else None

    def calls(self, as_of: date) -> dict[int, int]:
        """The latest score of each call number on or before `as_of` (a re-score replaces)."""
        scores: dict[int, int] = {}
        for fact in self.facts("call"):
            if fact.date > as_of:
                break
            scores[int(fact.item)] = int(fact.value)
        return scores

    def call_cert(self, as_of: date) -> CallCertResult:
        """R-C4, with the call_cert task marked done directly counting as passed."""
        policy = self.policy
        return call_cert_result(
            self.calls(as_of),
            calls_per_agent=policy.calls_per_agent,
            pass_mark=policy.call_pass_mark,
            program_pass_rate=policy.program_pass_rate,
            marked_done=self.task_status(policy.call_task, as_of) in SATISFYING,
        )

    def _derived_done(self, task: TaskRule, as_of: date) -> bool:
        if task.completion == COMPLETION_EQUIPMENT:
            equipment = latest(self.facts("equipment"), as_of)
            return equipment is not None and equipment.item == "verified"
        if task.completion == COMPLETION_COURSES:
            courses = self.policy.tbt_courses
            if not courses:
                return False
            done = {f.item for f in self.facts("tbt") if f.date <= as_of and f.value == "done"}
            return all(course in done for course in courses)
        if task.completion == COMPLETION_CALLS:
            result = call_cert_result(
                self.calls(as_of),
                calls_per_agent=self.policy.calls_per_agent,
                pass_mark=self.policy.call_pass_mark,
                program_pass_rate=self.policy.program_pass_rate,
            )
            return result.result == "passed"
        return False

    def is_done(self, task_key: str, as_of: date) -> bool:
        """R-T5/R-P4: done (or not applicable) as of `as_of`, directly or by its own rule."""
        if self.task_status(task_key, as_of) in SATISFYING:
            return True
        return self._derived_done(self.policy.task(task_key), as_of)

    def done_tasks(self, as_of: date) -> frozenset[str]:
        """The program's tasks done (or not applicable) as of `as_of` (`is_done`)."""
        return frozenset(key for key in self.policy.task_keys if self.is_done(key, as_of))

    def all_done(self, tasks: tuple[str, ...], as_of: date) -> bool:
        return all(self.is_done(task, as_of) for task in tasks)

    # -- ESP complete (R-P2, R-P4) ------------------------------------------------------------

    def _complete_tasks(self) -> tuple[str, ...]:
        return tuple(k for k in self.policy.task_keys if k != self.policy.transfer_task)

    def is_esp_complete(self, as_of: date) -> bool:
        return self.all_done(self._complete_tasks(), as_of)

    def esp_complete_since(self, as_of: date) -> date | None:
        """The first day of the current unbroken run of being ESP complete, or None."""
        if not self.is_esp_complete(as_of):
            return None
        days = sorted({fact.date for fact in self.record.facts if fact.date <= as_of})
        since = None
        for day in reversed(days):
            if self.is_esp_complete(day):
                since = day
            else:
                break
        return since

    def transferred_on(self, as_of: date) -> date | None:
        """The day the transfer task became done in its current run, as of `as_of`."""
        transfer = self.policy.transfer_task
        if not self.is_done(transfer, as_of):
            return None
        days = sorted({f.date for f in self._by_task.get(transfer, []) if f.date <= as_of})
        since = None
        for day in reversed(days):
            if self.is_done(transfer, day):
                since = day
            else:
                break
        return since
