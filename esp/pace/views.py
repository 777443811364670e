"""Licensing pace pages (R-I1b): the behind-pace list and the quick grid per class.

Parse, call a selector or service, render. The list is limited to the agents the user may
see (`visible_agents`); the grid fetches its class through `get_class_for_user` (404 outside
the user's scope) and takes only cells of agents shown on it.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.lib import clock
from esp.lib import render as renderers
from esp.lib.dates import picked_day, required_day
from esp.lib.display import label
from esp.lib.flash import attempt
from esp.programs.models import Program
from esp.progress.pages import local_url
from esp.roster.selectors import program_for

from . import selectors, services

TITLE = "Licensing: behind pace"


def _posted_day(request) -> date:
    """The grid's day of a save: a save never falls back to today (it would record the
    modules on a day nobody chose)."""
    text = request.GET.get("as_of") or request.POST.get("as_of")
    return required_day(text, "The grid's day (as of)")


def behind(request):
    """R-I1b: per class, the agents behind pace and what they miss; CSV and .xlsx."""
    try:
        program = program_for()
    except Program.DoesNotExist:
        raise Http404("no program") from None
    as_of = picked_day(request, program)
    agent_ids = selectors.visible_agent_ids(request.user)
    in_phase = selectors.pace_page_lines(program, as_of, agent_ids=agent_ids, now=clock.now())
    lines = [line for line in in_phase if line["behind"]]
    columns, rows = selectors.behind_table(lines)
    fmt = request.GET.get("format")
    if fmt == "csv":
        response = HttpResponse(
            renderers.table_csv(columns, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="licensing-pace-{as_of}.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            renderers.tables_xlsx({"Behind pace": (columns, rows)}),
            content_type=renderers.XLSX_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="licensing-pace-{as_of}.xlsx"'
        return response
    phase = selectors.pace_phase(program)
    classes = sorted({line["class_code"] for line in in_phase})
    return render(
        request,
        "pace/behind.html",
        {
            "title": TITLE,
            "as_of": as_of,
            "lines": lines,
            "classes": classes,
            "phase": phase,
            "modules": selectors.module_labels(selectors.pace_modules(phase)),
        },
    )


def _cells(post) -> tuple[set[str], set[str], set[str]]:
    return set(post.getlist("shown")), set(post.getlist("was")), set(post.getlist("done"))


def _refused_day(request, klass):
    """A save without a valid day is refused (a redirect with the reason), else None."""
    try:
        _posted_day(request)
    except ValidationError as error:
        problem = " ".join(error.messages).rstrip(".")
        messages.error(request, f"{problem}: nothing was saved.")
        return redirect("pace:grid", klass.code)
    return None


def _module_key(cell: str) -> str:
    return cell.partition(":")[2]


def _task_only_refusal(request, cells: set[str], rows: dict, modules: dict) -> bool:
    """A checked or unchecked `task_only` cell refuses the whole save (read-only on the page:
    only the accepted proof completes them, R-B2); True when refused."""
    by_task = sorted(
        cell
        for cell in cells
        if _module_key(cell) in modules and modules[_module_key(cell)].task_only
    )
    if not by_task:
        return False
    employee_id, _, key = by_task[0].partition(":")
    name = rows[employee_id]["name"] if employee_id in rows else employee_id
    messages.error(
        request,
        f"{modules[key].name} for {name} is done only when the proof is accepted "
        f"(its task, {modules[key].satisfied_by_task}), not by a check on the grid: "
        "nothing was saved.",
    )
    return True


def _changes(shown: set[str], was: set[str], done: set[str], modules: dict):
    """The cells whose wanted state differs from the state the page showed."""
    wanted = []
    for cell in sorted(shown):
        employee_id, _, key = cell.partition(":")
        if (cell in done) != (cell in was):
            wanted.append((employee_id, modules[key], cell in done, cell in was))
    agents = selectors.agents_by_employee_id({w[0] for w in wanted})
    return [
        services.CellChange(agents[e], module, now_done, was_done)
        for e, module, now_done, was_done in wanted
    ]


def _say_result(request, result: services.GridResult, as_of: date) -> None:
    recorded = len(result.recorded)
    if recorded:
        messages.success(
            request,
            f"{recorded} change{'s' if recorded != 1 else ''} recorded for {as_of:%m/%d/%Y}.",
        )
    elif not result.conflicts and not result.task_only:
        messages.success(request, "Nothing changed.")
    for change in result.task_only:
        messages.error(request, services.task_only_message(change.module, change.agent))
    for change in result.conflicts:
        messages.error(
            request,
            f"{change.module.name} for {change.agent.first_name} {change.agent.last_name} "
            "was changed by someone else meanwhile: not saved, check it again.",
        )


def _save(request, klass, as_of: date, data: dict):
    """One grid POST: the changed cells recorded for the grid's day, then back to the grid."""
    back = f"{reverse('pace:grid', args=[klass.code])}?as_of={as_of.isoformat()}"
    now = clock.now(klass.program.time_zone)
    if as_of > now.date():
        messages.error(request, f"{as_of:%m/%d/%Y} is in the future: nothing was saved.")
        return redirect(back)
    shown, was, done = _cells(request.POST)
    rows = {row["employee_id"]: row for row in data["rows"]}
    modules = {m["module"].key: m["module"] for m in data["modules"]}
    for cell in sorted(shown):
        employee_id, _, key = cell.partition(":")
        if employee_id not in rows or key not in modules:
            return HttpResponseBadRequest(f"Unknown cell {cell}: reload the grid.")
    if _task_only_refusal(request, shown | done, rows, modules):
        return redirect(back)
    result = services.grid_save(
        changes=_changes(shown, was, done, modules), day=as_of, actor=request.user, now=now
    )
    _say_result(request, result, as_of)
    return redirect(back)


@require_http_methods(["GET", "HEAD", "POST"])
def grid(request, code: str):
    """R-I1b: the class's agents × the pace modules, a checkbox a cell; one POST saves the
    changed cells."""
    klass = scopes.get_class_for_user(request.user, code)
    program = klass.program
    if request.method == "POST" and (refused := _refused_day(request, klass)):
        return refused
    as_of = picked_day(request, program)
    data = selectors.class_grid(
        program, klass.code, as_of, selectors.visible_agent_ids(request.user)
    )
    if request.method == "POST":
        return _save(request, klass, as_of, data)
    return render(
        request,
        "pace/grid.html",
        {
            "title": f"Licensing pace — {klass.code}",
            "klass": klass,
            "as_of": as_of,
            **data,
        },
    )


@require_POST
def proctored_arrange(request, employee_id: str):
    """R-N4a (issue 15 item 13): Licensing marks a proctored last attempt arranged for a day,
    from their Today or the agent's page."""
    agent = scopes.get_agent_for_user(request.user, employee_id)
    exam = request.POST.get("exam", "")
    today = clock.today(agent.training_class.program.time_zone)
    try:
        day = required_day(request.POST.get("arranged_for"), "The day it is arranged for")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, agent)
    attempt(
        request,
        lambda: services.proctored_arrange(
            agent=agent, exam=exam, arranged_for=day, today=today, actor=request.user
        ),
        lambda row: (
            f"Proctored last attempt of {agent.name} ({label(exam, 'exam')}) arranged "
            f"for {row.arranged_for:%m/%d/%Y}."
        ),
    )
    return _back(request, agent)


def _back(request, agent):
    """To the page the form was on (Today or the agent page), at the proctored attempts."""
    target = request.POST.get("next", "")
    if not local_url(request, target):
        target = reverse("progress:agent", args=[agent.employee_id])
    return redirect(target + "#proctored")
