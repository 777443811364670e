"""The ESP Manager's team-upkeep page (R-N7): who keeps up on a day, and a gap report to
send. Views parse input, call a selector or a service and render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esp.lib import clock
from esp.lib.dates import picked_day, required_day
from esp.lib.flash import attempt
from esp.programs.calendars import calendar_for
from esp.roster.selectors import program_for

from . import selectors, services


def teams(request):
    program = program_for()
    as_of = picked_day(request, program)
    business_day = calendar_for(program).is_business_day(as_of)
    rows = (
        selectors.team_upkeep(program, as_of, clock.now(program.time_zone)) if business_day else []
    )
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
            "business_day": business_day,
            "sections": sections,
            "gaps": sum(row.gaps for row in rows),
            "recipients": services.RECIPIENTS,
            "zone": program.time_zone,  # "reported on … at" in the program's zone
        },
    )


def _posted_day(request):
    """The day of the gaps, as posted: required, a date within the calendar's years."""
    text = request.POST.get("as_of", "").strip()
    if not text:
        raise ValidationError("Give the day of the gaps to report (as_of).")
    return required_day(text, "The day of the gaps (as_of)")


def _queued(sent) -> str:
    person = sent.person.get_full_name() or sent.person.email
    return f"Gap report for {person} queued to {', '.join(sent.recipients)}."


@require_POST
def report(request):
    program = program_for()
    as_of = attempt(request, lambda: _posted_day(request))
    if as_of is None:
        return redirect(reverse("upkeep:teams"))
    now = clock.now(program.time_zone)
    attempt(
        request,
        lambda: services.gap_report_send(
            program=program,
            person_id=request.POST.get("person"),
            day=as_of,
            today=now.date(),
            recipients=request.POST.get("recipients", ""),
            note=request.POST.get("note", ""),
            actor=request.user,
            now=now,
        ),
        _queued,
    )
    return redirect(f"{reverse('upkeep:teams')}?as_of={as_of.isoformat()}")
