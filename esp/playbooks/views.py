"""The troubleshooting page of an agent (R-Q2): start a playbook, record each step's outcome.

Views parse input, call a service and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from esp.access import scopes
from esp.access.writes import require_write

from . import services
from .models import Playbook, StepOutcome


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_http_methods(["GET", "HEAD", "POST"])
def troubleshoot(request, employee_id: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "troubleshoot", None, agent)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "start":
                playbook = Playbook.objects.filter(
                    active=True, key=request.POST.get("playbook", "")
                ).first()
                if playbook is None:
                    raise ValidationError("Choose a playbook.")
                services.walkthrough_start(agent=agent, playbook=playbook, actor=request.user)
            elif action == "outcome":
                walkthrough = services.open_walkthrough(agent)
                if walkthrough is None or str(walkthrough.pk) != request.POST.get("walkthrough"):
                    raise ValidationError("This walk-through has ended or changed: reload.")
                row = services.outcome_record(
                    walkthrough=walkthrough,
                    outcome=request.POST.get("outcome", ""),
                    note=request.POST.get("note", ""),
                    ticket=request.POST.get("ticket", ""),
                    actor=request.user,
                )
                walkthrough.refresh_from_db()
                if walkthrough.status != walkthrough.OPEN:
                    messages.success(
                        request,
                        f"Walk-through ended: {walkthrough.get_status_display()}"
                        + (f" — {walkthrough.result}." if walkthrough.result else "."),
                    )
                else:
                    messages.success(request, f"Step {row.position} recorded.")
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as error:
            _error(request, error)
            return redirect("playbooks:troubleshoot", employee_id=agent.employee_id)
        return redirect("playbooks:troubleshoot", employee_id=agent.employee_id)
    walkthrough = services.open_walkthrough(agent)
    step = services.current_step(walkthrough) if walkthrough else None
    return render(
        request,
        "playbooks/troubleshoot.html",
        {
            "agent": agent,
            "playbooks": Playbook.objects.filter(active=True),
            "walkthrough": walkthrough,
            "step": step,
            "last": bool(step) and services.is_last(walkthrough, step),
            "steps": list(walkthrough.playbook.steps.all()) if walkthrough else [],
            "done": list(walkthrough.outcomes.select_related("recorded_by")) if walkthrough else [],
            "history": agent.walkthroughs.select_related("playbook", "started_by").prefetch_related(
                "outcomes__recorded_by"
            )[:20],
            "outcomes": StepOutcome.OUTCOMES,
        },
    )
