from django.contrib import admin

from .models import Classroom, Invitation


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = (
        "training_class",
        "phase",
        "kind",
        "name",
        "first_day",
        "last_day",
        "cancelled_at",
    )
    list_filter = ("kind", "phase__key")
    readonly_fields = ("invites_sent_at", "created_at", "created_by", "version")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("agent", "classroom", "sequence", "extensions", "status", "updated_at")
    list_filter = ("status",)
    readonly_fields = ("uid", "sequence", "days", "extensions", "status", "updated_at")
