"""The TL's evening checklist on their Today (R-N5, seed 001; issue 15 item 12): confirm an
agent's statuses unchanged in one click, confirm the day's tickets submitted through the five
forms, preview the evening e-mail and send it early. Parse, call a service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esp.access import scopes
from esp.lib import clock
from esp.mailing.registry import mailed_report
from esp.mailing.selectors import program_tls
from esp.mailing.services.schedules import send_early
from esp.roster.selectors import program_for

from . import services

REPORT = "tl_checklist"


def _back() -> str:
    return reverse("web:today") + "#checklist-h"


@require_POST
def confirm_statuses(request, employee_id: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    now = clock.now(agent.training_class.program.time_zone)
    services.statuses_confirm(agent=agent, day=now.date(), actor=request.user, now=now)
    messages.success(
        request, f"{agent.first_name} {agent.last_name}: statuses confirmed unchanged."
    )
    return redirect(_back())


@require_POST
def confirm_tickets(request):
    now = clock.now(program_for().time_zone)
    services.tickets_confirm(user=request.user, day=now.date(), now=now)
    messages.success(request, "Today's tickets confirmed submitted through the five forms.")
    return redirect(_back())


def _message(program, day, email: str):
    """The TL's checklist e-mail of the day as the evening round would build it now."""
    mailed = mailed_report(REPORT)
    for outgoing in mailed.build(program, day, distribution_list=None):
        if outgoing.list_key == f"tl:{email.lower()}":
            return outgoing.message
    return None


def checklist_preview(request):
    program = program_for()
    now = clock.now(program.time_zone)
    message = _message(program, now.date(), request.user.email)
    return render(request, "upkeep/checklist_preview.html", {"message": message, "day": now.date()})


@require_POST
def checklist_send(request):
    program = program_for()
    now = clock.now(program.time_zone)
    key = f"tl:{request.user.email.lower()}"
    if request.user.email.lower() not in program_tls(program):
        messages.error(request, "You lead no class: there is no checklist e-mail of yours.")
        return redirect(_back())
    row = send_early(program=program, report=REPORT, list_key=key, day=now.date(), now=now)
    if row is None:
        messages.error(request, "Today's checklist e-mail was already sent or queued.")
    else:
        messages.success(
            request,
            "Your evening checklist e-mail is on its way; the evening round will not send it again.",
        )
    return redirect(_back())
