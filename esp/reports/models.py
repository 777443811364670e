"""What the reports app keeps: each program's outlook of the day (issue 18), built once —
by the worker after midnight and again when the facts changed, or on the first page that
needs it — and read by every page and server, so no request recomputes a season."""

from __future__ import annotations

from django.db import models

from esp.programs.models import Program


class OutlookDay(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="outlook_days")
    as_of = models.DateField()
    built_at = models.DateTimeField()
    stamp = models.CharField(max_length=500, help_text="what it was built from (a digest)")
    snapshot = models.BinaryField(help_text="the pages' outlook (esp.rules.outlook.snapshot)")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "as_of"], name="one_outlook_per_day")
        ]
