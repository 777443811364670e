"""The breakout help queue (R-S4): an agent asks for help, a leader takes them into a
breakout room, and the visit is logged with its topic and outcome.

A request is waiting, then in a room, then done; the asker may cancel it while it waits.
An agent has at most one open (waiting or in-room) request at a time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from esp.roster.models import Agent


class HelpRequest(models.Model):
    TBT_RETAKE = "tbt_retake"
    EQUIPMENT = "equipment"
    CARRIER_SITE = "carrier_site"
    OTHER = "other"
    TOPICS = [
        (TBT_RETAKE, "TBT retake"),
        (EQUIPMENT, "Equipment"),
        (CARRIER_SITE, "AHIP/carrier site"),
        (OTHER, "Other"),
    ]

    WAITING = "waiting"
    IN_ROOM = "in_room"
    DONE = "done"
    CANCELLED = "cancelled"
    STATUSES = [
        (WAITING, "Waiting"),
        (IN_ROOM, "In a breakout room"),
        (DONE, "Done"),
        (CANCELLED, "Cancelled"),
    ]
    OPEN = (WAITING, IN_ROOM)

    agent = models.ForeignKey(Agent, related_name="help_requests", on_delete=models.CASCADE)
    topic = models.CharField(max_length=20, choices=TOPICS)
    need = models.CharField("What they need", max_length=300)
    status = models.CharField(max_length=10, choices=STATUSES, default=WAITING)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    asked_by_name = models.CharField(max_length=200, blank=True)
    asked_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    taken_by_name = models.CharField(max_length=200, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    room = models.CharField(max_length=100, blank=True, help_text='e.g. "Breakout 2"')
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    closed_by_name = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True, help_text="What was done (the log)")

    class Meta:
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent"],
                condition=Q(status__in=["waiting", "in_room"]),
                name="one_open_help_request_per_agent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent} — {self.get_topic_display()} ({self.get_status_display()})"
