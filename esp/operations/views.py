"""The ESP Manager's operations pages: environment extensions (R-E1–R-E3) and transfers to
production (R-X1–R-X2). Views parse input, call a service and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.lib import clock
from esp.lib.dates import picked_day
from esp.reports.builders import build_report, program_for
from esp.roster.models import Agent

from . import services


def _agent(request, employee_id) -> Agent:
    agent = scopes.visible_agents(request.user).filter(employee_id=employee_id).first()
    if agent is None:
        raise Http404
    return agent


def extensions(request):
    program = program_for()
    as_of = picked_day(request, program)
    context = services.extension_board(program, as_of)
    context.update({"as_of": as_of, "uptraining_value": services.UPTRAINING_VALUE})
    return render(request, "operations/extensions.html", context)


@require_POST
def extension_step(request, code):
    program = program_for()
    training_class = scopes.visible_classes(request.user).filter(code=code).first()
    if training_class is None:
        raise Http404
    as_of = picked_day(request, program)
    employee_id = request.POST.get("employee_id", "")
    agent = _agent(request, employee_id) if employee_id else None
    try:
        services.extension_step_record(
            program=program,
            training_class=training_class,
            step=request.POST.get("step", ""),
            agent=agent,
            value=request.POST.get("value", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
            now=clock.now(program.time_zone),
            as_of=as_of,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Step recorded.")
    return redirect(f"/operations/extensions/?as_of={as_of.isoformat()}")


@require_POST
def undo(request, employee_id):
    program = program_for()
    agent = _agent(request, employee_id)
    as_of = picked_day(request, program)
    try:
        services.undo_record(
            program=program,
            agent=agent,
            note=request.POST.get("note", ""),
            actor=request.user,
            now=clock.now(program.time_zone),
            as_of=as_of,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Uptraining undone for {agent.name}.")
    return redirect(f"/operations/extensions/?as_of={as_of.isoformat()}")


def transfers(request):
    program = program_for()
    as_of = picked_day(request, program)
    report = build_report("incompletions", as_of=as_of, program=program)
    lines = next(s["agents"] for s in report["sections"] if s["key"] == "transfer_needed")
    agents = {
        a.employee_id: a
        for a in Agent.objects.filter(employee_id__in=[line["employee_id"] for line in lines])
        .select_related("training_class__campaign", "site")
        .prefetch_related("transfer_steps", "training_class__sites")
    }
    rows = []
    for line in lines:
        agent = agents.get(line["employee_id"])
        if agent is None:
            continue
        steps = list(agent.transfer_steps.all())
        rows.append(
            {
                "agent": agent,
                "class_code": line.get("class_code", agent.training_class.code),
                "department": services.home_department(agent),
                "recorded": len(steps),
                "last": steps[-1] if steps else None,
            }
        )
    return render(request, "operations/transfers.html", {"rows": rows, "as_of": as_of})


@require_http_methods(["GET", "HEAD", "POST"])
def transfer(request, employee_id):
    program = program_for()
    agent = _agent(request, employee_id)
    today = clock.today(program.time_zone)
    if request.method == "POST":
        try:
            services.transfer_step_record(
                program=program,
                agent=agent,
                step=request.POST.get("step", ""),
                outcome=request.POST.get("outcome", ""),
                note=request.POST.get("note", ""),
                actor=request.user,
                now=clock.now(program.time_zone),
                today=today,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Step recorded.")
        return redirect("operations:transfer", employee_id=agent.employee_id)
    context = {
        "agent": agent,
        "today": today,
        "department": services.home_department(agent),
        "items": services.transfer_checklist(agent, today),
        "passed": services.transfer_passed(agent),
    }
    return render(request, "operations/transfer.html", context)
