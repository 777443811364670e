from django.contrib import admin

from .models import HelpDeskCall, TbtAccess


@admin.register(TbtAccess)
class TbtAccessAdmin(admin.ModelAdmin):
    list_display = ["agent", "granted_on", "recorded_by"]
    search_fields = ["agent__employee_id", "agent__last_name"]
    raw_id_fields = ["agent"]


@admin.register(HelpDeskCall)
class HelpDeskCallAdmin(admin.ModelAdmin):
    list_display = ["agent", "incident_number", "call_date", "recorded_by"]
    search_fields = ["agent__employee_id", "incident_number"]
    raw_id_fields = ["agent"]
