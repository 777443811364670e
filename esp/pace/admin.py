from django.contrib import admin

from .models import ModuleProgress, PaceModule


@admin.register(PaceModule)
class PaceModuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key",
        "phase",
        "order",
        "due_by",
        "proof",
        "satisfied_by_task",
        "task_only",
    ]
    list_editable = ["order", "due_by", "proof"]
    list_filter = ["phase__program"]
    search_fields = ["key", "name"]


@admin.register(ModuleProgress)
class ModuleProgressAdmin(admin.ModelAdmin):
    list_display = ["agent", "module", "done_on", "recorded_by", "recorded_at"]
    list_filter = ["module__phase__program", "module"]
    search_fields = ["agent__employee_id", "agent__last_name"]
    raw_id_fields = ["agent"]

    # Read only: progress is recorded on the pace grid, through the audited service.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
