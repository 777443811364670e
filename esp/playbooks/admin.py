from django.contrib import admin

from .models import Playbook, PlaybookStep, StepOutcome, Walkthrough


class StepInline(admin.TabularInline):
    model = PlaybookStep
    extra = 1
    ordering = ["position"]


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "escalation", "active", "position"]
    list_editable = ["active", "position"]
    inlines = [StepInline]


class OutcomeInline(admin.TabularInline):
    model = StepOutcome
    extra = 0
    readonly_fields = ["position", "instruction", "outcome", "note", "recorded_by", "recorded_at"]
    exclude = ["step"]
    can_delete = False


@admin.register(Walkthrough)
class WalkthroughAdmin(admin.ModelAdmin):
    list_display = ["agent", "playbook", "status", "started_by", "started_at", "result"]
    list_filter = ["status", "playbook"]
    readonly_fields = ["agent", "playbook", "status", "started_by", "ended_at", "result"]
    inlines = [OutcomeInline]
