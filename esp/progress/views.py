"""Tracker pages: the classes, a class board, an agent page and their actions.

Views parse input, fetch through the access layer (404 outside a user's scope), call a
service, and render. Writes answer htmx requests with the changed fragment and plain
requests with a redirect, so every page works without JavaScript too.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from esp.access import scopes
from esp.access.writes import require_write, writable
from esp.classrooms.services import invitations_after_move
from esp.lib import clock
from esp.lib.dates import picked_day
from esp.progress import services
from esp.roster.models import Agent, ClassPhase
from esp.roster.selectors import agent_counts

from . import forms, pages
from .tracker import tracker_workbook


def classes(request):
    today = clock.today()
    visible = scopes.visible_classes(request.user).select_related("program")
    phases = {}
    for code, key, start in (
        ClassPhase.objects.filter(training_class__in=visible, start_date__lte=today)
        .order_by("training_class", "phase__order")
        .values_list("training_class__code", "phase__name", "start_date")
    ):
        phases[code] = (key, start)
    counts = agent_counts(visible, today)
    rows = [
        {
            "code": c.code,
            "start": c.start_date,
            "phase": phases.get(c.code, ("Not started", c.start_date)),
            "agents": counts.get(c.code, 0),
        }
        for c in visible.order_by("-start_date", "code")
    ]
    assigned = []
    if scopes.has_role(request.user, scopes.CERTIFIER):
        assigned = scopes.visible_agents(request.user).filter(
            certifier_assignments__certifier=request.user
        )
    return render(
        request, "progress/classes.html", {"rows": rows, "today": today, "assigned": assigned}
    )


def class_board(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    as_of = picked_day(request, training_class.program)
    filters = {
        "site": request.GET.get("site", ""),
        "tl": request.GET.get("tl", ""),
        "task": request.GET.get("task", ""),
        "late_only": request.GET.get("late") == "1",
        "sort": request.GET.get("sort", "name"),
    }
    data = pages.board(
        training_class, as_of, agent_ids=scopes.visible_agent_ids(request.user), **filters
    )
    can_tasks = writable(request.user, tasks=[task.key for task in data.tasks])["tasks"]
    return render(
        request,
        "progress/board.html",
        {
            "board": data,
            "filters": filters,
            "can_edit": bool(can_tasks),
            "can_tasks": can_tasks,
            "proof_tasks": proof_tasks(training_class.program),
            "statuses": forms.TaskStatusForm.base_fields["status"].choices,
            "sorts": [
                ("name", "Name"),
                ("employee_id", "Employee ID"),
                ("site", "Site"),
                ("age", "Oldest late task"),
            ],
        },
    )


def tracker_download(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    as_of = picked_day(request, training_class.program)
    content = tracker_workbook([training_class], as_of, scopes.visible_agent_ids(request.user))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tracker-{code}-{as_of}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def agent_detail(request, employee_id: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    as_of = picked_day(request, agent.training_class.program)
    page = pages.agent_page(agent, as_of, for_agent=scopes.sees_as_agent(request.user))
    program = agent.training_class.program
    can = writable(request.user, agent, tasks=program.tasks.values_list("key", flat=True))
    from esp.access.matrix import REVIEWERS
    from esp.accountability.models import TerminationDecision
    from esp.accountability.selectors import (
        cap_documents_by_fact,
        pending_termination_reviews,
        termination_review_ladders,
        waiting_termination_review,
    )

    from .tracking import decidable, proof_items

    # the latest employment fact, a scheduled one included: the page shows it (R-P3, §17)
    employment_now = services.latest_fact(agent, "status", "employment")
    return render(
        request,
        "progress/agent.html",
        {
            "page": page,
            "can": can,
            "can_edit": bool(can["tasks"]),
            "proof_tasks": proof_tasks(program),
            "proofs": decidable(
                request.user, agent.proofs.select_related("submitted_by", "reviewed_by")
            ),
            "proof_items": proof_items(agent),
            "can_upload": can["proof_upload"],
            "termination_reviews": pending_termination_reviews(
                request.user, agents=Agent.objects.filter(pk=agent.pk)
            ),
            "termination_decisions": TerminationDecision.DECISIONS,
            "waiting_review": None if page.for_agent else waiting_termination_review(agent),
            "review_ladders": termination_review_ladders(program),
            "is_reviewer": scopes.has_role(request.user, *REVIEWERS),
            # ids of their own: the employment, equipment and flag forms have a "note" too
            "note_form": forms.NoteForm(auto_id="add-note-%s"),
            "employment_form": forms.EmploymentForm(
                initial={"based_on": getattr(employment_now, "pk", "")}
            ),
            "equipment_form": forms.EquipmentForm(
                initial={"based_on": page.equipment[-1].pk if page.equipment else ""}
            ),
            "flag_form": forms.FlagForm(),
            "move_form": forms.MoveForm(initial={"date": as_of}),
            "statuses": forms.TaskStatusForm.base_fields["status"].choices,
            "cap_documents": cap_documents_by_fact(agent, delivered=page.deliveries),
        },
    )


def proof_tasks(program) -> frozenset[str]:
    """The tasks done only through an accepted proof (issue 12 item 4): the pages offer no
    direct "Done" for them."""
    return frozenset(program.tasks.filter(needs_proof=True).values_list("key", flat=True))


def _editable_agent(request, employee_id: str, write: str, item: str | None = None):
    """The agent, when the write matrix lets the user make `write` for them (else 403 with
    the reason: esp.access.writes; the service checks again)."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, write, item, agent)
    return agent


