"""The ESP Manager's operations pages: environment extensions (R-E1–R-E3) and transfers to
production (R-X1–R-X2). Views parse input, call a selector or a service and render."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from esp.lib import clock
from esp.lib.dates import picked_day
from esp.lib.flash import attempt
from esp.progress.services import projection
from esp.roster.selectors import program_for

from . import selectors, services

EXTENSIONS_PER_PAGE = 20  # classes a page (issue 14: a season's hundreds, with checklists)


def extensions(request):
    program = program_for()
    as_of = picked_day(request, program)
    number = request.GET.get("page", "1")
    context = selectors.extension_board(
        program,
        as_of,
        _report("extensions", program, as_of),
        page=int(number) if number.isdigit() else 1,
        per_page=EXTENSIONS_PER_PAGE,
        now=clock.now(program.time_zone),
    )
    context["as_of"] = as_of
    context["zone"] = program.time_zone  # "Done by … at" in the program's zone
    return render(request, "operations/extensions.html", context)


def _report(name: str, program, as_of):
    """The report as of D from the read model (built on first use)."""
    return projection.read_report(name, program=program, as_of=as_of, now=clock.now())


@require_POST
def extension_step(request, code):
    program = program_for()
    training_class = selectors.visible_class(request.user, code)
    as_of = picked_day(request, program)
    employee_id = request.POST.get("employee_id", "")
    agent = selectors.visible_agent(request.user, employee_id) if employee_id else None
    attempt(
        request,
        lambda: services.extension_step_record(
            program=program,
            training_class=training_class,
            step=request.POST.get("step", ""),
            agent=agent,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
            now=clock.now(program.time_zone),
            as_of=as_of,
        ),
        "Step recorded.",
    )
    return redirect(f"/operations/extensions/?as_of={as_of.isoformat()}")


@require_POST
def undo(request, employee_id):
    program = program_for()
    agent = selectors.visible_agent(request.user, employee_id)
    as_of = picked_day(request, program)
    attempt(
        request,
        lambda: services.undo_record(
            program=program,
            agent=agent,
            note=request.POST.get("note", ""),
            actor=request.user,
            now=clock.now(program.time_zone),
            as_of=as_of,
        ),
        f"Uptraining undone for {agent.name}.",
    )
    return redirect(f"/operations/extensions/?as_of={as_of.isoformat()}")


def transfers(request):
    program = program_for()
    as_of = picked_day(request, program)
    rows = selectors.transfer_rows(
        program, as_of, _report("incompletions", program, as_of), request.user
    )
    return render(request, "operations/transfers.html", {"rows": rows, "as_of": as_of})


@require_http_methods(["GET", "HEAD", "POST"])
def transfer(request, employee_id):
    program = program_for()
    agent = selectors.visible_agent(request.user, employee_id)
    today = clock.today(program.time_zone)
    now = clock.now(program.time_zone)
    if request.method == "POST":
        attempt(
            request,
            lambda: services.transfer_step_record(
                program=program,
                agent=agent,
                step=request.POST.get("step", ""),
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                actor=request.user,
                now=now,
                today=today,
            ),
            "Step recorded.",
        )
        return redirect("operations:transfer", employee_id=agent.employee_id)
    passed = selectors.transfer_passed(agent)
    context = {
        "agent": agent,
        "today": today,
        "facts": selectors.transfer_facts(agent, today),
        "passed": passed,
        "refusal": "" if passed else selectors.transfer_refusal(program, agent, today),
        "items": selectors.transfer_checklist(agent, today, now),
        "zone": program.time_zone,  # "Done by … at" in the program's zone
    }
    return render(request, "operations/transfer.html", context)
