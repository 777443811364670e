"""Virtual classrooms (SPEC §10): a class's rooms per phase and the calendar invitation each
agent holds for a room (R-S1–R-S3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from esp.programs.models import Phase
from esp.roster.models import Agent, TrainingClass

MAIN, CALL_CERT, SHADOWING, BREAKOUT = "main", "call_cert", "shadowing", "breakout"
KINDS = [
    (MAIN, "Main classroom"),
    (CALL_CERT, "Call certifications"),
    (SHADOWING, "Shadowing"),
    (BREAKOUT, "Breakout (help)"),
]
PROVIDERS = [("g2t", "GoTo Training"), ("meet", "Google Meet"), ("other", "Other")]
KIND_NAMES = dict(KINDS)
PROVIDER_NAMES = dict(PROVIDERS)


class Classroom(models.Model):
    """One room of a class in a phase, with its provider, link and the days it serves."""

    training_class = models.ForeignKey(
        TrainingClass, related_name="classrooms", on_delete=models.CASCADE
    )
    phase = models.ForeignKey(Phase, related_name="+", on_delete=models.PROTECT)
    kind = models.CharField(max_length=20, choices=KINDS, default=MAIN)
    name = models.CharField(max_length=120)
    provider = models.CharField(max_length=10, choices=PROVIDERS, default="g2t")
    link = models.URLField(max_length=500, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    link_valid_from = models.DateField(
        null=True, blank=True, help_text="the first day of the link's week; empty: the first day"
    )
    invites_sent_at = models.DateTimeField(null=True, blank=True)
    link_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="when an invitation first carried the link"
    )
    overflow = models.BooleanField(
        default=False,
        help_text="an ESP classroom for extended agents: they join by a move, nobody else",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change")

    class Meta:
        ordering = ["training_class", "phase__order", "first_day", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.training_class.code} {self.name}"


class Invitation(models.Model):
    """An agent's calendar invitation to a room: one UID for its whole life; every update or
    cancellation is sent with a higher SEQUENCE (RFC 5545)."""

    ACTIVE, CANCELLED = "active", "cancelled"
    classroom = models.ForeignKey(Classroom, related_name="invitations", on_delete=models.CASCADE)
    agent = models.ForeignKey(Agent, related_name="invitations", on_delete=models.CASCADE)
    uid = models.CharField(max_length=100, unique=True, default="")
    sequence = models.PositiveIntegerField(default=0)
    days = models.JSONField(default=list, help_text="ISO dates the agent is invited for")
    extensions = models.PositiveSmallIntegerField(default=0)
    from_day = models.DateField(
        null=True, blank=True, help_text="joined part-way (a move): invited from this day on"
    )
    status = models.CharField(
        max_length=10, choices=[(ACTIVE, "active"), (CANCELLED, "cancelled")], default=ACTIVE
    )
    reason = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["classroom", "agent__last_name", "agent__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "agent"], name="one_invitation_per_room")
        ]

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = f"{uuid.uuid4()}@esp-tracker"
        super().save(*args, **kwargs)
