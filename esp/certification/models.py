"""QA scorecard templates (R-C7) and the item scores of certification calls (R-C3, R-C6).

A template is data: sections of weighted items (points summing to 100), auto-fail items and
definitions, versioned by name. A scored call keeps the template version it was scored with.
The call's score itself is the `call` fact (esp.progress); a `CallScore` adds what the
certifier marked item by item and the coaching, and points at that fact.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from esp.progress.models import Fact
from esp.roster.models import Agent


class ScorecardTemplate(models.Model):
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    placeholder = models.BooleanField(
        default=False, help_text="a stand-in until the carrier's own scorecard is imported"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="one_template_version")
        ]

    def __str__(self) -> str:
        mark = " (placeholder)" if self.placeholder else ""
        return f"{self.name} v{self.version}{mark}"

    def items(self):
        return ScorecardItem.objects.filter(section__template=self).select_related("section")


class ScorecardSection(models.Model):
    template = models.ForeignKey(
        ScorecardTemplate, related_name="sections", on_delete=models.CASCADE
    )
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["template", "order"]

    def __str__(self) -> str:
        return self.title


class ScorecardItem(models.Model):
    section = models.ForeignKey(ScorecardSection, related_name="items", on_delete=models.CASCADE)
    order = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    points = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    auto_fail = models.BooleanField(default=False, help_text="missing it makes the call score 0")
    definition = models.TextField(blank=True)

    class Meta:
        ordering = ["section__order", "order"]

    def __str__(self) -> str:
        return self.text


class CallScore(models.Model):
    """One scoring of one call: the `call` fact it recorded, item scores and coaching."""

    fact = models.OneToOneField(Fact, related_name="call_score", on_delete=models.CASCADE)
    agent = models.ForeignKey(Agent, related_name="call_scores", on_delete=models.CASCADE)
    call_number = models.PositiveSmallIntegerField()
    template = models.ForeignKey(ScorecardTemplate, null=True, blank=True, on_delete=models.PROTECT)
    score = models.PositiveSmallIntegerField()
    coached = models.BooleanField(default=False, help_text="call 1: coached in real time")
    notes_well = models.TextField(blank=True, help_text="what went well")
    notes_down = models.TextField(blank=True, help_text="what was marked down")
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agent", "call_number", "pk"]

    def __str__(self) -> str:
        return f"{self.agent.employee_id} call {self.call_number}: {self.score}"


class ItemScore(models.Model):
    call_score = models.ForeignKey(CallScore, related_name="item_scores", on_delete=models.CASCADE)
    item = models.ForeignKey(ScorecardItem, on_delete=models.PROTECT)
    earned = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    failed = models.BooleanField(default=False, help_text="an auto-fail item that was missed")

    class Meta:
        ordering = ["item__section__order", "item__order"]


class ScorecardUpload(models.Model):
    """The certifier's own Excel scorecard of an agent, uploaded by the Cert Coordinator (seed
    004 item 7): kept as it was sent, with the five scores read from it or entered beside it."""

    FROM_SHEET, ENTERED = "sheet", "entered"
    HOW = [(FROM_SHEET, "read from the sheet"), (ENTERED, "entered beside the file")]

    agent = models.ForeignKey(Agent, related_name="scorecard_uploads", on_delete=models.CASCADE)
    original_name = models.CharField(max_length=255)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scores = models.JSONField(default=list, help_text="the score of each call, call 1 first")
    scores_from = models.CharField(max_length=10, choices=HOW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["agent", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.agent.employee_id}: {self.original_name}"
