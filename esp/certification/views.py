"""The certifier's scoring page (R-C3, R-C6): thin — parse, call the service, render."""

from __future__ import annotations

from dataclasses import dataclass, field
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
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER, ESP_MANAGER
from esp.rules.callcert import Tally, call_passes

from . import selectors
from .models import ScorecardTemplate
from .services import call_score, current_template, tally


@dataclass
class ScoreForm:
    """What the page shows of a posted (or a fresh) scoring."""

    notes_well: str = ""
    notes_down: str = ""
    points: dict = field(default_factory=dict)  # item id → earned or missed
    typed: dict = field(default_factory=dict)  # item id → the text as typed
    problems: list[str] = field(default_factory=list)
    total: Tally | None = None
    nudge: bool = False


def _template(request) -> ScorecardTemplate:
    chosen = request.POST.get("template")
    if chosen and chosen.isdigit():
        found = selectors.template_by_pk(int(chosen))
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


def _posted(request, template) -> ScoreForm:
    """Read the posted notes and points; tally them when they are all numbers in range."""
    form = ScoreForm(
        notes_well=request.POST.get("notes_well", ""),
        notes_down=request.POST.get("notes_down", ""),
    )
    if template is not None:
        form.points, form.typed, form.problems = _points(request, template)
        if not form.problems:
            form.total = tally(template, form.points)
    return form


def _save(request, agent, number: int, template, form: ScoreForm):
    """Save the score: a redirect to the agent's calls; None when the page shows again with
    a nudge (R-C6: no positive remark, flagged before saving, not refused) or the refusal."""
    action = request.POST.get("action", "save")
    if form.problems or action not in ("save", "confirm"):
        return None
    if not form.notes_well.strip() and action != "confirm":
        form.nudge = True
        return None
    program = agent.training_class.program
    now = clock.now(program.time_zone)
    try:
        scored = call_score(
            agent=agent,
            call_number=number,
            item_points=form.points,
            notes_well=form.notes_well,
            notes_down=form.notes_down,
            actor=request.user,
            day=clock.today(program.time_zone),
            template=template,
            now=now,
        )
    except ValidationError as exc:  # shown on the form, beside the items (status 400)
        form.problems = list(exc.messages)
        return None
    messages.success(request, f"Call {number} scored {scored.score}.")
    return redirect(reverse("progress:agent", args=[agent.employee_id]) + "#calls")


def _shown(points: Decimal) -> str:
    """Points as people write them: 15, 7.5 (not 15.00)."""
    return f"{points.normalize():f}"


def _rescoring(template, last) -> ScoreForm:
    """A re-score opens on the call's last scoring when it used this scorecard: its points,
    its missed auto-fail items, its notes and its total (issue 15 walk: it opened on full
    marks, "100 — passes", beside "Scored before: 90")."""
    form = ScoreForm()
    if template is None or last is None or last.template_id != template.pk:
        return form
    form.notes_well, form.notes_down = last.notes_well, last.notes_down
    for scored in last.item_scores.all():
        if scored.item.auto_fail:
            form.points[scored.item_id] = scored.failed
        else:
            form.points[scored.item_id] = scored.earned
            form.typed[scored.item_id] = _shown(scored.earned)
    form.total = tally(template, form.points)
    return form


def _item_rows(template, form: ScoreForm) -> list[dict]:
    """Each item with the value to show (as typed, else its full points) and, for an
    auto-fail item, whether it is marked missed; the running total when not yet tallied."""
    if template is None:
        return []
    items = [
        {
            "item": item,
            "value": form.typed.get(item.pk, _shown(item.points)),
            "failed": bool(form.points.get(item.pk)) if item.auto_fail else False,
        }
        for item in template.items()
    ]
    if form.total is None and not form.problems:
        form.total = tally(
            template, {i["item"].pk: i["value"] for i in items if not i["item"].auto_fail}
        )
    return items


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
    if request.method == "POST":
        form = _posted(request, template)
        if saved := _save(request, agent, number, template, form):
            return saved
    else:
        form = _rescoring(template, selectors.last_scoring(agent, number))
    items = _item_rows(template, form)
    return render(
        request,
        "certification/score.html",
        {
            "agent": agent,
            "number": number,
            "template": template,
            "items": items,
            "total": form.total,
            "pass_mark": program.call_pass_mark,
            "passes": bool(form.total) and call_passes(form.total.score, program.call_pass_mark),
            "problems": form.problems,
            "nudge": form.nudge,
            "notes_well": form.notes_well,
            "notes_down": form.notes_down,
            "history": selectors.call_history(agent, number),
            "numbers": range(1, program.calls_per_agent + 1),
        },
        status=400 if form.problems else 200,
    )
