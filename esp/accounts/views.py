from math import ceil
from zoneinfo import ZoneInfo

from axes.helpers import get_cool_off
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.timezone import localtime
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.lib import clock
from esp.lib.display import clock_time
from esp.programs.models import Program
from esp.roster.selectors import program_for

from .forms import AgentInviteForm, InviteForm, ResetPasswordForm, ResetRequestForm, WelcomeForm
from .selectors import (
    active_user_of_link,
    agent_named,
    pending_invitations,
    sign_in_locked_until,
    user_of_link,
)
from .services import (
    AlreadyHasAccount,
    NoPendingInvitation,
    agent_invite,
    link_days,
    staff_invite,
)
from .services import invitation_cancel as cancel


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


def _program_zone() -> ZoneInfo | None:
    """The program's time zone, for times people read (issue 17 item 3); None (the server's)
    before any program exists."""
    try:
        return ZoneInfo(program_for().time_zone)
    except Program.DoesNotExist:
        return None


def sign_in_locked(request, original_response=None, credentials=None):
    """django-axes' answer once a sign-in is locked (AXES_LOCKOUT_CALLABLE): the sign-in page
    saying so apart from a wrong password, and for how long (issue 17 item 9); status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    cool_off = get_cool_off(request)
    now = clock.now()
    until = sign_in_locked_until(
        username, getattr(request, "axes_ip_address", None), cool_off=cool_off
    ) or (now + cool_off)
    minutes = max(1, ceil((until - now).total_seconds() / 60))
    total = round(cool_off.total_seconds() / 60)
    locked = (
        f"Too many failed sign-ins: {username or 'this account'} is locked for "
        f"{'another ' if minutes < total else ''}{minutes} minute{'s' if minutes != 1 else ''}, "
        f"until {clock_time(localtime(until, _program_zone()))}. Try again then, or set a new password by "
        "e-mail."
    )
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked": locked, "next": request.POST.get("next", "")}
    return render(request, "accounts/sign_in.html", context, status=429)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link to set a new password; it is mailed through the outbox."""

    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_sent")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "days": link_days()}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The reset link: choose a new password, then sign in with it."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:sign_in")
    post_reset_login = False

    def get_user(self, uidb64):
        # only an active account: an invited one sets its first password from its invitation
        return active_user_of_link(uidb64)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your new password is set: sign in with it.")
        return response


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
    """The ESP Manager's invitations: invite a person, invite an agent to sign in, and the
    pending invitations, each with a Cancel button."""
    agent_form = AgentInviteForm(request.POST if request.POST.get("form") == "agent" else None)
    form = InviteForm(request.POST if request.POST and not agent_form.is_bound else None)
    if agent_form.is_bound and agent_form.is_valid():
        if _invite_agent(request, agent_form):
            return redirect("accounts:invitations")
    elif request.method == "POST" and form.is_valid():
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
    zone = _program_zone()  # "sent …" in the program's time zone (issue 17 item 3)
    context = {"rows": rows, "form": form, "agent_form": agent_form, "zone": zone}
    return render(request, "accounts/invitations.html", context)


def _invite_agent(request, form) -> bool:
    """Invite the agent the form names; False (the form carries why) when it cannot."""
    agent = agent_named(form.cleaned_data["agent"])
    if agent is None:
        form.add_error("agent", "No agent has that employee ID or e-mail address.")
        return False
    try:
        agent_invite(agent=agent, actor=request.user, now=clock.now())
    except (AlreadyHasAccount, ValueError) as exc:
        form.add_error("agent", str(exc))
        return False
    messages.success(request, _invited(agent))
    return True


def _invited(agent) -> str:
    return (
        f"{agent.name} ({agent.employee_id}) is invited to sign in: the e-mail with the link to "
        f"set a password is on its way to {agent.user.email}."
    )


@require_POST
def agent_invite_view(request, employee_id: str):
    """ "Invite to sign in" on the agent page (issue 15 item 6)."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    try:
        agent_invite(agent=agent, actor=request.user, now=clock.now())
    except (AlreadyHasAccount, ValueError) as exc:
        messages.error(request, f"No invitation was sent: {exc}")
    else:
        messages.success(request, _invited(agent))
    return redirect(reverse("progress:agent", args=[agent.employee_id]) + "#self-report")


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
