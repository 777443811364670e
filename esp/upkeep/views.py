"""The ESP Manager's team-upkeep page (R-N7): who keeps up on a day, and a gap report to
send. Views parse input, call a selector or a service and render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from esp import clock
from esp.reports.builders import program_for
from esp.web.dates import picked_day

from . import selectors, services


def teams(request):
    program = program_for()
    as_of = picked_day(request, program)
    rows = selectors.team_upkeep(program, as_of, clock.now(program.time_zone))
    titles = ("TLs", "Licensing", "Cert coordinators")
    sections = [
        (title, [row for row in rows if row.role == role])
        for role, title in zip(selectors.TEAM_ROLES, titles, strict=True)
    ]
    return render(
        request,
        "upkeep/teams.html",
        {
            "as_of": as_of,
            "sections": sections,
            "gaps": sum(row.gaps for row in rows),
            "recipients": services.RECIPIENTS,
        },
    )


def report(request):
    program = program_for()
    as_of = picked_day(request, program)
    try:
        sent = services.gap_report_send(
            program=program,
            person_id=request.POST.get("person"),
            day=as_of,
            recipients=request.POST.get("recipients", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
            now=clock.now(program.time_zone),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Gap report for {sent.person.get_full_name() or sent.person.email} queued to "
            f"{', '.join(sent.recipients)}.",
        )
    return redirect(f"{reverse('upkeep:teams')}?as_of={as_of.isoformat()}")
