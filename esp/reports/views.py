"""Read-only report pages for the ESP Manager. Parse, build, render.

(Each role's own report views come with the Today pages.)"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from esp import clock
from esp.imports import parse_date
from esp.mailing.views import esp_manager_required
from esp.programs.models import Program
from esp.roster.models import TrainingClass

from . import render as renderers
from .builders import REPORTS, build_report, program_for

TITLES = {
    "incompletions": "Daily incompletions",
    "actions": "Corrective actions due",
    "callcert": "Call certification",
    "extensions": "Training-environment extensions",
}


@esp_manager_required
def index(request):
    return render(request, "reports/index.html", {"reports": TITLES})


@esp_manager_required
def report(request, name: str):
    if name not in REPORTS:
        raise Http404("no such report")
    class_code = request.GET.get("class") or None
    if class_code and not TrainingClass.objects.filter(code=class_code).exists():
        raise Http404("no such class")
    try:
        program = program_for(class_code=class_code)
    except Program.DoesNotExist:
        raise Http404("no program") from None
    error = ""
    as_of = clock.today(program.time_zone)
    if request.GET.get("as_of"):
        try:
            as_of = parse_date(request.GET["as_of"])
        except ValueError as exc:
            error = str(exc)
    data = build_report(name, as_of=as_of, class_code=class_code, program=program)
    fmt = request.GET.get("format")
    if fmt == "json":
        return HttpResponse(renderers.to_json(data), content_type="application/json")
    if fmt == "csv":
        response = HttpResponse(renderers.to_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{as_of}.csv"'
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
            "classes": TrainingClass.objects.values_list("code", flat=True),
            "columns": columns,
            "rows": rows,
            "error": error,
            "reports": TITLES,
        },
    )
