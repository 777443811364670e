"""Programs as data (SPEC §3): phases, tasks, report sections, ladders, attendance policy,
closures and TBT courses. Every value marked *configurable* in the spec lives here."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models

from esp.lib.display import clock_time
from esp.lib.kept import Kept
from esp.lib.request_memo import once_kept
from esp.rules import records


def new_stamp() -> int:
    return secrets.randbits(62)


#: Policies by (program pk, policy stamp), per process.
_POLICIES = Kept()


class Site(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Campaign(models.Model):
    """A carrier program and its contact-center department (e.g. Aetna, 510)."""

    name = models.CharField(max_length=60, unique=True)
    department_code = models.CharField(max_length=10)
    uptraining_class = models.CharField(
        max_length=60,
        blank=True,
        help_text="The training environment's uptraining class for this campaign, exactly "
        "as typed in ADP (case-sensitive); empty: the campaign's name",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def uptraining_class_name(self) -> str:
        """R-E2: what to type in the "Uptraining Class" field (seed 003: "Aetna")."""
        return self.uptraining_class or self.name

    def home_department(self, site: Site | str) -> str:
        """R-X1: the site plus the campaign's contact-center department."""
        return f"{site} — {self.department_code} {self.name} Contact Center"


class Program(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.PROTECT)
    time_zone = models.CharField(max_length=60, default="America/Chicago")
    holiday_country = models.CharField(
        max_length=2, default="US", help_text="Holidays as observed, from the `holidays` package"
    )
    policy_stamp = models.BigIntegerField(
        default=new_stamp,
        editable=False,
        help_text="Changes with any of the program's settings: the key of its policy kept in memory",
    )
    call_pass_mark = models.PositiveSmallIntegerField(
        default=85, help_text="A scored call passes at this score or above (out of 100)"
    )
    calls_per_agent = models.PositiveSmallIntegerField(
        default=5, help_text="Scored certification calls each agent takes"
    )
    program_pass_rate = models.PositiveSmallIntegerField(
        default=80, help_text="Share of the calls an agent must pass to be certified (%)"
    )
    call_clock_hours = models.PositiveSmallIntegerField(
        default=4, help_text="Hours a certifier has to finish an agent once connected"
    )
    environment_days = models.PositiveSmallIntegerField(
        default=5, help_text="ESP day after which agents move to production"
    )
    spin_up_min_agents = models.PositiveSmallIntegerField(
        default=5,
        help_text="From this many agents needing an extension, a class spin-up; fewer: the uptraining class",
    )
    exam_attempts = models.PositiveSmallIntegerField(
        default=3, help_text="Attempts allowed at each exam; the last one is proctored"
    )
    proof_max_mb = models.PositiveSmallIntegerField(
        default=10, help_text="Largest proof file accepted (MB)"
    )
    attendance_window_days = models.PositiveSmallIntegerField(
        default=90, help_text="Days over which attendance points add up"
    )
    occurrence_minimum_minutes = models.PositiveSmallIntegerField(
        default=10, help_text="A tardy or early leave under this many minutes is no occurrence"
    )
    occurrence_hour_minutes = models.PositiveSmallIntegerField(
        default=60, help_text="From this many minutes: 'Over 1 Hr, Up to Half of Shift'"
    )
    occurrence_absent_minutes = models.PositiveSmallIntegerField(
        default=240, help_text="Joined this many minutes late or left this early: absent"
    )
    tbt_hours = models.PositiveSmallIntegerField(
        default=8, help_text="Hours expected from TBT access to every TBT done"
    )
    n_number_escalation_days = models.PositiveSmallIntegerField(
        default=10,
        help_text="Business days after the N-Number request before missing TBT access goes to the help desk",
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    def policy(self) -> records.Policy:
        """The program's policy as the pure rules read it (SPEC: policy is data). Built from
        its tables (9 queries) once per settings version, `policy_stamp`, and kept in the
        process (issue 14: every page reads it): a change to any settings row gives the
        program a new stamp in the same transaction (`stamp_changed`), so the next instance
        read builds it again; saving or reloading this instance forgets it."""
        if self._policy is None:
            key = (self.pk, self.policy_stamp)
            policy = _POLICIES.get(key)
            if policy is None:
                policy = self._build_policy()
                if self.pk is not None:
                    _POLICIES[key] = policy
            self._policy = policy
        return self._policy

    _policy: records.Policy | None = None

    def task_rows(self) -> tuple[Task, ...]:
        """The program's tasks in order, with their phase: read once per settings version
        where the page opted in (esp.lib.request_memo; the agent page's policy, rows, forms
        and proofs all ask), else each time."""
        return once_kept(
            ("program_tasks", self.pk, self.policy_stamp),
            lambda: tuple(self.tasks.select_related("phase").order_by("order", "pk")),
        )

    def save(self, *args, **kwargs):
        self._policy = None
        self.policy_stamp = new_stamp()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "policy_stamp"}
        super().save(*args, **kwargs)

    def refresh_from_db(self, *args, **kwargs):
        self._policy = None
        super().refresh_from_db(*args, **kwargs)

    @classmethod
    def stamp_changed(cls, program_id: int | None) -> None:
        """A settings row of `program_id` (None: unknown, every program) was written: a new
        stamp, in the writer's transaction (a random one, so a rolled-back change never
        lends its stamp to another)."""
        programs = cls.objects.all() if program_id is None else cls.objects.filter(pk=program_id)
        programs.update(policy_stamp=new_stamp())

    def _build_policy(self) -> records.Policy:
        # each table read once (9 queries; issue 14: every page builds the policy)
        ladders = list(self.ladders.select_related("phase").prefetch_related("tasks", "steps"))
        tasks = list(self.task_rows())
        exams = next((ladder for ladder in ladders if ladder.kind == Ladder.EXAMS), None)
        attendance = next((ladder for ladder in ladders if ladder.kind == Ladder.ATTENDANCE), None)
        transfer = next((task for task in tasks if task.is_transfer), None)
        return records.Policy(
            tasks=tuple(records.TaskRule(t.key, t.phase.key, t.completion) for t in tasks),
            sections=self._sections(),
            ladders=self._timeframe_ladders(ladders),
            exams_ladder=exams.key if exams else "exams",
            exam_steps=self._exam_steps(exams),
            exam_attempts=self.exam_attempts,
            tbt_courses=tuple(
                self.tbt_courses.order_by("order", "number").values_list("number", flat=True)
            ),
            n_number_escalation_days=self.n_number_escalation_days,
            calls_per_agent=self.calls_per_agent,
            call_pass_mark=self.call_pass_mark,
            program_pass_rate=self.program_pass_rate,
            environment_days=self.environment_days,
            spin_up_min_agents=self.spin_up_min_agents,
            transfer_task=transfer.key if transfer else "transfer",
            attendance_ladder=attendance.key if attendance else "attendance",
            occurrence_points=tuple(
                (kind.key, kind.points) for kind in self.occurrence_kinds.order_by("pk")
            ),
            attendance_levels=self._attendance_levels(attendance),
            attendance_window_days=self.attendance_window_days,
            occurrence_minimum_minutes=self.occurrence_minimum_minutes,
        )

    def _sections(self) -> tuple[records.Section, ...]:
        return tuple(
            records.Section(
                s.key,
                tuple(t.key for t in sorted(s.tasks.all(), key=lambda t: (t.order, t.pk))),
                s.threshold_days,
            )
            for s in self.sections.prefetch_related("tasks").order_by("order", "pk")
        )

    @staticmethod
    def _timeframe_ladders(all_ladders) -> tuple[records.TimeframeLadder, ...]:
        ladders = []
        for ladder in all_ladders:
            if ladder.kind != Ladder.TIMEFRAME:
                continue
            ladders.append(
                records.TimeframeLadder(
                    key=ladder.key,
                    phase=ladder.phase.key,
                    tasks=tuple(t.key for t in sorted(ladder.tasks.all(), key=lambda t: t.order)),
                    timeframe_days=ladder.timeframe_days or 0,
                    steps=tuple(s.key for s in sorted(ladder.steps.all(), key=lambda s: s.order)),
                )
            )
        return tuple(ladders)

    def _exam_steps(self, exams: Ladder | None) -> tuple[str, ...]:
        """R-N4a: the steps of the exams ladder, one per failed attempt allowed."""
        if exams is None:
            return ()
        steps = sorted(exams.steps.all(), key=lambda step: step.order)  # prefetched
        return tuple(step.key for step in steps)[: self.exam_attempts]

    def _attendance_levels(self, attendance: Ladder | None) -> tuple[records.AttendanceLevel, ...]:
        """R-A4/R-A5: the levels of the attendance ladder (none when the program has no
        attendance ladder)."""
        if attendance is None:
            return ()
        return tuple(
            records.AttendanceLevel(level.step, level.points, level.ncns)
            for level in self.attendance_levels.order_by("order", "pk")
        )


