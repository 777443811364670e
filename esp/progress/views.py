"""Tracker pages: the classes, a class board, an agent page and their actions.

Views parse input, fetch through the access layer (404 outside a user's scope), call a
service, and render. Writes answer htmx requests with the changed fragment and plain
requests with a redirect, so every page works without JavaScript too.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.access.matrix import REVIEWERS
from esp.access.writes import require_write, writable
from esp.lib import clock
from esp.lib.dates import picked_day
from esp.lib.display import label
from esp.lib.flash import attempt
from esp.lib.kept import Kept
from esp.lib.request_memo import one_read_each
from esp.progress import selectors, services
from esp.roster.selectors import agent_counts

from . import forms, hooks, pages
from .pages import decidable, local_url
from .selectors import proof_tasks
from .tracker import tracker_workbook

CLASSES_PER_PAGE = 100  # issue 14: a season's 1,666 classes, a page at a time


def classes(request):
    today = clock.today()
    visible = scopes.visible_classes(request.user)
    number = request.GET.get("page", "1")
    shown, page, pages = selectors.classes_by_start(
        visible, int(number) if number.isdigit() else 1, CLASSES_PER_PAGE
    )
    on_page = scopes.visible_classes(request.user).filter(pk__in=[c.pk for c in shown])
    phases = selectors.class_phases_today(on_page, today)
    counts = agent_counts(on_page, today)
    boards = reverse("progress:board", args=["-"]).removesuffix("-/")  # one reversal (issue 14)
    rows = [
        {
            "code": c.code,
            "url": f"{boards}{quote(c.code, safe='')}/",
            "start": c.start_date,
            "phase": phases.get(c.code, ("Not started", c.start_date)),
            "agents": counts.get(c.code, 0),
        }
        for c in shown
    ]
    assigned = []
    if scopes.has_role(request.user, scopes.CERTIFIER):
        assigned = selectors.certifier_agents(request.user)
    context = {"rows": rows, "today": today, "assigned": assigned, "page": page, "pages": pages}
    return render(request, "progress/classes.html", context)


@one_read_each  # the program's tasks: read once, not by the board and its marks each (issue 14)
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
            **_cell_links(data.rows, can_tasks, request.get_full_path()),
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


@one_read_each  # the program's tasks, calendar, TBT courses: read once (issue 14)
def agent_detail(request, employee_id: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    as_of = picked_day(request, agent.training_class.program)
    page = pages.agent_page(agent, as_of, for_agent=scopes.sees_as_agent(request.user))
    program = agent.training_class.program
    can = writable(request.user, agent, tasks=selectors.task_keys(program))
    context = {
        "page": page,
        "can": can,
        "can_edit": bool(can["tasks"]),
        # the class code links to its board only for those who may open it (issue 17)
        "class_link": scopes.sees_class(request.user, page.class_code),
        "proof_tasks": proof_tasks(program),
        "proofs": decidable(request.user, selectors.agent_proofs(agent)),
        "proof_items": selectors.proof_items(agent),
        "can_upload": can["proof_upload"],
        "is_reviewer": scopes.has_role(request.user, *REVIEWERS),
        "task_forms": _task_forms(agent, page.row.cells, proof_tasks(program))
        if can["tasks"]
        else {},
        **_agent_forms(agent, page, as_of),
        # the accountability part (termination reviews, CAP documents): esp.accountability
        **hooks.agent_page_context(request.user, agent, page),
    }
    return render(request, "progress/agent.html", context)


#: The <option>s of a task's status select by (the task's status, done only by a proof).
_OPTIONS = Kept(64)


def _task_forms(agent, cells, proofs: frozenset[str]) -> dict[str, dict]:
    """Task key -> its status form's action and <option>s, built in Python from one reversal
    (issue 14: the loop over every status in every row of the template, and a reversal per
    row, were a sixth of the page's rendering; the HTML is the same)."""
    prefix = reverse("progress:task_status", args=[agent.employee_id, "-"]).removesuffix("-/")
    choices = forms.TaskStatusForm.base_fields["status"].choices
    found = {}
    for cell in cells:
        key = (cell.status, cell.task in proofs)
        options = _OPTIONS.get(key)
        if options is None:
            options = _OPTIONS[key] = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, mark_safe(" selected") if value == cell.status else "", label)
                    for value, label in choices
                    if value != "done" or not key[1] or cell.status == "done"
                ),
            )
        found[cell.task] = {"action": f"{prefix}{quote(cell.task, safe='')}/", "options": options}
    return found


def _agent_forms(agent, page, as_of) -> dict:
    """The agent page's forms, each based on the latest fact it changes (§17 no lost work)."""
    # the latest employment fact, a scheduled one included: the page shows it (R-P3, §17)
    employment_now = pages.latest_of(page.all_facts, "status", "employment")
    equipment_now = page.equipment[-1] if page.equipment else None
    return {
        # ids of their own (auto_id): four forms on one page share "status", "note", "based_on"
        "note_form": forms.NoteForm(auto_id="add-note-%s"),
        "employment_form": _rendered(
            forms.EmploymentForm, "employment-%s", based_on=getattr(employment_now, "pk", "")
        ),
        # the current status first, so a quick "Record" never downgrades it
        "equipment_form": _rendered(
            forms.EquipmentForm,
            "equipment-%s",
            based_on=equipment_now.pk,
            status=equipment_now.item,
        )
        if equipment_now
        else _rendered(forms.EquipmentForm, "equipment-%s", based_on=""),
        "flag_form": _rendered(forms.FlagForm, "flag-%s"),
        "move_form": _rendered(forms.MoveForm, "move-%s", date=as_of),
    }


