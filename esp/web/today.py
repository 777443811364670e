"""Today pages (SPEC §1, R-N5, R-N7): what each role must do now, with links to act.

The view picks the sections the user's roles call for (esp.web.sections: each one selector,
read through the access layer, so a TL's page holds only their classes) and renders them; an
agent never gets here.
"""

from __future__ import annotations

from django.shortcuts import render

from esp.lib import clock
from esp.lib.dates import picked_day
from esp.roster.selectors import program_for

from . import sections


def today(request):
    program = program_for()
    as_of = picked_day(request, program)
    base = sections.basis(request.user, program, as_of, clock.now(program.time_zone))
    context = {"as_of": as_of, "roles": base.roles}
    for section in sections.picked(base):
        context.update(sections.as_context(section))
    return render(request, "web/today.html", context)
