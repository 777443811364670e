from django.contrib import admin

from .models import Fact


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    """The history is append-only: facts are shown, never edited here."""

    list_display = ["date", "agent", "kind", "item", "value", "by", "source", "recorded_at"]
    list_filter = ["kind", "source"]
    search_fields = ["agent__employee_id", "agent__last_name", "note"]
    list_select_related = ["agent"]
    date_hierarchy = "date"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
