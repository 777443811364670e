"""Report pages (SPEC §15) with the as-of date picker and CSV/.xlsx downloads, each limited
to the agents and classes the user may see. Parse, build, render."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render

from esp.access import scopes
from esp.lib import render as tables
from esp.lib.dates import picked_day, required_day
from esp.lib.display import label
from esp.programs.models import Program
from esp.roster.selectors import program_for

from . import render as renderers
from .builders import REPORTS, build_report, report_page, scoped_report
from .pages import page_tables
from .selectors import visible_class_codes

TITLES = {
    "incompletions": "Daily incompletions",
    "actions": "Corrective actions due",
    "callcert": "Call certification",
    "extensions": "Training-environment extensions",
    "attendance": "Attendance points (90 days)",
}


def index(request):
    return render(request, "reports/index.html", {"reports": TITLES})


def picked_day_and_error(request, program: Program) -> tuple[date, str]:
    """The page's day (today when none or a bad one is given) and why a given one was not
    taken, to show above the report."""
    text = request.GET.get("as_of")
    if not text:
        return picked_day(request, program), ""
    try:
        return required_day(text, "As of"), ""
    except ValidationError as error:
        return picked_day(request, program), " ".join(error.messages)


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _formatted(data: dict, fmt: str, name: str, as_of: date) -> HttpResponse:
    """The whole report as JSON, CSV or .xlsx."""
    if fmt == "json":
        return HttpResponse(renderers.to_json(data), content_type="application/json")
    if fmt == "csv":
        return _download(renderers.to_csv(data), "text/csv; charset=utf-8", f"{name}-{as_of}.csv")
    workbook = tables.tables_xlsx({name: renderers.flat_rows(data)})
    return _download(workbook, tables.XLSX_TYPE, f"{name}-{as_of}.xlsx")


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
    as_of, error = picked_day_and_error(request, program)
    fmt = request.GET.get("format")
    if fmt in ("json", "csv", "xlsx"):  # the whole report, as today
        data = scoped_report(
            request.user, build_report(name, as_of=as_of, class_code=class_code, program=program)
        )
        return _formatted(data, fmt, name, as_of)
    paged = report_page(
        name,
        as_of=as_of,
        user=request.user,
        program=program,
        class_code=class_code,
        page=_page_number(request),
    )
    tables = page_tables(paged["report"], program)
    return render(
        request,
        "reports/report.html",
        {
            "name": name,
            "title": TITLES[name],
            "as_of": as_of,
            "class_code": class_code or "",
            "classes": visible_class_codes(request.user),
            "tables": tables,
            "lines": _lines_on_page(paged["report"]),  # report lines (an agent's
            # attendance line shows a row per occurrence: not the rows of the tables)
            "error": error,
            "reports": TITLES,
            "paged": paged,
            "totals": _totals(name, paged["totals"]),
        },
    )


def _lines_on_page(report: dict) -> int:
    if "sections" in report:
        return sum(len(section["agents"]) for section in report["sections"])
    return next((len(report[key]) for key in ("agents", "actions", "classes") if key in report), 0)


def _page_number(request) -> int:
    text = request.GET.get("page", "")
    return int(text) if text.isdigit() else 1


def _totals(name: str, totals: dict[str, int]) -> list[tuple[str, int]]:
    """The totals by section to show above the page: (label, count)."""
    if name == "incompletions":
        return [(label(key, "section"), n) for key, n in totals.items()]
    return [("Classes" if name == "extensions" else "Lines", totals[""])]
