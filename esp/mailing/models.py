"""Distribution lists, report schedules and the outbox (SPEC R-N2, R-N3, §17 "no lost work").

Every e-mail — a scheduled report or an immediate notification — is first a row of the
outbox with a unique key; a message is claimed by one worker with a conditional update
before it is sent, so two workers never send it twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esp.lib.display import clock_time
from esp.programs.models import Program


class DistributionList(models.Model):
    KEYS = [
        ("esp_managers", "ESP Managers"),
        ("ops_leadership", "Ops leadership"),
        ("ops_management", "Ops management"),
        ("carrier_leadership", "Carrier leadership"),
        ("wfm", "WFM"),
        ("licensing", "Licensing"),
    ]
    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    @property
    def addresses(self) -> list[str]:
        return [m.email for m in self.members.all()]


class ListMember(models.Model):
    distribution_list = models.ForeignKey(
        DistributionList, related_name="members", on_delete=models.CASCADE
    )
    email = models.EmailField()

    class Meta:
        ordering = ["distribution_list", "email"]
        constraints = [
            models.UniqueConstraint(fields=["distribution_list", "email"], name="one_member_once")
        ]

    def __str__(self) -> str:
        return self.email


class Schedule(models.Model):
    """A report sent every business day at a time of the program's time zone (R-N2)."""

    LIST, TLS = "list", "tls"
    AUDIENCES = [(LIST, "a distribution list"), (TLS, "each TL, their own classes")]

    program = models.ForeignKey(Program, related_name="schedules", on_delete=models.CASCADE)
    report = models.SlugField(
        max_length=60, help_text="which mailed report (see reports/mailed.py)"
    )
    audience = models.CharField(max_length=10, choices=AUDIENCES, default=LIST)
    distribution_list = models.ForeignKey(
        DistributionList, null=True, blank=True, on_delete=models.PROTECT
    )
    send_time = models.TimeField(help_text="in the program's time zone")
    active_from = models.DateField(help_text="no report is sent for business days before it")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["program", "send_time", "report"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "report", "distribution_list"], name="one_schedule_per_list"
            )
        ]

    def __str__(self) -> str:
        to = self.distribution_list or "each TL"
        return f"{self.report} to {to} at {clock_time(self.send_time)}"


class OutboxMessage(models.Model):
    PENDING, SENDING, SENT, FAILED, UNCERTAIN, NO_RECIPIENTS, EMPTY, WITHDRAWN = (
        "pending",
        "sending",
        "sent",
        "failed",
        "uncertain",
        "no_recipients",
        "empty",
        "withdrawn",
    )
    STATUSES = [
        (PENDING, "pending"),
        (SENDING, "sending"),
        (SENT, "sent"),
        (FAILED, "failed after the last try"),
        (UNCERTAIN, "uncertain: the worker stopped while sending"),
        (NO_RECIPIENTS, "not sent: no recipients"),
        (EMPTY, "not sent: nothing to report"),
        (WITHDRAWN, "not sent: withdrawn, no longer true"),
    ]
    key = models.CharField(max_length=255, unique=True, help_text="report|list|business day")
    report = models.SlugField(max_length=60)
    list_key = models.CharField(max_length=200)
    business_day = models.DateField(null=True, blank=True)
    schedule = models.ForeignKey(Schedule, null=True, blank=True, on_delete=models.SET_NULL)
    late = models.BooleanField(default=False, help_text="planned after its send time")
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=255)
    text = models.TextField()
    html = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="who decided what to do with an uncertain or failed send",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return self.key


class OutboxAttachment(models.Model):
    message = models.ForeignKey(OutboxMessage, related_name="attachments", on_delete=models.CASCADE)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.filename


class DeliveryAttempt(models.Model):
    message = models.ForeignKey(
        OutboxMessage, related_name="delivery_attempts", on_delete=models.CASCADE
    )
    at = models.DateTimeField()
    worker = models.CharField(max_length=100)
    outcome = models.CharField(max_length=20)  # sent, error, uncertain
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["message", "at", "pk"]
