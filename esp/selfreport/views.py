"""The agent's self-report form (public, through a personal link) and the staff actions that
send and revoke links (SPEC R-N1, R-N5, §17 access).

The form's page is standalone: no navigation, no sign-in, no session; it opens only the one
agent's form. An unknown, expired or revoked link answers 404 with a plain page; a link whose
agent left the program or was transferred answers 410 "this link has ended" (issue 12 item 8).
One report a day: once today's is sent, the page shows it instead of the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.access.writes import require_write
from esp.lib import clock

from . import selectors, services
from .forms import SelfReportForm


def _private(response):
    """The token is in the URL: never cached, never sent to another site, never indexed."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def report_form(request, token: str):
    link = selectors.link_for_token(token, now=clock.now())
    if link is None:
        return _private(render(request, "selfreport/gone.html", status=404))
    agent = link.agent
    now = clock.now(agent.training_class.program.time_zone)
    today = now.date()
    if selectors.link_ended(agent, day=today):
        return _ended(request)
    status, refused = 200, ""
    if request.method == "POST":
        form = SelfReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_submit(
                    link,
                    finished=form.cleaned_data["finished"],
                    blocked=form.cleaned_data["blocked"],
                    now=now,
                )
            except services.LinkEnded:
                return _ended(request)
            except services.AlreadyReported as exc:
                status, refused = 409, str(exc)
            else:
                return _private(redirect(f"{request.path}?sent=1"))
        else:
            status = 400
    else:
        form = SelfReportForm()
    context = {
        "agent": agent,
        "form": form,
        "sent": request.method == "GET" and request.GET.get("sent") == "1",
        "refused": refused,
        "report": selectors.report_of_day(agent, today),
        "today": today,
    }
    return _private(render(request, "selfreport/form.html", context, status=status))


def _ended(request):
    """The agent left the program or was transferred: a plain page, no form, no names."""
    return _private(render(request, "selfreport/ended.html", status=410))


def _back(request, default: str):
    target = request.POST.get("next", "")
    local = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if local else default)


@require_POST
def agent_link(request, employee_id: str):
    """POST action=send: issue a new link and e-mail it; action=revoke: end the active link."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "self_report_link", None, agent)
    action = request.POST.get("action", "send")
    now = clock.now(agent.training_class.program.time_zone)
    if action == "revoke":
        if services.links_revoke(agent, actor=request.user, now=now):
            messages.success(request, f"The self-report link of {agent.name} was revoked.")
        else:
            messages.error(request, f"{agent.name} had no active self-report link.")
    elif action == "send":
        try:
            services.links_send([agent], actor=request.user, now=now)
        except services.LinkEnded as exc:
            messages.error(request, f"No link was sent: {exc}")
        else:
            messages.success(
                request,
                f"A new self-report link was e-mailed to {agent.name} (work and personal "
                "e-mail); earlier links no longer work.",
            )
    else:
        messages.error(request, "Choose to send a new link or to revoke the link.")
    return _back(request, reverse("progress:agent", args=[agent.employee_id]) + "#self-report")


@require_POST
def class_send(request, code: str):
    """E-mail a new self-report link to every active agent of the class (in the user's scope)."""
    training_class = scopes.get_class_for_user(request.user, code)
    require_write(request.user, "self_report_link")
    program = training_class.program
    now = clock.now(program.time_zone)
    agents = selectors.class_agents(request.user, training_class, now.date())
    rows = services.links_send(list(agents), actor=request.user, now=now)
    if rows:
        messages.success(
            request,
            f"Self-report links e-mailed to {len(rows)} agent{'s' if len(rows) != 1 else ''} "
            f"of {training_class.code}.",
        )
    else:
        messages.error(request, f"{training_class.code} has no active agent to send a link to.")
    return _back(request, reverse("progress:board", args=[training_class.code]))
