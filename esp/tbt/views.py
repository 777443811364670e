"""TBT pages (R-B3–R-B7) and the two end-of-day summaries as pages, CSV and .xlsx.

Parse, call a selector or service, render. Every list is limited to the agents the user may
see (`visible_agents`); the escalation form fetches its agent through `get_agent_for_user`.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from esp.access import scopes
from esp.access.writes import may_write
from esp.lib import clock
from esp.lib import render as renderers
from esp.lib.csvio import parse_date
from esp.lib.dates import picked_day, required_day
from esp.lib.flash import attempt
from esp.programs.models import Program
from esp.roster.selectors import program_for

from . import selectors, services, tables

PAGES = {
    "callcert_summary": (
        "End-of-day Call Cert summary",
        selectors.callcert_summary,
        tables.callcert_table,
    ),
    "tbt_completion": (
        "End-of-day TBT completion",
        selectors.tbt_completion,
        tables.tbt_completion_table,
    ),
    "behind_pace": ("TBTs behind pace", selectors.behind_pace, tables.tbt_completion_table),
    "searched": (
        "Searched by course number",
        selectors.searched_by_course,
        tables.searched_table,
    ),
    "escalations": (
        "N-Number help-desk escalations",
        selectors.help_desk_escalations,
        tables.escalation_table,
    ),
}


class HelpDeskCallForm(forms.Form):
    employee_id = forms.CharField(max_length=40)
    incident_number = forms.CharField(max_length=60)
    call_date = forms.CharField(max_length=20)

    def clean_call_date(self):
        try:
            return parse_date(self.cleaned_data["call_date"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class TbtAccessForm(forms.Form):
    employee_id = forms.CharField(max_length=40)
    granted_on = forms.CharField(max_length=20)

    def clean_granted_on(self):
        try:
            return parse_date(self.cleaned_data["granted_on"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def _program() -> Program:
    try:
        return program_for()
    except Program.DoesNotExist:
        raise Http404("no program") from None


def _as_of(request, program: Program) -> tuple[date, str]:
    """The page's day (today when none or a bad one is given) and why a given one was not
    taken, to show above the list."""
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


def _page(request, name: str, *, form=None):
    title, select, to_table = PAGES[name]
    program = _program()
    as_of, error = _as_of(request, program)
    lines = select(program, as_of, selectors.visible_agent_ids(request.user))
    columns, rows = to_table(lines)
    fmt = request.GET.get("format")
    if fmt == "csv":
        csv = renderers.table_csv(columns, rows)
        return _download(csv, "text/csv; charset=utf-8", f"{name}-{as_of}.csv")
    if fmt == "xlsx":
        workbook = renderers.tables_xlsx({title: (columns, rows)})
        return _download(workbook, renderers.XLSX_TYPE, f"{name}-{as_of}.xlsx")
    headers, cells = tables.page_table(columns, lines)
    return render(
        request,
        "tbt/table.html",
        {
            "name": name,
            "title": title,
            "as_of": as_of,
            "columns": headers,
            "rows": cells,
            "lines": lines,
            "error": error,
            "form": form,
            "send_classes": _send_classes(request, name, lines),
        },
    )


def _send_classes(request, name: str, lines: list[dict]) -> list[str]:
    """The classes whose screenshots the user may send (seed 000): the searched page's."""
    if name != "searched" or not may_write(request.user, "tbt"):
        return []
    return sorted({line["class_code"] for line in lines})


def callcert_summary(request):
    return _page(request, "callcert_summary")


def tbt_completion(request):
    return _page(request, "tbt_completion")


def behind_pace(request):
    return _page(request, "behind_pace")


@require_http_methods(["GET", "HEAD", "POST"])
def searched(request):
    """R-B3/R-B4: the accepted screenshots, and (POST) a class's sent to its named leaders."""
    if request.method == "POST":
        training_class = scopes.get_class_for_user(request.user, request.POST.get("class", ""))
        now = clock.now(training_class.program.time_zone)
        try:
            row = services.searched_send(training_class=training_class, actor=request.user, now=now)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if row is None:
                messages.error(
                    request, f"These screenshots of {training_class.code} were already sent."
                )
            else:
                messages.success(
                    request,
                    f"The screenshots of {training_class.code} are on their way to "
                    f"{', '.join(row.to) or 'nobody'}.",
                )
        return redirect("tbt:searched")
    return _page(request, "searched")


@require_http_methods(["GET", "HEAD", "POST"])
def escalations(request):
    """R-B5: the help-desk list, and the form recording a call's incident number and date."""
    if request.method == "POST" and request.POST.get("action") == "access":
        return _record_access(request)
    form = HelpDeskCallForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            agent = scopes.get_agent_for_user(request.user, form.cleaned_data["employee_id"])
            try:
                services.help_desk_call_record(
                    agent=agent,
                    incident_number=form.cleaned_data["incident_number"],
                    call_date=form.cleaned_data["call_date"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, "; ".join(exc.messages))
            else:
                messages.success(
                    request,
                    f"Help-desk call {form.cleaned_data['incident_number']} recorded for "
                    f"{agent.first_name} {agent.last_name}.",
                )
                return redirect("tbt:escalations")
    return _page(request, "escalations", form=form)


def _record_access(request):
    """R-B5: the agent's remote-desktop access works: they leave the help-desk list."""
    form = TbtAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the agent and the date their TBT access started.")
        return redirect("tbt:escalations")
    agent = scopes.get_agent_for_user(request.user, form.cleaned_data["employee_id"])
    granted_on = form.cleaned_data["granted_on"]
    attempt(
        request,
        lambda: services.tbt_access_record(agent=agent, granted_on=granted_on, actor=request.user),
        f"TBT access recorded for {agent.first_name} {agent.last_name} "
        f"since {granted_on:%m/%d/%Y}.",
    )
    return redirect("tbt:escalations")
