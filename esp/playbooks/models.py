"""Troubleshooting playbooks (R-Q2): ordered steps an ESP Manager edits in the admin, and the
walk-throughs a TL runs with an agent, each step's outcome logged with who and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esp.roster.models import Agent


class Playbook(models.Model):
    EQUIPMENT, CARRIER = "equipment", "carrier"
    ESCALATIONS = [(EQUIPMENT, "an equipment issue (IT ticket)"), (CARRIER, "a carrier ticket")]

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    escalation = models.CharField(
        max_length=10,
        choices=ESCALATIONS,
        default=EQUIPMENT,
        help_text="What a 'didn't help' at the last step opens.",
    )
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PlaybookStep(models.Model):
    playbook = models.ForeignKey(Playbook, related_name="steps", on_delete=models.CASCADE)
    position = models.PositiveIntegerField()
    instruction = models.TextField()

    class Meta:
        ordering = ["playbook", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.playbook.key} #{self.position}"


class Walkthrough(models.Model):
    OPEN, SOLVED, UNRESOLVED = "open", "solved", "unresolved"
    STATUSES = [(OPEN, "in progress"), (SOLVED, "solved"), (UNRESOLVED, "unresolved")]

    agent = models.ForeignKey(Agent, related_name="walkthroughs", on_delete=models.CASCADE)
    playbook = models.ForeignKey(Playbook, related_name="walkthroughs", on_delete=models.PROTECT)
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=200, blank=True)  # e.g. "equipment issue, IT ticket 1"

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.playbook.name} for {self.agent} ({self.status})"


class StepOutcome(models.Model):
    SOLVED, NOT_HELPED = "solved", "not_helped"
    OUTCOMES = [(SOLVED, "solved"), (NOT_HELPED, "didn't help")]

    walkthrough = models.ForeignKey(Walkthrough, related_name="outcomes", on_delete=models.CASCADE)
    step = models.ForeignKey(PlaybookStep, null=True, on_delete=models.SET_NULL)
    position = models.PositiveIntegerField()
    instruction = models.TextField()  # as shown then (the playbook may change later)
    outcome = models.CharField(max_length=12, choices=OUTCOMES)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["walkthrough", "position", "pk"]
