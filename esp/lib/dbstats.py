"""Planner statistics after bulk writes."""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics(*models) -> None:
    """After a large import, PostgreSQL's planner must learn the new table sizes at once
    (autovacuum would, minutes later); until then it plans for the old ones (e.g. sorts a
    season's 200,000 facts in memory sized for 20,000, spilling to disk). SQLite's planner
    works without statistics here: nothing to do."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
