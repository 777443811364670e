"""The agent's self-report form (public, through a personal link) and the staff actions that
send and revoke links (SPEC R-N1, R-N5, §17 access).

The form's page is standalone: no navigation, no sign-in, no session; it opens only the one
agent's form. An unknown, expired or revoked link answers 404 with a plain page; a link whose
agent left the program or was transferred answers 410 "this link has ended" (issue 12 item 8).
One report a day: once today's is sent, the page shows it instead of the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.access.selectors import class_of_seen_agents
from esp.access.writes import require_write
from esp.accounts.services import AlreadyHasAccount, agent_account_open
from esp.lib import clock
from esp.rules import emailed_reports

from . import selectors, services
from .forms import AccountForm, EmailedReportForm, EmailedReportsForm, SelfReportForm


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
        "token": token,
    }
    return _private(render(request, "selfreport/form.html", context, status=status))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account(request, token: str):
    """From the personal link, the agent chooses a password to sign in and see their own page
    (issue 15 item 6); once they sign in, the page says so and links to the sign-in."""
    link = selectors.link_for_token(token, now=clock.now())
    if link is None:
        return _private(render(request, "selfreport/gone.html", status=404))
    agent = link.agent
    if selectors.link_ended(agent, day=clock.today(agent.training_class.program.time_zone)):
        return _ended(request)
    person = get_user_model()(
        username=agent.work_email,
        email=agent.work_email,
        first_name=agent.first_name,
        last_name=agent.last_name,
    )
    form = AccountForm(request.POST or None, person=person)
    signs_in = agent.user is not None and agent.user.is_active
    status = 200
    if request.method == "POST" and not signs_in:
        if form.is_valid():
            try:
                agent_account_open(agent=agent, password=form.cleaned_data["password1"])
            except (AlreadyHasAccount, ValueError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your password is set: sign in with your work e-mail.")
                return _private(redirect(f"{reverse('accounts:sign_in')}?next=/"))
        status = 400
    context = {"agent": agent, "form": form, "signs_in": signs_in, "token": token}
    return _private(render(request, "selfreport/account.html", context, status=status))


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
    training_class = class_of_seen_agents(request.user, code)
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


# -- the signed-in agent's own report (issue 15 item 6) ------------------------------------------


@require_POST
def own_report(request):
    """The signed-in agent sends today's self-report from their own page (an account not
    linked to an agent is sent back with a message: staff record e-mailed reports instead)."""
    agent = selectors.agent_of(request.user)
    if agent is None:
        messages.error(request, "Only an agent sends a self-report from here. Nothing was saved.")
        return redirect("web:home")
    back = reverse("progress:agent", args=[agent.employee_id]) + "#self-report"
    form = SelfReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        services.own_report_submit(
            agent=agent,
            actor=request.user,
            finished=form.cleaned_data["finished"],
            blocked=form.cleaned_data["blocked"],
            now=clock.now(agent.training_class.program.time_zone),
        )
    except (services.LinkEnded, services.AlreadyReported) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Thank you: your report for today is recorded.")
    return redirect(back)


# -- self-reports that reached the coordinator or the TL by e-mail (issue 15 item 5) -----------


@require_POST
def emailed_one(request, employee_id: str):
    """One agent's e-mailed report, from their page: it becomes their self-report of the day."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "self_report", None, agent)
    back = reverse("progress:agent", args=[agent.employee_id]) + "#self-report"
    form = EmailedReportForm(request.POST)
    if not form.is_valid():
        problems = [f"{form.fields[name].label}: {' '.join(e)}" for name, e in form.errors.items()]
        messages.error(request, "Nothing was saved. " + " ".join(problems))
        return redirect(back)
    day = form.cleaned_data["day"]
    try:
        services.emailed_report_record(
            agent=agent,
            text=form.cleaned_data["text"],
            day=day,
            actor=request.user,
            now=clock.now(agent.training_class.program.time_zone),
        )
    except services.ReportsRefused as exc:
        messages.error(request, f"Nothing was saved: {exc}")
    else:
        messages.success(
            request,
            f"{agent.name}'s e-mailed report is recorded as their self-report of {day:%m/%d/%Y}.",
        )
    return redirect(back)


def _preview_key(day, block: str) -> str:
    """What the preview showed: a save is taken only for the text and day previewed."""
    return selectors.token_hash(f"{day:%Y-%m-%d}\n{block}")[:16]


@require_http_methods(["GET", "HEAD", "POST"])
def emailed_class(request, code: str):
    """Several e-mailed reports of one class pasted at once: a preview, then all or nothing."""
    training_class = class_of_seen_agents(request.user, code)
    require_write(request.user, "self_report")
    now = clock.now(training_class.program.time_zone)
    form = EmailedReportsForm(request.POST or None, initial={"day": now.date()})
    context = {"training_class": training_class, "form": form, "today": now.date()}
    if request.method != "POST" or not form.is_valid():
        return render(request, "selfreport/emailed.html", context, status=_status(request))
    day, block = form.cleaned_data["day"], form.cleaned_data["block"]
    agents = {a.employee_id: a for a in selectors.class_agents(request.user, training_class, day)}
    parsed = emailed_reports.parse(block, selectors.people_of(agents.values()), training_class.code)
    reports = [(agents[r.employee_id], r.text, r.line) for r in parsed.reports]
    errors = parsed.errors or services.emailed_problems(reports, day=day, now=now)
    key = _preview_key(day, block)
    if not errors and request.POST.get("action") == "save":
        if request.POST.get("previewed") == key:
            return _save(request, training_class, reports, day, now)
        messages.error(request, "The text or the day changed since the preview: check it again.")
    context.update(parsed=parsed, errors=errors, previewed=key, reports=parsed.reports)
    return render(request, "selfreport/emailed.html", context, status=400 if errors else 200)


def _status(request) -> int:
    return 400 if request.method == "POST" else 200


def _save(request, training_class, reports, day, now):
    try:
        services.emailed_reports_record(reports=reports, day=day, actor=request.user, now=now)
    except services.ReportsRefused as exc:  # changed since the preview (a report just sent)
        messages.error(request, f"Nothing was saved: {' '.join(exc.errors)}")
        return redirect(request.path)
    names = ", ".join(agent.name for agent, _, _ in reports)
    messages.success(
        request,
        f"{len(reports)} e-mailed report{'s' if len(reports) != 1 else ''} recorded as the "
        f"self-reports of {day:%m/%d/%Y}: {names}.",
    )
    return redirect(request.path)
