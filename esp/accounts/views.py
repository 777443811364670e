from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from .forms import WelcomeForm
from .invitations import NoPendingInvitation, pending_invitations
from .invitations import invitation_cancel as cancel


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:sign_in")


@method_decorator(login_not_required, name="dispatch")
class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link: set a password, then sign in."""

    template_name = "accounts/welcome.html"
    form_class = WelcomeForm
    success_url = reverse_lazy("accounts:sign_in")
    post_reset_login = False

    def get_user(self, uidb64):
        # Invited accounts are inactive until they set a password.
        from django.contrib.auth import get_user_model
        from django.utils.http import urlsafe_base64_decode

        try:
            uid = urlsafe_base64_decode(uidb64).decode()
            return get_user_model()._default_manager.get(pk=uid)
        except (TypeError, ValueError, OverflowError, get_user_model().DoesNotExist):
            return None


def invitations(request):
    """The ESP Manager's list of pending invitations, each with a Cancel button."""
    rows = [
        {
            "invitation": pending,
            "roles": ", ".join(sorted(g.name for g in pending.user.groups.all())),
        }
        for pending in pending_invitations()
    ]
    return render(request, "accounts/invitations.html", {"rows": rows})


@require_POST
def invitation_cancel(request, user_id: int):
    try:
        user = cancel(user_id=user_id, actor=request.user)
    except NoPendingInvitation as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"The invitation of {user.get_full_name() or user.email} ({user.email}) was "
            "cancelled: its link no longer sets a password and the account stays inactive.",
        )
    return redirect("accounts:invitations")
