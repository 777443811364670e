"""Today pages (SPEC §1, R-N5, R-N7): what each role must do now, with links to act.

The view picks the sections the user's roles call for (esp.web.sections: each one selector,
read through the access layer, so a TL's page holds only their classes) and renders them; an
agent never gets here. Each list shows its count and its first items with "See all N"
(issue 14): a report page, another app's page, or the list whole on `?list=<name>`, paged.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from esp.lib import clock
from esp.lib.dates import picked_day
from esp.roster.selectors import program_for

from . import sections

PER_PAGE = 100


def today(request):
    program = program_for()
    as_of = picked_day(request, program)
    now = clock.now(program.time_zone)
    name = request.GET.get("list")
    if name:
        return _one_list(request, sections.basis(request.user, program, as_of, now, first=None))
    base = sections.basis(request.user, program, as_of, now)
    context = {"as_of": as_of, "roles": base.roles, "zone": program.time_zone}
    for section in sections.picked(base):
        context.update(sections.as_context(section))
    return render(request, "web/today.html", context)


def _one_list(request, base):
    """A Today list whole, `PER_PAGE` items a page, for the roles whose Today holds it."""
    name, part = request.GET["list"], request.GET.get("part", "")
    found = sections.one_list(base, name, part)
    if found is None:
        raise Http404("no such list on your Today page")
    section, listed, title = found
    page = sections.OWN_PAGES[name]
    return render(
        request,
        "web/list.html",
        {
            **sections.as_context(section),
            "as_of": base.as_of,
            "roles": base.roles,
            "zone": base.program.time_zone,  # times in the program's zone (issue 17 item 3)
            "name": name,
            "part": part,
            "title": title,
            "anchor": page.anchor,
            "row_template": f"web/rows/{name}.html",
            "page": Paginator(listed.items, PER_PAGE).get_page(request.GET.get("page")),
        },
    )
