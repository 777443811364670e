"""Forms of the tracker pages: they parse and validate; services do the writing."""

from __future__ import annotations

from django import forms

from esp.progress.activity import EMPLOYMENT_VALUES, EQUIPMENT_ITEMS, FLAG_VALUES
from esp.rules.records import TASK_STATUSES


def _choices(values):
    return [(v, v.replace("_", " ").capitalize()) for v in values]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=_choices(TASK_STATUSES))
    note = forms.CharField(required=False, max_length=2000, widget=forms.TextInput)
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DeliverForm(forms.Form):
    ladder = forms.CharField(max_length=40, widget=forms.HiddenInput)
    step = forms.CharField(max_length=40, widget=forms.HiddenInput)
    expectation = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The expectation set with the agent, e.g. finish by the end of tomorrow.",
    )


class EmploymentForm(forms.Form):
    status = forms.ChoiceField(choices=_choices(EMPLOYMENT_VALUES))
    note = forms.CharField(max_length=2000, required=False)
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)


class EquipmentForm(forms.Form):
    status = forms.ChoiceField(choices=_choices(EQUIPMENT_ITEMS))
    ticket = forms.CharField(max_length=60, required=False, label="IT ticket number")
    note = forms.CharField(max_length=2000, required=False)
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("status") == "issue" and not data.get("ticket"):
            self.add_error("ticket", "An equipment issue needs its IT ticket number.")
        return data


class FlagForm(forms.Form):
    action = forms.ChoiceField(choices=[("raised", "Raise"), ("resolved", "Resolve")])
    flag = forms.ChoiceField(choices=_choices(FLAG_VALUES))
    note = forms.CharField(max_length=2000, required=False)
