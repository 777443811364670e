"""Classes (cohorts), their phase dates and staff, and agents with the roster fields (§15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from esp.programs.models import Campaign, Phase, Program, Site
from esp.rules.records import ClassDates


class TrainingClass(models.Model):
    """A class: agents who start together, for one campaign at one or more sites."""

    code = models.CharField(max_length=40, unique=True)
    program = models.ForeignKey(Program, related_name="classes", on_delete=models.PROTECT)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT)
    sites = models.ManyToManyField(Site, related_name="classes")
    start_date = models.DateField()
    tls = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="tl_classes", blank=True)
    pms = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="pm_classes", blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "class"
        verbose_name_plural = "classes"

    def __str__(self) -> str:
        return self.code

    def dates(self) -> ClassDates:
        """The class's phase start dates as the rules read them (needs `phase_starts`)."""
        return ClassDates(self.code, {p.phase.key: p.start_date for p in self.phase_starts.all()})


class ClassPhase(models.Model):
    """The start date of one phase for one class: given in the class file, or derived (§3)."""

    training_class = models.ForeignKey(
        TrainingClass, related_name="phase_starts", on_delete=models.CASCADE
    )
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT)
    start_date = models.DateField()
    given = models.BooleanField(default=False)

    class Meta:
        ordering = ["training_class", "phase__order"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "phase"], name="one_start_per_phase")
        ]
        indexes = [  # the classes in a phase on a day (esp.access.scopes)
            models.Index(
                fields=["phase", "start_date", "training_class"], name="classphase_phase_start"
            )
        ]


class Agent(models.Model):
    EQUIPMENT_OWNERS = [("company", "company"), ("personal", "personal")]

    employee_id = models.CharField(max_length=40, unique=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    work_email = models.EmailField()
    personal_email = models.EmailField()
    training_class = models.ForeignKey(
        TrainingClass, related_name="agents", on_delete=models.PROTECT
    )
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT)
    npn = models.CharField("NPN", max_length=20, blank=True)
    n_number = models.CharField("N-Number", max_length=20, blank=True)
    tl = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="tl_agents",
        on_delete=models.SET_NULL,
    )
    pm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="pm_agents",
        on_delete=models.SET_NULL,
    )
    equipment_owner = models.CharField(max_length=10, choices=EQUIPMENT_OWNERS, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="agent",
        on_delete=models.SET_NULL,
    )
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change")
    settled_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="From this day the agent is known transferred or gone (kept from the facts)",
    )
    tasks_done = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="The tasks the agent's latest facts show done (kept from the facts)",
    )
    facts_until = models.DateField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The date of the agent's latest task or employment fact (kept from the facts)",
    )

    class Meta:
        ordering = ["training_class__code", "employee_id"]
        indexes = [
            # names_by_email: notes name their authors, who may be agents (issue 14: a scan
            # of the season's agents was 20 ms of every agent page at 20,000 agents)
            models.Index(Lower("work_email"), name="agent_work_email_lower"),
            models.Index(Lower("personal_email"), name="agent_personal_email_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.employee_id})"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CertifierAssignment(models.Model):
    """A certifier assigned to an agent's calls (R-C2); the certifier sees that agent."""

    certifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="certifier_assignments", on_delete=models.CASCADE
    )
    agent = models.ForeignKey(Agent, related_name="certifier_assignments", on_delete=models.CASCADE)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["certifier", "agent"], name="one_assignment_per_pair")
        ]


class ClassDay(models.Model):
    """A class's own schedule for one date (a half day, a closure) over the program's (R-A1)."""

    training_class = models.ForeignKey(
        TrainingClass, related_name="class_days", on_delete=models.CASCADE
    )
    date = models.DateField()
    closed = models.BooleanField(default=False, help_text="no class that day")
    start = models.TimeField(null=True, blank=True)
    end = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["training_class", "date"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "date"], name="one_override_per_day")
        ]
