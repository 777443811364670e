from django.contrib import admin

from .models import ExtensionProcedure, ExtensionStep, TransferStep


class ExtensionStepInline(admin.TabularInline):
    model = ExtensionStep
    extra = 0


@admin.register(ExtensionProcedure)
class ExtensionProcedureAdmin(admin.ModelAdmin):
    list_display = ("training_class", "method", "started_on")
    inlines = [ExtensionStepInline]


@admin.register(TransferStep)
class TransferStepAdmin(admin.ModelAdmin):
    list_display = ("agent", "step", "outcome", "done_by_name", "done_at")
    list_filter = ("step", "outcome")
