from django import forms
from django.contrib.auth import password_validation

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


def _day_field(label: str) -> forms.DateField:
    """The day an e-mailed report is the self-report of, written MM/DD/YYYY."""
    return forms.DateField(
        label=label,
        input_formats=["%m/%d/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%m/%d/%Y", attrs={"size": 10}),
    )


class EmailedReportForm(forms.Form):
    """One agent's progress that reached the Cert Coordinator or the TL by e-mail (seed 000,
    issue 15 item 5): the day it is the self-report of, and the e-mail's text."""

    day = _day_field("Report of (MM/DD/YYYY)")
    text = forms.CharField(
        label="The e-mail's text",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class EmailedReportsForm(forms.Form):
    """Several e-mailed reports pasted at once for one class (issue 15 item 5)."""

    day = _day_field("Reports of (MM/DD/YYYY)")
    block = forms.CharField(
        label="The e-mails",
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text=(
            "One report per agent: a line that starts with the agent's employee ID or name "
            "(First Last, or Last, First), then a colon, then the e-mail's text; the lines after "
            "it, up to the next agent's line, continue that text."
        ),
    )


class AccountForm(forms.Form):
    """The agent chooses a password from their personal link (issue 15 item 6)."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="The same password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person  # an unsaved user with the agent's name and e-mail (validators)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError("The two passwords differ.")
        if first:
            password_validation.validate_password(first, self.person)
        return data
