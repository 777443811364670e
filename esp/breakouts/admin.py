from django.contrib import admin

from .models import HelpRequest


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    """Read the visit log; changes go through the queue page (audited)."""

    list_display = ["agent", "topic", "status", "asked_at", "taken_by_name", "room", "closed_at"]
    list_filter = ["status", "topic"]
    search_fields = ["agent__employee_id", "agent__last_name", "need", "outcome"]
    raw_id_fields = ["agent", "asked_by", "taken_by", "closed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
