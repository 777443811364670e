from django.contrib import admin, messages

from esp.lib import clock

from .models import (
    DeliveryAttempt,
    DistributionList,
    ListMember,
    OutboxAttachment,
    OutboxMessage,
    Schedule,
)
from .services import outbox


class ListMemberInline(admin.TabularInline):
    model = ListMember
    extra = 1


@admin.register(DistributionList)
class DistributionListAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "addresses_shown"]
    inlines = [ListMemberInline]

    @admin.display(description="addresses")
    def addresses_shown(self, obj):
        return ", ".join(obj.addresses) or "(empty)"


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "report",
        "program",
        "audience",
        "distribution_list",
        "send_time",
        "active_from",
        "is_active",
    ]
    list_filter = ["program", "is_active"]


class AttachmentInline(admin.TabularInline):
    model = OutboxAttachment
    fields = ["filename", "content_type"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["at", "worker", "outcome", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["key", "status", "late", "business_day", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "late", "report"]
    search_fields = ["key", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    inlines = [AttachmentInline, AttemptInline]
    actions = ["send_again", "confirm_sent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again (uncertain or failed messages)")
    def send_again(self, request, queryset):
        rows = queryset.filter(status__in=[OutboxMessage.UNCERTAIN, OutboxMessage.FAILED])
        for row in rows:
            outbox.resend(row, user=request.user, now=clock.now())
        self.message_user(request, f"{len(rows)} message(s) will be sent again.", messages.SUCCESS)

    @admin.action(description="Confirm they arrived (uncertain messages)")
    def confirm_sent(self, request, queryset):
        rows = queryset.filter(status=OutboxMessage.UNCERTAIN)
        for row in rows:
            outbox.mark_sent(row, user=request.user, now=clock.now())
        self.message_user(request, f"{len(rows)} message(s) marked as sent.", messages.SUCCESS)
