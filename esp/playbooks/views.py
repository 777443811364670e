"""The troubleshooting page of an agent (R-Q2): start a playbook, record each step's outcome.

Views parse input, call a selector or a service and render.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from esp.access import scopes
from esp.access.writes import require_write
from esp.lib import clock
from esp.lib.flash import attempt

from . import selectors, services
from .models import StepOutcome


def _now(agent):
    return clock.now(agent.training_class.program.time_zone)


def _start(request, agent):
    playbook = selectors.active_playbook(request.POST.get("playbook", ""))
    if playbook is None:
        raise ValidationError("Choose a playbook.")
    services.walkthrough_start(agent=agent, playbook=playbook, actor=request.user, now=_now(agent))
    return ""


def _outcome(request, agent) -> str:
    """Record the posted step's outcome; the message to show."""
    walkthrough = selectors.open_walkthrough(agent)
    if walkthrough is None or str(walkthrough.pk) != request.POST.get("walkthrough"):
        raise ValidationError("This walk-through has ended or changed: reload.")
    row = services.outcome_record(
        walkthrough=walkthrough,
        outcome=request.POST.get("outcome", ""),
        note=request.POST.get("note", ""),
        ticket=request.POST.get("ticket", ""),
        actor=request.user,
        now=_now(agent),
    )
    walkthrough = row.walkthrough  # as the service left it (ended or escalated)
    if walkthrough.status != walkthrough.OPEN:
        return f"Walk-through ended: {walkthrough.get_status_display()}" + (
            f" — {walkthrough.result}." if walkthrough.result else "."
        )
    return f"Step {row.position} recorded."


def _unknown(request, agent):
    raise ValidationError("Unknown action.")


ACTIONS = {"start": _start, "outcome": _outcome}


@require_http_methods(["GET", "HEAD", "POST"])
def troubleshoot(request, employee_id: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "troubleshoot", None, agent)
    if request.method == "POST":
        act = ACTIONS.get(request.POST.get("action", ""), _unknown)
        attempt(request, lambda: act(request, agent), lambda message: message)
        return redirect("playbooks:troubleshoot", employee_id=agent.employee_id)
    context = selectors.troubleshooting(agent)
    context["outcomes"] = StepOutcome.OUTCOMES
    context["zone"] = agent.training_class.program.time_zone  # issue 17 item 3
    return render(request, "playbooks/troubleshoot.html", context)