def local_url(request, target: str) -> bool:
    """A path on this site ("//host/..." and "/\\host" lead elsewhere: no open redirect)."""
    return target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _back(request, agent, fragment: str = ""):
    target = request.POST.get("next", "")
    if not local_url(request, target):
        target = reverse("progress:agent", args=[agent.employee_id])
    return redirect(target + fragment)


def _row_response(request, agent, error: str = "", status: int = 200):
    """The board row after a change (htmx), with a conflict or error message in it."""
    row = pages.agent_row(agent, clock.today(agent.training_class.program.time_zone))
    next_url = request.POST.get("next", "")
    can_tasks = writable(request.user, agent, tasks=[cell.task for cell in row.cells])["tasks"]
    return render(
        request,
        "progress/_row.html",
        {
            "row": row,
            "error": error,
            "can_tasks": can_tasks,
            "proof_tasks": proof_tasks(agent.training_class.program),
            "statuses": forms.TaskStatusForm.base_fields["status"].choices,
            "code": agent.training_class.code,
            "next_url": next_url if local_url(request, next_url) else "",
        },
        status=status,
    )


@require_POST
def task_status(request, employee_id: str, task: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    program = agent.training_class.program
    if not program.tasks.filter(key=task).exists():
        raise Http404("no such task")
    form = forms.TaskStatusForm(request.POST)
    error, refused = "", False
    if form.is_valid():
        try:
            services.task_status_set(
                agent=agent,
                task=task,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                day=clock.today(program.time_zone),
                actor=request.user,
                based_on=form.cleaned_data["based_on"],
            )
        except services.Conflict as exc:
            error = str(exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            error, refused = str(exc), True
    else:
        error = "Choose a status."
    if refused and not request.htmx:
        raise PermissionDenied(error)
    if request.htmx:
        return _row_response(
            request, agent, error, status=403 if refused else 409 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{task.replace('_', ' ').capitalize()} updated.")
    return _back(request, agent)


@require_POST
def add_note(request, employee_id: str):
    agent = _editable_agent(request, employee_id, "note")
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        services.note_add(
            agent=agent,
            text=form.cleaned_data["note"],
            day=clock.today(agent.training_class.program.time_zone),
            actor=request.user,
            to_agent=form.cleaned_data["to_agent"],
        )
        messages.success(
            request,
            "Note added (visible to the agent)."
            if form.cleaned_data["to_agent"]
            else "Note added (staff only).",
        )
    else:
        messages.error(request, "A note needs some text.")
    return _back(request, agent, "#notes")


@require_POST
def deliver_step(request, employee_id: str):
    agent = _editable_agent(request, employee_id, "action", request.POST.get("step") or None)
    form = forms.DeliverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the expectation set with the agent, then deliver.")
        return _back(request, agent, "#ladders")
    try:
        services.step_deliver(
            agent=agent,
            ladder=form.cleaned_data["ladder"],
            step=form.cleaned_data["step"],
            expectation=form.cleaned_data["expectation"],
            day=clock.today(agent.training_class.program.time_zone),
            actor=request.user,
        )
        messages.success(request, "Delivered and recorded.")
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, agent, "#ladders")


def _simple_change(request, employee_id, write, form_class, apply, anchor, done_message):
    agent = _editable_agent(request, employee_id, write)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request, agent, anchor)
    try:
        apply(agent, form.cleaned_data, clock.today(agent.training_class.program.time_zone))
        messages.success(request, done_message)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request, agent, anchor)


