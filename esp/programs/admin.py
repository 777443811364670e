from django.contrib import admin

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


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "campaign", "time_zone"]
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
admin.site.register(Campaign)
