"""The plain values the rules work on: an agent's facts, a class's dates, a program's policy.

The selector layer (``esp.progress.selectors``) builds these from the database; tests build
them by hand. Nothing here knows about Django or the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Task statuses (R-P1) and which of them satisfy a task (R-P4).
NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
FAILED = "failed"
NOT_APPLICABLE = "not_applicable"
TASK_STATUSES = (NOT_STARTED, IN_PROGRESS, DONE, FAILED, NOT_APPLICABLE)
SATISFYING = frozenset({DONE, NOT_APPLICABLE})

# How a task is completed besides being marked done (SPEC §3 "done when").
COMPLETION_MARKED = "marked"  # marked done (directly, or by an accepted proof)
COMPLETION_COURSES = "courses"  # every TBT course of the program done
COMPLETION_CALLS = "calls"  # call certification passed (R-C4)
COMPLETION_EQUIPMENT = "equipment"  # equipment status "verified" (R-P4)
COMPLETIONS = (COMPLETION_MARKED, COMPLETION_COURSES, COMPLETION_CALLS, COMPLETION_EQUIPMENT)

ACTIVE = "active"


@dataclass(frozen=True, order=True)
class Fact:
    """One row of the activity format (SPEC §15); `seq` is its entry order."""

    date: date
    seq: int
    kind: str
    item: str = ""
    value: str = ""


@dataclass(frozen=True)
class ClassDates:
    code: str
    phase_starts: Mapping[str, date]


@dataclass(frozen=True)
class AgentRecord:
    employee_id: str
    first_name: str
    last_name: str
    home_class: ClassDates
    facts: tuple[Fact, ...] = ()  # sorted by (date, seq)
    # Classes joined by a `move` fact, resolved by the selector: code -> dates.
    move_classes: Mapping[str, ClassDates] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class TaskRule:
    key: str
    phase: str
    completion: str = COMPLETION_MARKED


@dataclass(frozen=True)
class Section:
    """A section of the incompletion report (R-I1): a task group and its threshold."""

    key: str
    tasks: tuple[str, ...]
    threshold_days: int | None


@dataclass(frozen=True)
class TimeframeLadder:
    """R-L1/R-L2: a ladder whose first step falls due `timeframe_days` after the phase start."""

    key: str
    phase: str
    tasks: tuple[str, ...]
    timeframe_days: int
    steps: tuple[str, ...] = ("coaching", "written_cap", "final_cap", "termination_review")


@dataclass(frozen=True)
class AttendanceLevel:
    """R-A5: the step owed from `points` in the rolling window, or from `ncns` NCNS in it."""

    step: str
    points: Decimal
    ncns: int | None = None


# R-A4: points per occurrence kind; R-A5: the levels of the attendance ladder (SPEC defaults).
DEFAULT_OCCURRENCE_POINTS: tuple[tuple[str, Decimal], ...] = (
    ("tardy", Decimal("0.5")),
    ("left_early", Decimal("0.5")),
    ("absent", Decimal("1")),
    ("absent_approved", Decimal("0")),
    ("ncns", Decimal("2")),
    ("mia", Decimal("0.5")),
)
DEFAULT_ATTENDANCE_LEVELS: tuple[AttendanceLevel, ...] = (
    AttendanceLevel("coaching", Decimal("1")),
    AttendanceLevel("written_cap", Decimal("4"), 1),
    AttendanceLevel("final_cap", Decimal("5"), 2),
    AttendanceLevel("termination_review", Decimal("6"), 3),
)


@dataclass(frozen=True)
class Policy:
    """The parts of a program's policy the rules read (SPEC: every *configurable* value)."""

    tasks: tuple[TaskRule, ...]
    sections: tuple[Section, ...]
    ladders: tuple[TimeframeLadder, ...] = ()
    exams_ladder: str = "exams"
    exam_steps: tuple[str, ...] = ("coaching", "written_cap", "final_cap")
    exam_attempts: int = 3  # R-N4a: the fails allowed; the last raises "cannot sell"
    tbt_courses: tuple[str, ...] = ()
    n_number_escalation_days: int = 10  # R-B5
    calls_per_agent: int = 5
    call_pass_mark: int = 85
    program_pass_rate: int = 80
    environment_days: int = 5
    spin_up_min_agents: int = 5
    transfer_task: str = "transfer"
    transfer_section: str = "transfer_needed"
    call_task: str = "call_cert"
    esp_phase: str = "esp"
    # Attendance (R-A2, R-A4, R-A5). No levels: the program has no attendance ladder.
    attendance_ladder: str = "attendance"
    occurrence_points: tuple[tuple[str, Decimal], ...] = DEFAULT_OCCURRENCE_POINTS
    attendance_levels: tuple[AttendanceLevel, ...] = DEFAULT_ATTENDANCE_LEVELS
    attendance_window_days: int = 90
    occurrence_minimum_minutes: int = 10

    def task(self, key: str) -> TaskRule:
        for task in self.tasks:
            if task.key == key:
                return task
        raise KeyError(key)

    @property
    def task_keys(self) -> tuple[str, ...]:
        return tuple(task.key for task in self.tasks)

    @property
    def points_table(self) -> dict[str, Decimal]:
        """R-A4: occurrence kind -> points."""
        return dict(self.occurrence_points)