class Phase(models.Model):
    program = models.ForeignKey(Program, related_name="phases", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()
    length = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Scheduled business days (3.5 occupies 4); empty for an open-ended phase",
    )
    expected_days = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    max_extension_days = models.PositiveSmallIntegerField(default=0)
    timeframe_days = models.PositiveSmallIntegerField(null=True, blank=True)
    owner = models.CharField(max_length=100, blank=True)
    invite_lead_days = models.PositiveSmallIntegerField(null=True, blank=True)
    link_sent_hours_ahead = models.PositiveSmallIntegerField(null=True, blank=True)
    link_lifetime_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="phase_key_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.program.key}: {self.name}"


class Task(models.Model):
    COMPLETIONS = [
        (records.COMPLETION_MARKED, "marked done (or its proof accepted)"),
        (records.COMPLETION_COURSES, "every TBT course done"),
        (records.COMPLETION_CALLS, "call certification passed"),
        (records.COMPLETION_EQUIPMENT, "equipment verified"),
    ]
    program = models.ForeignKey(Program, related_name="tasks", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    phase = models.ForeignKey(Phase, related_name="tasks", on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField()
    completion = models.CharField(
        max_length=20, choices=COMPLETIONS, default=records.COMPLETION_MARKED
    )
    needs_proof = models.BooleanField(default=False)
    is_transfer = models.BooleanField(
        default=False, help_text="The transfer to production (every other task done first)"
    )
    done_when = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="task_key_per_program")
        ]

    def __str__(self) -> str:
        return self.name


