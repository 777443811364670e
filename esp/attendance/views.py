"""Taking a class day's attendance (R-A1, R-A2, R-A6): one row per agent, one label each
("Full day of work" unless something happened), quick marking of occurrences with minutes,
and the break check-ins whose misses propose MIA. Every mark is an attendance fact (who,
when); excusing needs a reason.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esp.access import scopes
from esp.access.writes import may_write, require_write
from esp.lib import clock
from esp.lib import render as renderers
from esp.lib.dates import picked_day
from esp.lib.flash import attempt
from esp.progress import services
from esp.reports.digest import attendance_digest, digest_table
from esp.roster.selectors import program_for
from esp.rules.attendance import recording_refused

from .forms import MarkForm
from .selectors import attendance_day as attendance_day_of
from .selectors import no_class_reason, occurrence_kinds

CHECK_INS = (("break1", "first break"), ("lunch", "lunch"), ("break2", "second break"))


def _refused(training_class, day) -> str | None:
    """Why attendance cannot be recorded on `day` (a day to come, no class), or None."""
    today = clock.today(training_class.program.time_zone)
    return recording_refused(day, today, no_class_reason(training_class, day))


def attendance_day(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    day = picked_day(request, training_class.program, "date")
    page = attendance_day_of(training_class, day, agent_ids=scopes.visible_agent_ids(request.user))
    refused = _refused(training_class, day)
    return render(
        request,
        "attendance/attendance.html",
        {
            "training_class": training_class,
            "day": day,
            "business_day": page.business_day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rows": page.rows,
            "kinds": page.kinds,
            "check_ins": CHECK_INS,
            "can_edit": may_write(request.user, "attendance"),
            "refused": (refused or "").replace("Nothing was recorded.", "").strip(),
        },
    )


def _mark_data(request):
    """The posted mark; a missed break check-in with no kind chosen proposes MIA."""
    missed = [name for key, name in CHECK_INS if request.POST.get(f"{key}_missed")]
    data = request.POST.copy()
    if missed and not data.get("kind"):
        data["kind"] = "mia"
        data["note"] = data.get("note") or f"Missed the check-in at {', '.join(missed)}"
    return data


def _named(agent, write):
    """`write`, its refusal's message starting with the agent's name."""

    def named():
        try:
            return write()
        except ValidationError as exc:
            raise ValidationError(f"{agent.name}: {' '.join(exc.messages)}") from None

    return named


@require_POST
def attendance_mark(request, code: str, employee_id: str):
    training_class = scopes.get_class_for_user(request.user, code)
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "attendance", None, agent)
    day = picked_day(request, training_class.program, "date")
    back = reverse("attendance:attendance", args=[code]) + f"?date={day.isoformat()}"
    refused = _refused(training_class, day)
    if refused:
        messages.error(request, f"{agent.name}: {refused}")
        return redirect(back)
    kinds = occurrence_kinds(training_class.program)
    form = MarkForm(_mark_data(request), kinds=kinds)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"{agent.name}: {' '.join(errors)}")
        return redirect(back)
    kind, minutes = form.cleaned_data["kind"], form.cleaned_data["minutes"]
    record = _named(
        agent,
        lambda: services.fact_record(
            agent=agent,
            day=day,
            kind="attendance",
            item=kind,
            value="" if minutes is None else str(minutes),
            note=form.cleaned_data["note"],
            actor=request.user,
            source="attendance",
        ),
    )
    attempt(request, record, f"{agent.name}: {dict(kinds)[kind]} recorded.")
    return redirect(back)


def _digest_file(rows, day, fmt: str) -> HttpResponse:
    columns, table = digest_table(rows)
    if fmt == "csv":
        content, kind = renderers.table_csv(columns, table), "text/csv; charset=utf-8"
    else:
        content = renderers.tables_xlsx({"Attendance": (columns, table)})
        kind = renderers.XLSX_TYPE
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="attendance-{day}.{fmt}"'
    return response


def digest(request):
    """R-A6: the day's occurrences per class, as a page, CSV or .xlsx (WFM reads all)."""
    program = program_for()
    day = picked_day(request, program, "date")
    agents = None
    if not scopes.has_role(request.user, scopes.WFM, scopes.ESP_MANAGER):
        agents = scopes.visible_agents(request.user)
    rows = attendance_digest(program, day, agents=agents)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _digest_file(rows, day, fmt)
    return render(request, "attendance/digest.html", {"day": day, "rows": rows})
