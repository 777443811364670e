"""Gap reports (R-N7): the ESP Manager reports a person's gaps of a day, once per (person,
day), by e-mail through the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esp.mailing.models import OutboxMessage


class GapReport(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="gap_reports", on_delete=models.CASCADE
    )
    day = models.DateField()
    recipients = models.JSONField(default=list)
    gaps = models.PositiveIntegerField(help_text="open items reported")
    note = models.TextField(blank=True)
    message = models.ForeignKey(
        OutboxMessage, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "day"], name="one_gap_report_per_day")
        ]

    def __str__(self) -> str:
        return f"gaps of {self.person} on {self.day:%m/%d/%Y}"


class StatusConfirmation(models.Model):
    """R-N5, issue 15 item 12: a TL confirmed in one click that an agent's statuses did not
    change on the day (the evening checklist counts them as updated)."""

    agent = models.ForeignKey(
        "roster.Agent", related_name="status_confirmations", on_delete=models.CASCADE
    )
    day = models.DateField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "agent"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "day"], name="one_status_confirmation_a_day")
        ]

    def __str__(self) -> str:
        return f"statuses of {self.agent_id} unchanged on {self.day:%m/%d/%Y}"


class TicketsConfirmation(models.Model):
    """R-N5, seed 001: the TL confirmed that the day's tickets were submitted through the five
    tracking forms."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="tickets_confirmations", on_delete=models.CASCADE
    )
    day = models.DateField()
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_tickets_confirmation_a_day")
        ]

    def __str__(self) -> str:
        return f"tickets of {self.user} submitted on {self.day:%m/%d/%Y}"
