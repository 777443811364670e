"""The ESP Manager marks mentors (with a capacity) and certifiers' availability here."""

from django.contrib import admin

from .models import CertifierAvailability, CertifierConnection, Mentor, ShadowingPairing


@admin.register(Mentor)
class MentorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "capacity", "active"]
    raw_id_fields = ["user", "agent"]


@admin.register(ShadowingPairing)
class ShadowingPairingAdmin(admin.ModelAdmin):
    list_display = ["agent", "mentor", "room", "paired_on", "ended_on"]
    raw_id_fields = ["agent", "mentor"]

    def has_add_permission(self, request):  # pairing goes through the service (capacity)
        return False


@admin.register(CertifierAvailability)
class CertifierAvailabilityAdmin(admin.ModelAdmin):
    list_display = ["certifier", "date", "available", "hours"]
    list_filter = ["date", "available"]


@admin.register(CertifierConnection)
class CertifierConnectionAdmin(admin.ModelAdmin):
    list_display = ["agent", "certifier", "connected_at", "closed_at"]

    def has_add_permission(self, request):  # connections are made on the queue page
        return False
