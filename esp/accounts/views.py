from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST

from esp.lib import clock

from .forms import InviteForm, WelcomeForm
from .selectors import pending_invitations, user_of_link
from .services import AlreadyHasAccount, NoPendingInvitation, staff_invite
from .services import invitation_cancel as cancel


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
        return user_of_link(uidb64)


@require_http_methods(["GET", "HEAD", "POST"])
def invitations(request):
    """The ESP Manager's invitations: invite a person, and the pending invitations, each with
    a Cancel button."""
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = staff_invite(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                roles=data["roles"],
                actor=request.user,
                now=clock.now(),
            )
        except AlreadyHasAccount as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                f"{user.get_full_name()} ({user.email}) is invited: the e-mail with the link to "
                "set a password is on its way.",
            )
            return redirect("accounts:invitations")
    rows = [
        {
            "invitation": pending,
            "roles": ", ".join(sorted(g.name for g in pending.user.groups.all())),
        }
        for pending in pending_invitations()
    ]
    return render(request, "accounts/invitations.html", {"rows": rows, "form": form})


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
