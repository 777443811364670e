"""Recording facts one at a time (forms, API, services of later features)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from esp.roster.models import Agent, TrainingClass

from .activity import NOTIFYING_KINDS, Vocabulary, check_fact, notify_changed_agents
from .models import Fact, content_hash


@transaction.atomic
def fact_record(
    *,
    agent: Agent,
    day: date,
    kind: str,
    item: str = "",
    value: str = "",
    by: str = "",
    note: str = "",
    actor=None,
    source: str = "form",
) -> Fact:
    """Validate and append one fact; its identity is its content and its position."""
    program = agent.training_class.program
    class_codes = (
        set(TrainingClass.objects.values_list("code", flat=True)) if kind == "move" else ()
    )
    problems = check_fact(kind, item, value, note, Vocabulary.of(program), class_codes)
    if problems:
        raise ValidationError({column: reason for column, reason in problems})
    identity = content_hash(day.isoformat(), agent.employee_id, kind, item, value, by, note)
    occurrence = Fact.objects.filter(content_hash=identity).count()
    fact = Fact.objects.create(
        agent=agent,
        date=day,
        kind=kind,
        item=item,
        value=value,
        by=by,
        note=note,
        source=source,
        recorded_by=actor,
        content_hash=identity,
        occurrence=occurrence,
    )
    Agent.objects.filter(pk=agent.pk).update(version=agent.version + 1)
    if kind in NOTIFYING_KINDS:
        transaction.on_commit(lambda: notify_changed_agents({agent.pk}))
    return fact
