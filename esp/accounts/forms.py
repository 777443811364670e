from django import forms
from django.contrib.auth.forms import SetPasswordForm

from esp.roster.roles import AGENT, ROLES

from .services import account_activate

STAFF_ROLES = [role for role in ROLES if role != AGENT]


class WelcomeForm(SetPasswordForm):
    """Set a first password; the account becomes active."""

    def save(self, commit=True):
        """Through the audited service (a form never writes itself; `commit` is always)."""
        return account_activate(user=self.user, password=self.cleaned_data["new_password1"])


class InviteForm(forms.Form):
    """The ESP Manager invites a person: their name, work e-mail and roles (SPEC §1)."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Work e-mail", max_length=254)
    roles = forms.MultipleChoiceField(
        choices=[(role, role) for role in STAFF_ROLES], widget=forms.CheckboxSelectMultiple
    )
