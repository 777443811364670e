from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from .models import (
    AttendanceLevel,
    Campaign,
    Closure,
    DaySchedule,
    Ladder,
    LadderStep,
    OccurrenceKind,
    Phase,
    Program,
    ReportSection,
    Site,
    Task,
    TbtCourse,
)
from .selectors import program_class_count, program_key_taken
from .services import program_copy


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


class SectionInline(admin.TabularInline):
    model = ReportSection
    extra = 0
    filter_horizontal = ["tasks"]


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class OccurrenceKindInline(admin.TabularInline):
    model = OccurrenceKind
    extra = 0


class AttendanceLevelInline(admin.TabularInline):
    model = AttendanceLevel
    extra = 0


class DayScheduleInline(admin.TabularInline):
    model = DaySchedule
    extra = 0


class TbtCourseInline(admin.TabularInline):
    model = TbtCourse
    extra = 0


class ProgramCopyForm(forms.Form):
    key = forms.SlugField(max_length=40, help_text="The new program's key, e.g. esp-humana")
    name = forms.CharField(max_length=100)
    campaign = forms.ModelChoiceField(
        Campaign.objects.all(), required=False, help_text="empty: the same campaign"
    )

    def clean_key(self):
        key = self.cleaned_data["key"]
        if program_key_taken(key):
            raise ValidationError(f"A program with the key '{key}' exists already.")
        return key


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "campaign", "time_zone"]
    actions = ["copy_program"]

    @admin.action(description="Copy this program")
    def copy_program(self, request, queryset):
        """Issue 8 item 7: copy one program (e.g. for another carrier), asking for the new
        key, name and campaign on an intermediate page; classes keep their own program."""
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one program to copy.", messages.ERROR)
            return None
        program = queryset.get()
        if "apply" in request.POST:
            form = ProgramCopyForm(request.POST)
            if form.is_valid():
                copy = program_copy(
                    program,
                    key=form.cleaned_data["key"],
                    name=form.cleaned_data["name"],
                    campaign=form.cleaned_data["campaign"],
                    actor=request.user,
                )
                self.message_user(
                    request,
                    f"Copied {program.key} to {copy.key}: edit its phases, tasks, thresholds, "
                    "ladders, points and courses here. Existing classes keep their program.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:programs_program_change", args=[copy.pk]))
        else:
            form = ProgramCopyForm(
                initial={
                    "key": f"{program.key}-copy"[:40],
                    "name": f"{program.name} (copy)",
                    "campaign": program.campaign_id,
                }
            )
        return render(
            request,
            "programs/admin_copy.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Copy {program}",
                "program": program,
                "form": form,
                "opts": self.model._meta,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Issue 8 item 7: say that editing a program in use changes its classes' rules, and
        that a copy keeps the classes on the version they started with."""
        if request.method == "GET":
            count = program_class_count(object_id)
            if count:
                messages.warning(
                    request,
                    f"{count} class{'es' if count != 1 else ''} use{'' if count != 1 else 's'} "
                    "this program: saving changes applies to them too. To change the rules "
                    'for new classes only, copy the program (the "Copy this program" action) '
                    "and give the new classes the copy.",
                )
        return super().change_view(request, object_id, form_url, extra_context)

    inlines = [
        PhaseInline,
        TaskInline,
        SectionInline,
        ClosureInline,
        OccurrenceKindInline,
        AttendanceLevelInline,
        TbtCourseInline,
        DayScheduleInline,
    ]


class LadderStepInline(admin.TabularInline):
    model = LadderStep
    extra = 0


@admin.register(Ladder)
class LadderAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "program", "kind", "phase", "timeframe_days"]
    list_filter = ["program", "kind"]
    filter_horizontal = ["tasks"]
    inlines = [LadderStepInline]


admin.site.register(Site)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "department_code", "uptraining_class")
    list_editable = ("uptraining_class",)
