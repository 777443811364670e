"""The certifier's scoring page (R-C3, R-C6): thin — parse, call the service, render."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from esp.access.scopes import get_agent_for_user, has_role
from esp.access.writes import require_write
from esp.lib import clock
from esp.roster.staff import CERT_COORDINATOR, CERTIFIER, ESP_MANAGER

from .models import CallScore, ScorecardTemplate
from .scorecards import current_template
from .services import call_score, tally


def _template(request) -> ScorecardTemplate:
    chosen = request.POST.get("template")
    if chosen and chosen.isdigit():
        found = ScorecardTemplate.objects.filter(pk=int(chosen)).first()
        if found:
            return found
    return current_template()


def _points(request, template) -> tuple[dict, dict, list[str]]:
    """(item id → earned or missed, item id → the text as typed, problems)."""
    points, typed, problems = {}, {}, []
    for item in template.items():
        if item.auto_fail:
            points[item.pk] = request.POST.get(f"fail-{item.pk}") == "on"
            continue
        text = request.POST.get(f"item-{item.pk}", "").strip()
        typed[item.pk] = text
        try:
            value = Decimal(text or "0")
        except InvalidOperation:
            problems.append(f"'{item.text}': '{text}' is not a number")
            continue
        if not 0 <= value <= item.points:
            problems.append(f"'{item.text}' scores 0–{item.points:g}")
        points[item.pk] = value
    return points, typed, problems


@require_http_methods(["GET", "HEAD", "POST"])
def score(request, employee_id: str, number: int):
    """Score call `number` of an agent assigned to the certifier (or any the coordinator or
    ESP Manager sees); anyone else gets 404."""
    if not has_role(request.user, CERTIFIER, CERT_COORDINATOR, ESP_MANAGER):
        raise Http404("no such page")
    agent = get_agent_for_user(request.user, employee_id)
    require_write(request.user, "call", None, agent)  # a certifier: connected agents only
    program = agent.training_class.program
    if not 1 <= number <= program.calls_per_agent:
        raise Http404("no such call")
    template = None if number == 1 else _template(request)
    points, typed, problems, total, nudge = {}, {}, [], None, False
    if request.method == "POST":
        notes_well = request.POST.get("notes_well", "")
        notes_down = request.POST.get("notes_down", "")
        if template is not None:
            points, typed, problems = _points(request, template)
            if not problems:
                total = tally(template, points)
        action = request.POST.get("action", "save")
        if not problems and action in ("save", "confirm"):
            if not notes_well.strip() and action != "confirm":
                nudge = True  # R-C6: flagged before saving, not refused
            else:
                try:
                    scored = call_score(
                        agent=agent,
                        call_number=number,
                        item_points=points,
                        notes_well=notes_well,
                        notes_down=notes_down,
                        actor=request.user,
                        day=clock.today(program.time_zone),
                        template=template,
                    )
                except ValidationError as exc:
                    problems = list(exc.messages)
                else:
                    messages.success(request, f"Call {number} scored {scored.score}.")
                    return redirect(reverse("progress:agent", args=[agent.employee_id]) + "#calls")
    else:
        notes_well = notes_down = ""
    items = []
    if template is not None:
        for item in template.items():
            items.append(
                {
                    "item": item,
                    "value": typed.get(item.pk, f"{item.points:g}"),
                    "failed": bool(points.get(item.pk)) if item.auto_fail else False,
                }
            )
        if total is None and not problems:
            total = tally(
                template, {i["item"].pk: i["value"] for i in items if not i["item"].auto_fail}
            )
    history = CallScore.objects.filter(agent=agent, call_number=number).select_related("scored_by")
    return render(
        request,
        "certification/score.html",
        {
            "agent": agent,
            "number": number,
            "template": template,
            "items": items,
            "total": total,
            "pass_mark": program.call_pass_mark,
            "problems": problems,
            "nudge": nudge,
            "notes_well": notes_well,
            "notes_down": notes_down,
            "history": history,
            "numbers": range(1, program.calls_per_agent + 1),
        },
        status=400 if problems else 200,
    )
