"""Recorded manager workflows: training-environment extensions (R-E1–R-E3) and transfers to
production (R-X1–R-X2). Each step records who did it, when, and a note."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from esp.roster.models import Agent, TrainingClass

CLASS_SPIN_UP = "class_spin_up"
UPTRAINING_CLASS = "uptraining_class"


class ExtensionProcedure(models.Model):
    """The procedure chosen for a class's extension (R-E2), fixed when its first step is
    recorded."""

    training_class = models.ForeignKey(TrainingClass, on_delete=models.CASCADE)
    method = models.CharField(
        max_length=20,
        choices=[(CLASS_SPIN_UP, "Class spin-up"), (UPTRAINING_CLASS, "Uptraining class")],
    )
    started_on = models.DateField()

    class Meta:
        unique_together = [("training_class", "started_on")]
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return f"{self.training_class.code} {self.method} from {self.started_on}"


class ExtensionStep(models.Model):
    procedure = models.ForeignKey(
        ExtensionProcedure, related_name="steps", on_delete=models.CASCADE
    )
    step = models.CharField(max_length=40)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.CASCADE)
    value = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by_name = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["done_at", "pk"]

    @property
    def value_text(self) -> str:
        """The value as people read it: an extended ESP end date MM/DD/YYYY."""
        if self.step == "extend_end" and self.value:
            return date.fromisoformat(self.value).strftime("%m/%d/%Y")
        return self.value


class TransferStep(models.Model):
    """One recorded step of an agent's transfer checklist (R-X2)."""

    agent = models.ForeignKey(Agent, related_name="transfer_steps", on_delete=models.CASCADE)
    step = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, blank=True)  # verifications: passed / failed
    note = models.TextField(blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_by_name = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField()

    class Meta:
        ordering = ["done_at", "pk"]
