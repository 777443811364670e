"""The attendance app's one table: the column mappings of meeting reports in layouts the app
does not know, remembered per program and layout (issue 16 item 7)."""

from __future__ import annotations

from django.db import models

from esp.programs.models import Program


class MeetingColumns(models.Model):
    """How to read a meeting report layout: field -> the report's column name. The layout is
    known by its column names (``mapping.layout_key``)."""

    program = models.ForeignKey(Program, related_name="meeting_columns", on_delete=models.CASCADE)
    layout_key = models.CharField(max_length=40)
    header = models.TextField(help_text="the layout's column names, as the report writes them")
    columns = models.JSONField(help_text="field -> column name")
    saved_at = models.DateTimeField()
    saved_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["program", "-saved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "layout_key"], name="one_mapping_per_program_layout"
            )
        ]
        verbose_name_plural = "meeting columns"

    def __str__(self) -> str:
        return f"{self.program}: {self.header[:60]}"
