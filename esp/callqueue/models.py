"""Readiness mentors and the certifier queue (R-C1, R-C2).

Readiness itself (equipment verified, day 1 and shadowing done) is recorded as facts on the
agent (esp.progress); here live the people around it: mentors and their shadowing pairings,
certifiers' daily availability and the connections the Cert Coordinator makes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from esp.roster.models import Agent


class Mentor(models.Model):
    """A trusted agent (or staff user) the ESP Manager marks as mentor, with a capacity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="mentor",
        on_delete=models.CASCADE,
    )
    agent = models.OneToOneField(
        Agent, null=True, blank=True, related_name="mentor", on_delete=models.CASCADE
    )
    capacity = models.PositiveSmallIntegerField(
        default=2, help_text="How many agents this mentor takes at once"
    )
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, agent__isnull=True)
                | Q(user__isnull=True, agent__isnull=False),
                name="mentor_is_a_user_or_an_agent",
            )
        ]

    def __str__(self) -> str:
        if self.agent_id:
            return self.agent.name
        return self.user.get_full_name() or self.user.email


class ShadowingPairing(models.Model):
    """A mentor and an agent shadowing them in a shadowing room; open until ended."""

    mentor = models.ForeignKey(Mentor, related_name="pairings", on_delete=models.CASCADE)
    agent = models.ForeignKey(Agent, related_name="shadowing_pairings", on_delete=models.CASCADE)
    room = models.CharField(max_length=300, help_text="The shadowing room (link or name)")
    paired_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-paired_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(ended_on__isnull=True),
                name="one_open_shadowing_per_agent",
            )
        ]


class CertifierAvailability(models.Model):
    """Whether a certifier works the queue on a date, and for how many hours."""

    certifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="certifier_availability", on_delete=models.CASCADE
    )
    date = models.DateField()
    available = models.BooleanField(default=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["date", "certifier"]
        verbose_name_plural = "certifier availability"
        constraints = [
            models.UniqueConstraint(fields=["certifier", "date"], name="one_availability_per_day")
        ]


class CertifierConnection(models.Model):
    """The Cert Coordinator connects a certifier with a ready agent: the 4-hour clock starts
    at `connected_at` (R-C2). Open until `closed_at`."""

    certifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="certifier_connections", on_delete=models.CASCADE
    )
    agent = models.ForeignKey(Agent, related_name="certifier_connections", on_delete=models.CASCADE)
    connected_at = models.DateTimeField()
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-connected_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certifier"],
                condition=Q(closed_at__isnull=True),
                name="one_open_connection_per_certifier",
            ),
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(closed_at__isnull=True),
                name="one_open_connection_per_agent",
            ),
        ]
