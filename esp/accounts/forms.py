from django.contrib.auth.forms import SetPasswordForm


class WelcomeForm(SetPasswordForm):
    """Set a first password; the account becomes active."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_active = True
        if commit:
            user.save()
        return user
