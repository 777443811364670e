"""Report pages (SPEC §15) with the as-of date picker and CSV/.xlsx downloads, each limited
to the agents and classes the user may see. Parse, build, render."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from esp.access import scopes
from esp.lib import clock
from esp.lib.csvio import parse_date
from esp.programs.calendars import in_calendar
from esp.programs.models import Program

from . import render as renderers
from .builders import REPORTS, build_report, program_for, scoped_report

TITLES = {
    "incompletions": "Daily incompletions",
    "actions": "Corrective actions due",
    "callcert": "Call certification",
    "extensions": "Training-environment extensions",
    "attendance": "Attendance points (90 days)",
}


def index(request):
    return render(request, "reports/index.html", {"reports": TITLES})


def report(request, name: str):
    if name not in REPORTS:
        raise Http404("no such report")
    class_code = request.GET.get("class") or None
    if class_code:
        scopes.get_class_for_user(request.user, class_code)
    try:
        program = program_for(class_code=class_code)
    except Program.DoesNotExist:
        raise Http404("no program") from None
    error = ""
    as_of = clock.today(program.time_zone)
    if request.GET.get("as_of"):
        try:
            picked = parse_date(request.GET["as_of"])
            if not in_calendar(picked):
                raise ValueError(f"{picked:%m/%d/%Y} is outside the calendar's years")
            as_of = picked
        except ValueError as exc:
            error = str(exc)
    data = scoped_report(
        request.user, build_report(name, as_of=as_of, class_code=class_code, program=program)
    )
    fmt = request.GET.get("format")
    if fmt == "json":
        return HttpResponse(renderers.to_json(data), content_type="application/json")
    if fmt == "csv":
        response = HttpResponse(renderers.to_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{as_of}.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            renderers.tables_xlsx({name: renderers.flat_rows(data)}),
            content_type=renderers.XLSX_TYPE,
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-{as_of}.xlsx"'
        return response
    columns, rows = renderers.flat_rows(data)
    return render(
        request,
        "reports/report.html",
        {
            "name": name,
            "title": TITLES[name],
            "as_of": as_of,
            "class_code": class_code or "",
            "classes": scopes.visible_classes(request.user).values_list("code", flat=True),
            "columns": columns,
            "rows": rows,
            "error": error,
            "reports": TITLES,
        },
    )
