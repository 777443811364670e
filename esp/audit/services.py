from __future__ import annotations

from .models import AuditEntry


def audit_record(
    *, actor=None, actor_label: str = "", action: str, obj, changes: dict
) -> AuditEntry:
    """Write one audit row: who (a user or a label such as the import file), what, which."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(
            getattr(obj, "code", None)
            or getattr(obj, "employee_id", None)
            or getattr(obj, "key", None)
            or obj.pk
        ),
        changes=changes,
    )
