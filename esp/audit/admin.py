import json

from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "changes_shown",
    ]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]

    @admin.display(description="changes (old → new)")
    def changes_shown(self, entry):
        """Issue 12 item 16: `field: old → new` for field-level changes, else the JSON."""
        changes = entry.changes
        if isinstance(changes, dict) and all(
            isinstance(v, list) and len(v) == 2 for v in changes.values()
        ):
            return "; ".join(
                f"{name}: {'—' if old is None else old} → {'—' if new is None else new}"
                for name, (old, new) in changes.items()
            )
        return json.dumps(changes, ensure_ascii=False)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
