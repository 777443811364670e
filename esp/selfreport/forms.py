from django import forms

from .services import MAX_ANSWER_LENGTH


class SelfReportForm(forms.Form):
    finished = forms.CharField(
        label="What I finished today",
        required=False,
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    blocked = forms.CharField(
        label="What blocks me",
        required=False,
        max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self):
        data = super().clean()
        if not (data.get("finished", "").strip() or data.get("blocked", "").strip()):
            raise forms.ValidationError("Write what you finished today, what blocks you, or both.")
        return data
