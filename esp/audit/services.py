from __future__ import annotations

import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .models import AuditEntry

# What the history shows instead of a password hash (issue 12 item 16): that it changed.
HIDDEN = "(hidden)"
HIDDEN_FIELDS = {"password"}
# Bookkeeping, not a change anyone made: a program's policy stamp (issue 14).
UNSHOWN_FIELDS = {"policy_stamp"}


def audit_record(
    *,
    actor=None,
    actor_label: str = "",
    action: str,
    obj,
    changes: dict,
    object_id: str | None = None,
) -> AuditEntry:
    """Write one audit row: who (a user or a label such as the import file), what, which.
    `object_id` names the object when it no longer can itself (a deleted row has no pk)."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        object_type=obj._meta.model_name,
        object_id=object_id or audit_object_id(obj),
        changes=changes,
    )


def audit_object_id(obj) -> str:
    """How the history names an object: its code, employee id, key or user name, else its
    id (a role, i.e. a group, by its name)."""
    named = (
        getattr(obj, "code", None)
        or getattr(obj, "employee_id", None)
        or getattr(obj, "key", None)
        or getattr(obj, "username", None)
    )
    if not named and obj._meta.label == "auth.Group":
        named = obj.name
    return str(named or obj.pk)[:60]


def _shown(value):
    """A field value as the history keeps it: JSON (dates ISO 8601, decimals as text; a
    moment in UTC to the second, so a form's local, second-precision copy of an unchanged
    moment is no change)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(microsecond=0)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_snapshot(obj) -> dict:
    """Every stored field of `obj` and its many-to-many sets, as the history shows them:
    related rows by their names (sorted for sets), a password as "(hidden)"."""
    state = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.AutoField | models.BinaryField):
            continue
        if field.name in UNSHOWN_FIELDS:
            continue
        if field.name in HIDDEN_FIELDS:
            state[field.name] = HIDDEN if field.value_from_object(obj) else ""
        elif field.is_relation:
            related = getattr(obj, field.name) if getattr(obj, field.attname) else None
            state[field.name] = str(related) if related is not None else None
        else:
            value = field.value_from_object(obj)
            if isinstance(value, models.fields.files.FieldFile):
                value = value.name or ""
            state[field.name] = _shown(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            state[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
    return state


def audit_diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field whose value differs (a missing side is None: a
    creation or deletion, which leaves out the fields that are empty)."""
    changes = {}
    for name in [*before, *(n for n in after if n not in before)]:
        old, new = before.get(name), after.get(name)
        if (name not in before or name not in after) and (old or new) in (None, "", []):
            continue
        if old != new:
            changes[name] = [old, new]
    return changes


def audit_admin_change(
    *, actor, action: str, obj, before: dict, after: dict, object_id: str | None = None
) -> AuditEntry | None:
    """Issue 12 item 16: a change made in the admin, in the same history as the app's own
    writes — who, and each changed field's old and new value. `action` is create, update or
    delete; an update that changed nothing writes no row."""
    changes = audit_diff(before, after)
    if not changes and action == "update":
        return None
    return audit_record(
        actor=actor,
        actor_label="admin",
        action=action,
        obj=obj,
        changes=changes,
        object_id=object_id,
    )
