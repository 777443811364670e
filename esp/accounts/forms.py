from django import forms
from django.contrib.auth.forms import SetPasswordForm

from esp.roster.staff import AGENT, ROLES

STAFF_ROLES = [role for role in ROLES if role != AGENT]


class WelcomeForm(SetPasswordForm):
    """Set a first password; the account becomes active."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_active = True
        if commit:
            user.save()
        return user


class InviteForm(forms.Form):
    """The ESP Manager invites a person: their name, work e-mail and roles (SPEC §1)."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Work e-mail", max_length=254)
    roles = forms.MultipleChoiceField(
        choices=[(role, role) for role in STAFF_ROLES], widget=forms.CheckboxSelectMultiple
    )