#: The agent page's forms as HTML, by form, ids and initial values (issue 14: rendering them
#: field by field through the form templates was a quarter of the page's time; the same
#: initial values give the same HTML).
_FORMS = Kept(512)


def _rendered(form_class, auto_id: str, **initial) -> dict:
    """`form_class` with `initial`, as the page uses it: {"as_div": its HTML}."""
    key = (form_class, auto_id, tuple(sorted(initial.items())))
    html = _FORMS.get(key)
    if html is None:
        html = _FORMS[key] = form_class(auto_id=auto_id, initial=initial).as_div()
    return {"as_div": html}


def editable_agent(request, employee_id: str, write: str, item: str | None = None):
    """The agent, when the write matrix lets the user make `write` for them (else 403 with
    the reason: esp.access.writes; the service checks again)."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, write, item, agent)
    return agent


def back_to_agent(request, agent, fragment: str = ""):
    target = request.POST.get("next", "")
    if not local_url(request, target):
        target = reverse("progress:agent", args=[agent.employee_id])
    return redirect(target + fragment)


def _cell_links(rows, can_tasks, back: str) -> dict:
    """The board's cells link to their status form (issue 14): each row's agent path built
    once per page from one reversal, the page to come back to quoted once."""
    prefix = reverse("progress:agent", args=["-"]).removesuffix("-/")
    for row in rows:
        row.url = f"{prefix}{quote(row.employee_id, safe='')}/"
    return {"can_tasks": can_tasks, "back": urlencode({"next": back})}


def _row_response(request, agent, error: str = "", status: int = 200):
    """The board row after a change (htmx), with a conflict or error message in it."""
    row = pages.agent_row(agent, clock.today(agent.training_class.program.time_zone))
    next_url = request.POST.get("next", "")
    can_tasks = writable(request.user, agent, tasks=[cell.task for cell in row.cells])["tasks"]
    back = next_url if local_url(request, next_url) else ""
    context = {"row": row, "error": error, **_cell_links([row], can_tasks, back)}
    return render(request, "progress/_row.html", context, status=status)


def _status_form(request, agent, task: str):
    """The status form of one board cell (issue 14: the board carries a link, the form comes
    when the chip is opened): a fragment for htmx, else a page of its own. It is based on the
    status the board showed (`status`, `based_on` in the link: §17 no lost work), else on
    the current one."""
    require_write(request.user, "task", task, agent)
    program = agent.training_class.program
    if "based_on" in request.GET:
        status, based_on = request.GET.get("status", ""), request.GET["based_on"]
    else:
        today = clock.today(program.time_zone)
        cell = next(c for c in pages.agent_row(agent, today).cells if c.task == task)
        status, based_on = cell.status, cell.based_on
    next_url = request.GET.get("next", "")
    context = {
        "agent": agent,
        "task": task,
        "task_name": selectors.task_names(program).get(task, task),
        "status": status,
        "based_on": based_on if based_on.isdigit() else "",
        "proof": task in proof_tasks(program),
        "statuses": forms.TaskStatusForm.base_fields["status"].choices,
        "next_url": next_url if local_url(request, next_url) else "",
        "in_row": bool(request.htmx),
    }
    template = "progress/_status_form.html" if request.htmx else "progress/status_form.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def task_status(request, employee_id: str, task: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    program = agent.training_class.program
    if not selectors.has_task(program, task):
        raise Http404("no such task")
    if request.method == "GET":
        return _status_form(request, agent, task)
    form = forms.TaskStatusForm(request.POST)
    error, refused, warning = "", False, ""
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
            warning = pages.second_fail_warning(agent, task, form.cleaned_data["status"])
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
            request, agent, error or warning, status=403 if refused else 409 if error else 200
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{label(task, 'task')} updated.")
        if warning:
            messages.warning(request, warning)
    return back_to_agent(request, agent)


@require_POST
def add_note(request, employee_id: str):
    agent = editable_agent(request, employee_id, "note")
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
    return back_to_agent(request, agent, "#notes")


@require_POST
def deliver_step(request, employee_id: str):
    """R-L5: deliver a ladder step; answered by esp.accountability (its CAP document)."""
    return hooks.view("deliver_step")(request, employee_id)


def _simple_change(request, employee_id, write, form_class, apply, anchor, done_message):
    agent = editable_agent(request, employee_id, write)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return back_to_agent(request, agent, anchor)
    day = clock.today(agent.training_class.program.time_zone)
    try:
        attempt(request, lambda: apply(agent, form.cleaned_data, day), done_message)
    except services.Conflict as exc:
        messages.error(request, str(exc))
    return back_to_agent(request, agent, anchor)


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


@require_POST
def move(request, employee_id: str):
    """R-T3: move the agent to another class of the program from a date, with the reason
    (the service tells the classrooms, R-S2)."""
    return _simple_change(
        request,
        employee_id,
        "move",
        forms.MoveForm,
        lambda agent, data, day: services.agent_class_move(
            agent=agent,
            to_class=data["to_class"],
            day=data["date"],
            reason=data["reason"],
            actor=request.user,
            now=clock.now(agent.training_class.program.time_zone),
        ),
        "#employment",
        "Move recorded.",
    )


@require_POST
def termination_decide(request, employee_id: str):
    """R-L5: the PM terms the agent on a date, or keeps them with a new expectation; answered
    by esp.accountability."""
    return hooks.view("termination_decide")(request, employee_id)
