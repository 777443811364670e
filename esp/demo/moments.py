"""The demo's moments (issue 17 item 12): nothing the demo records is later than its "now"
or at night. `esp demo` records its season and features through the services, which stamp
the real clock; a demo started at 3 AM would show calls scored, mail sent and notes recorded
at 3 AM. `settle` moves every such stamp back to the demo's working moment (`working_now`:
within a business day's open hours, never after the real clock), and the mail of that history
counts as sent then."""

from __future__ import annotations

from datetime import datetime

from django.apps import apps
from django.db import models

from esp.demo.features import mark_past_mail_sent

#: Caches keyed by what they were built from, not moments anyone reads: left as they are.
KEPT = {("progress", "reportday"), ("reports", "outlookday"), ("sessions", "session")}


def stamped_fields():
    """(model, field name) of every moment the project's models keep."""
    for model in apps.get_models():
        if (model._meta.app_label, model._meta.model_name) in KEPT:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                yield model, field.name


def settle(working: datetime, now: datetime) -> int:
    """Every moment after `working` and not after `now` (the demo's load) becomes `working`;
    the mail due by then went out then. Returns the rows moved."""
    moved = 0
    for model, name in stamped_fields():
        moved += model.objects.filter(**{f"{name}__gt": working, f"{name}__lte": now}).update(
            **{name: working}
        )
    mark_past_mail_sent(working)
    return moved
