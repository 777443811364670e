from django.contrib import admin

from esp.lib import clock

from .models import Agent, ClassDay, ClassPhase, TrainingClass
from .services import class_people_follow


class ClassPhaseInline(admin.TabularInline):
    model = ClassPhase
    extra = 0


class ClassDayInline(admin.TabularInline):
    model = ClassDay
    extra = 0


@admin.register(TrainingClass)
class TrainingClassAdmin(admin.ModelAdmin):
    list_display = ["code", "program", "campaign", "start_date"]
    list_filter = ["program", "campaign"]
    search_fields = ["code"]
    date_hierarchy = "start_date"
    filter_horizontal = ["sites", "tls", "pms"]
    inlines = [ClassPhaseInline, ClassDayInline]

    def save_related(self, request, form, formsets, change):
        """The class's TLs and PMs are saved here: its agents follow (issue 12 item 4)."""
        super().save_related(request, form, formsets, change)
        class_people_follow(
            training_class=form.instance,
            day=clock.today(form.instance.program.time_zone),
            actor=request.user,
            actor_label="admin",
        )


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["employee_id", "first_name", "last_name", "training_class", "site", "tl"]
    list_filter = ["training_class__program", "site"]
    search_fields = ["employee_id", "first_name", "last_name", "work_email", "personal_email"]
    list_select_related = ["training_class", "site", "tl"]
    raw_id_fields = ["training_class", "tl", "pm", "user"]
    readonly_fields = ["version"]
