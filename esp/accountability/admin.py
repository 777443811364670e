"""The ESP Manager edits CAP templates here (validated: an unknown placeholder is refused with
its name and line); CAP documents are shown, never edited."""

from django import forms
from django.contrib import admin

from . import services
from .documents import PLACEHOLDERS
from .models import CapDocument, CapTemplate

PLACEHOLDER_HELP = (
    "Plain text with $placeholders (write $$ for a dollar sign; a line starting with '# ' "
    "prints as a heading). The placeholders: "
    + "; ".join(f"${name}: {meaning}" for name, meaning in PLACEHOLDERS.items())
    + "."
)


class CapTemplateForm(forms.ModelForm):
    class Meta:
        model = CapTemplate
        fields = ["program", "step", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30, "cols": 100})}
        help_texts = {"text": PLACEHOLDER_HELP}


@admin.register(CapTemplate)
class CapTemplateAdmin(admin.ModelAdmin):
    form = CapTemplateForm
    list_display = ["program", "step", "version", "updated_at", "updated_by"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    audited_by_service = True  # cap_template_save audits the text and its version

    def save_model(self, request, obj, form, change):
        services.cap_template_save(template=obj, actor=request.user)


@admin.register(CapDocument)
class CapDocumentAdmin(admin.ModelAdmin):
    list_display = ["fact", "template_version", "created_at", "created_by"]
    list_select_related = ["fact__agent", "created_by"]
    search_fields = ["fact__agent__employee_id", "fact__agent__last_name"]
    exclude = ["pdf"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
