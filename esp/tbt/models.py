"""TBT access and help-desk calls (R-B5).

TBT access runs through the carrier's remote desktop. `TbtAccess` records the day an agent's
access works: one row per agent, no history (the audit log keeps who recorded it). An agent
with a `n_number requested` fact and no access row `n_number_escalation_days` business days
later is on the help-desk list; `HelpDeskCall` records each call made for them.
"""

from django.conf import settings
from django.db import models

from esp.roster.models import Agent


class TbtAccess(models.Model):
    agent = models.OneToOneField(Agent, related_name="tbt_access", on_delete=models.CASCADE)
    granted_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "TBT access"
        verbose_name_plural = "TBT access"

    def __str__(self) -> str:
        return f"{self.agent_id} since {self.granted_on}"


class HelpDeskCall(models.Model):
    agent = models.ForeignKey(Agent, related_name="help_desk_calls", on_delete=models.CASCADE)
    incident_number = models.CharField(max_length=60)
    call_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "-call_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "incident_number"], name="one_call_per_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_number} on {self.call_date}"


class TbtSme(models.Model):
    """R-B4, seed 000: "Assign 1-2 Certifiers as TBT SMEs to ensure all agents are completing
    TBTs in a timely manner": a certifier (or TBT SME) assigned to one class's TBTs."""

    training_class = models.ForeignKey(
        "roster.TrainingClass", related_name="tbt_smes", on_delete=models.CASCADE
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="tbt_sme_classes", on_delete=models.CASCADE
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    assigned_at = models.DateTimeField()

    class Meta:
        verbose_name = "TBT SME of a class"
        verbose_name_plural = "TBT SMEs of classes"
        ordering = ["training_class", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "user"], name="one_sme_row_per_class")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.training_class_id}"