@require_POST
def employment(request, employee_id: str):
    return _simple_change(
        request,
        employee_id,
        "status",
        forms.EmploymentForm,
        lambda agent, data, day: services.employment_set(
            agent=agent,
            status=data["status"],
            note=data["note"],
            day=day,
            actor=request.user,
            based_on=data["based_on"],
        ),
        "#employment",
        "Employment status recorded.",
    )


@require_POST
def equipment(request, employee_id: str):
    return _simple_change(
        request,
        employee_id,
        "equipment",
        forms.EquipmentForm,
        lambda agent, data, day: services.equipment_set(
            agent=agent,
            status=data["status"],
            ticket=data["ticket"],
            note=data["note"],
            day=day,
            actor=request.user,
            based_on=data["based_on"],
        ),
        "#equipment",
        "Equipment status recorded.",
    )


@require_POST
def flag(request, employee_id: str):
    return _simple_change(
        request,
        employee_id,
        "flag",
        forms.FlagForm,
        lambda agent, data, day: services.flag_record(
            agent=agent,
            action=data["action"],
            flag=data["flag"],
            note=data["note"],
            day=day,
            actor=request.user,
        ),
        "#flags",
        "Red flag recorded.",
    )


def _move_and_leave_rooms(request, agent, data):
    """R-T3, then R-S2: the classroom invitations of the old class from that day are
    cancelled (esp.classrooms)."""
    with transaction.atomic():
        fact = services.agent_move(
            agent, data["to_class"], data["date"], data["reason"], request.user
        )
        invitations_after_move(
            agent=agent,
            to_class=fact.item,
            day=data["date"],
            actor=request.user,
            now=clock.now(agent.training_class.program.time_zone),
        )
    return fact


@require_POST
def move(request, employee_id: str):
    """R-T3: move the agent to another class of the program from a date, with the reason."""
    return _simple_change(
        request,
        employee_id,
        "move",
        forms.MoveForm,
        lambda agent, data, day: _move_and_leave_rooms(request, agent, data),
        "#employment",
        "Move recorded.",
    )


@require_POST
def termination_decide(request, employee_id: str):
    """R-L5: the PM terms the agent on a date, or keeps them with a new expectation."""
    from esp.accountability.services import termination_decide as decide
    from esp.progress.models import Fact

    agent = _editable_agent(request, employee_id, "termination_decision")
    form = forms.TerminationDecisionForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = "The termination review" if name == "proposal" else form.fields[name].label
            messages.error(request, f"{label or name.capitalize()}: {' '.join(errors)}")
        return _back(request, agent, "#ladders")
    proposal = Fact.objects.filter(
        pk=form.cleaned_data["proposal"],
        agent=agent,
        kind="action",
        item=services.TERMINATION_REVIEW,
    ).first()
    if proposal is None:
        raise Http404("no such termination review")
    try:
        made = decide(
            proposal=proposal,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            day=form.cleaned_data["date"] or clock.today(agent.training_class.program.time_zone),
            actor=request.user,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if made.decision == made.TERM:
            messages.success(request, f"{agent.name} termed from {made.effective:%m/%d/%Y}.")
        else:
            messages.success(request, f"{agent.name} kept; the new expectation is on the notes.")
    return _back(request, agent, "#ladders")