class ReportSection(models.Model):
    """A section of the daily incompletion report (R-I1) and its threshold."""

    program = models.ForeignKey(Program, related_name="sections", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()
    threshold_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tasks = models.ManyToManyField(Task, related_name="sections")

    class Meta:
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="section_key_per_program")
        ]

    def __str__(self) -> str:
        return self.name


class Ladder(models.Model):
    TIMEFRAME, ATTENDANCE, EXAMS = "timeframe", "attendance", "exams"
    KINDS = [
        (TIMEFRAME, "timeframe"),
        (ATTENDANCE, "attendance"),
        (EXAMS, "failed exams"),
    ]
    program = models.ForeignKey(Program, related_name="ladders", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=KINDS)
    phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.PROTECT)
    timeframe_days = models.PositiveSmallIntegerField(null=True, blank=True)
    tasks = models.ManyToManyField(Task, blank=True, related_name="ladders")

    class Meta:
        ordering = ["program", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="ladder_key_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.program.key}: {self.key}"


class LadderStep(models.Model):
    ladder = models.ForeignKey(Ladder, related_name="steps", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["ladder", "order"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "key"], name="step_key_per_ladder")
        ]

    def __str__(self) -> str:
        return self.name


class OccurrenceKind(models.Model):
    """R-A2/R-A4: an attendance occurrence kind, its tracker label and points."""

    program = models.ForeignKey(Program, related_name="occurrence_kinds", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    points = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["program", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="occurrence_kind_per_program")
        ]

    def __str__(self) -> str:
        return self.label


class AttendanceLevel(models.Model):
    """R-A5: the points (or NCNS count) at which a step of the attendance ladder is owed."""

    program = models.ForeignKey(Program, related_name="attendance_levels", on_delete=models.CASCADE)
    step = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=4, decimal_places=2)
    ncns = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["program", "order"]


class Closure(models.Model):
    """A date the program closes (added to the holiday calendar) or opens (removed from it)."""

    program = models.ForeignKey(Program, related_name="closures", on_delete=models.CASCADE)
    date = models.DateField()
    is_open = models.BooleanField(default=False, help_text="Open on a holiday (remove it)")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["program", "date"]
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="one_closure_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date:%m/%d/%Y} {'open' if self.is_open else 'closed'}"


class TbtCourse(models.Model):
    program = models.ForeignKey(Program, related_name="tbt_courses", on_delete=models.CASCADE)
    number = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="course_number_per_program")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class DaySchedule(models.Model):
    """R-A1: a class day's schedule for a phase of the program (or every phase)."""

    program = models.ForeignKey(Program, related_name="day_schedules", on_delete=models.CASCADE)
    phase = models.ForeignKey(
        Phase,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="empty: every phase without its own schedule",
    )
    start = models.TimeField(default="08:00")
    end = models.TimeField(default="16:30")
    first_break = models.TimeField(default="10:00")
    lunch = models.TimeField(default="12:00")
    second_break = models.TimeField(default="14:30")
    break_minutes = models.PositiveSmallIntegerField(default=15)
    lunch_minutes = models.PositiveSmallIntegerField(default=30)

    class Meta:
        ordering = ["program", "phase__order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "phase"], name="one_schedule_per_phase")
        ]

    def __str__(self) -> str:
        return f"{self.phase or 'every phase'}: {clock_time(self.start)}–{clock_time(self.end)}"
