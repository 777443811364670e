"""Scorecard templates in the admin: browse, export to .xlsx, import a new version (R-C7)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from .models import CallScore, ItemScore, ScorecardItem, ScorecardSection, ScorecardTemplate
from .scorecard_sheets import template_to_xlsx
from .services import template_import_xlsx
from .workbooks import XLSX_TYPE


class ImportForm(forms.Form):
    file = forms.FileField(help_text="an .xlsx exported from here, edited or the carrier's")


class SectionInline(admin.TabularInline):
    model = ScorecardSection
    extra = 0


@admin.register(ScorecardTemplate)
class ScorecardTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "placeholder", "created_at"]
    inlines = [SectionInline]
    actions = ["export_xlsx"]
    change_list_template = "certification/admin_change_list.html"

    @admin.action(description="Export the selected template as .xlsx")
    def export_xlsx(self, request, queryset):
        template = queryset.order_by("-pk").first()
        response = HttpResponse(template_to_xlsx(template), content_type=XLSX_TYPE)
        name = f"scorecard_v{template.version}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="certification_scorecardtemplate_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                template = template_import_xlsx(
                    form.cleaned_data["file"].read(), actor=request.user
                )
            except ValidationError as exc:
                for problem in exc.messages:
                    form.add_error("file", problem)
            else:
                messages.success(request, f"Imported {template}.")
                return redirect("admin:certification_scorecardtemplate_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "title": "Import"}
        return render(request, "certification/admin_import.html", context)


@admin.register(ScorecardItem)
class ScorecardItemAdmin(admin.ModelAdmin):
    list_display = ["text", "section", "points", "auto_fail"]
    list_filter = ["section__template"]


class ItemScoreInline(admin.TabularInline):
    model = ItemScore
    extra = 0
    readonly_fields = ["item", "earned", "failed"]


@admin.register(CallScore)
class CallScoreAdmin(admin.ModelAdmin):
    list_display = ["agent", "call_number", "score", "template", "scored_by", "scored_at"]
    readonly_fields = [f.name for f in CallScore._meta.fields]
    inlines = [ItemScoreInline]
