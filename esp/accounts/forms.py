from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from esp.lib import clock
from esp.roster.roles import AGENT, ROLES

from .services import account_activate, password_reset, password_reset_send

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


class AgentInviteForm(forms.Form):
    """The ESP Manager invites an agent to sign in (issue 15 item 6): the agent named by their
    employee ID or one of their e-mail addresses; the account is linked to the agent record."""

    agent = forms.CharField(
        label="Agent's employee ID or e-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"size": 30, "autocomplete": "off"}),
    )


class ResetRequestForm(PasswordResetForm):
    """Ask for a password-reset link by e-mail (issue 17 item 9). Django's form finds the
    active accounts of the address; the link goes out through the outbox like every mail."""

    email = forms.EmailField(label="Work e-mail", max_length=254)

    def save(self, **kwargs):
        """Enqueue a link for each active account of the address (none: nothing is said, so
        the page does not tell who has an account)."""
        now = clock.now()
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_send(user=user, now=now)


class ResetPasswordForm(SetPasswordForm):
    """Set a new password from a reset link."""

    def save(self, commit=True):
        """Through the audited service (`commit` is always)."""
        return password_reset(user=self.user, password=self.cleaned_data["new_password1"])
