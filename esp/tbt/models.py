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
