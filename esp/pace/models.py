"""The licensing pace table (R-I1b) and each agent's module progress.

`PaceModule` is program data: one row per module or minimum of the phase it paces (the
licensing phase in the default program), due by a number of business days into that phase
(1 = the end of day 1, 3.5 = the first half of day 4; see esp.rules.pace). A `task_only`
module (the AHIP final, the carrier certification) is done only through its task, whose proof
must be accepted (R-B2): no hand tick counts for it. `ModuleProgress`
is one row per agent and module: the day it was done, or none once the check was undone;
every change is also an audit row (who, old and new day).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from esp.programs.models import Phase
from esp.roster.models import Agent


class PaceModule(models.Model):
    phase = models.ForeignKey(Phase, related_name="pace_modules", on_delete=models.CASCADE)
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField()
    due_by = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text="Business days into the phase: 1 = end of day 1, 3.5 = first half of day 4",
    )
    proof = models.CharField(
        max_length=200, blank=True, help_text="The proof expected, e.g. a practice-quiz screenshot"
    )
    satisfied_by_task = models.SlugField(
        max_length=40,
        blank=True,
        help_text="A task key of the program: the module also counts as done once it is done",
    )
    task_only = models.BooleanField(
        "done only through its task",
        default=False,
        help_text=(
            "The module counts as done only once its task is done (its proof accepted): "
            "the grid shows it read-only and refuses a hand tick"
        ),
    )

    class Meta:
        ordering = ["phase", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "key"], name="pace_module_key_per_phase")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.task_only and not self.satisfied_by_task:
            raise ValidationError(
                {"task_only": "Name the task that completes the module (satisfied by task)."}
            )
        if (
            self.satisfied_by_task
            and self.phase_id
            and not self.phase.program.tasks.filter(key=self.satisfied_by_task).exists()
        ):
            raise ValidationError(
                {"satisfied_by_task": f"The program has no task '{self.satisfied_by_task}'."}
            )


class ModuleProgress(models.Model):
    agent = models.ForeignKey(Agent, related_name="pace_progress", on_delete=models.CASCADE)
    module = models.ForeignKey(PaceModule, related_name="progress", on_delete=models.CASCADE)
    done_on = models.DateField(null=True, blank=True, help_text="Empty: the check was undone")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "module progress"
        constraints = [
            models.UniqueConstraint(fields=["agent", "module"], name="one_progress_per_module")
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.module_id}: {self.done_on or 'not done'}"


class ProctoredArrangement(models.Model):
    """A proctored last attempt Licensing arranged (R-N4a; issue 15 item 13): the exam, how
    many fails it follows (the last attempt after attempts − 1 fails) and the day it is
    arranged for. While it stands, the attempt leaves the "to arrange" list."""

    agent = models.ForeignKey(
        Agent, related_name="proctored_arrangements", on_delete=models.CASCADE
    )
    exam = models.CharField(max_length=60, help_text="ahip, carrier_cert or tbt:<course>")
    fails = models.PositiveSmallIntegerField(help_text="The fails the last attempt follows")
    arranged_for = models.DateField()
    arranged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    arranged_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["arranged_for", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "exam", "fails"], name="one_proctored_arrangement_per_attempt"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent} {self.exam}: arranged for {self.arranged_for:%m/%d/%Y}"
