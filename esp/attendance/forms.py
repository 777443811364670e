"""The attendance day's mark form (R-A2): an occurrence, its minutes and a note."""

from __future__ import annotations

from django import forms

TIMED = ("tardy", "left_early")


class MarkForm(forms.Form):
    kind = forms.ChoiceField()
    minutes = forms.IntegerField(required=False, min_value=0, max_value=24 * 60)
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in TIMED and data.get("minutes") is None:
            self.add_error("minutes", "Say how many minutes late or early.")
        if kind == "absent_approved" and not (data.get("note") or "").strip():
            self.add_error("note", "Excusing an absence needs a reason.")
        return data
