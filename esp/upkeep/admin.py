from django.contrib import admin

from .models import GapReport


@admin.register(GapReport)
class GapReportAdmin(admin.ModelAdmin):
    list_display = ("day", "person", "gaps", "sent_by", "sent_at")
    list_filter = ("day",)
    readonly_fields = (
        "person",
        "day",
        "recipients",
        "gaps",
        "note",
        "message",
        "sent_by",
        "sent_at",
    )
