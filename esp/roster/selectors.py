"""Reads about classes and their agents that span relations (STYLE: selectors)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from esp.access.scopes import _in_current_class

from .models import Agent, TrainingClass


def agent_counts(classes: QuerySet[TrainingClass], today: date) -> dict[str, int]:
    """How many agents each of `classes` has today, counted by their current class (R-T3: the
    latest move dated on or before today, else the roster class), in one query."""
    from esp.progress.models import Fact

    latest_move = (
        Fact.objects.filter(kind="move", date__lte=today, agent_id=OuterRef("pk"))
        .order_by("-date", "-pk")
        .values("item")[:1]
    )
    rows = (
        Agent.objects.filter(_in_current_class(classes, today))
        .annotate(current=Coalesce(Subquery(latest_move), "training_class__code"))
        .values("current")
        .annotate(agents=Count("pk"))
        .order_by()
    )
    return {row["current"]: row["agents"] for row in rows}
