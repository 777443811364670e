"""Personal self-report links (SPEC R-N1, R-N5): one agent's way to report without a password.

The URL carries a random token; only its SHA-256 is stored, so the table alone opens no form.
A link works until it expires or is revoked, and issuing a new one revokes the agent's earlier
links.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esp.roster.models import Agent


class SelfReportLink(models.Model):
    agent = models.ForeignKey(Agent, related_name="self_report_links", on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agent", "revoked_at"], name="selfreport_agent_revoked")]

    def __str__(self) -> str:
        return f"self-report link of {self.agent_id} until {self.expires_at:%m/%d/%Y}"

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
