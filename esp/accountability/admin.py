"""The ESP Manager edits CAP templates here, and the Term document's wording (step "Term
document"): validated (an unknown placeholder is refused with its name and line), audited,
with a preview; CAP documents are shown, never edited."""

from django import forms
from django.contrib import admin
from django.template.defaultfilters import linebreaksbr

from . import documents, services
from .documents import PLACEHOLDERS, TERM_PLACEHOLDERS
from .models import CapDocument, CapTemplate


def _listed(placeholders) -> str:
    return "; ".join(f"${name}: {meaning}" for name, meaning in placeholders.items())


PLACEHOLDER_HELP = (
    "Plain text with $placeholders (write $$ for a dollar sign; a line starting with '# ' "
    "prints as a heading). Left empty, it starts from the shipped text of its step. The "
    f"placeholders of a CAP: {_listed(PLACEHOLDERS)}. Those of the Term document: "
    f"{_listed(TERM_PLACEHOLDERS)}."
)


class CapTemplateForm(forms.ModelForm):
    class Meta:
        model = CapTemplate
        fields = ["program", "step", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30, "cols": 100})}
        help_texts = {"text": PLACEHOLDER_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False  # empty: the step's shipped text


@admin.register(CapTemplate)
class CapTemplateAdmin(admin.ModelAdmin):
    form = CapTemplateForm
    list_display = ["program", "step", "version", "updated_at", "updated_by"]
    readonly_fields = ["version", "updated_at", "updated_by", "preview"]
    audited_by_service = True  # cap_template_save audits the text and its version

    def save_model(self, request, obj, form, change):
        services.cap_template_save(template=obj, actor=request.user)

    @admin.display(description="Preview (as saved; each value in brackets)")
    def preview(self, obj):
        if obj is None or not obj.pk:
            return "Save to see the document with its values."
        # line by line (the CSP refuses inline styles: no <pre style=…>)
        return linebreaksbr(documents.preview(obj.text, obj.placeholders))


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
