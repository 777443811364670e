"""Taking a class day's attendance (R-A1, R-A2, R-A6): one row per agent, one label each
("Full day of work" unless something happened), quick marking of occurrences with minutes,
and the break check-ins whose misses propose MIA. Every mark is an attendance fact (who,
when); excusing needs a reason.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from esp.access import scopes
from esp.access.writes import may_write, require_write
from esp.lib.dates import picked_day
from esp.programs.calendars import calendar_for
from esp.progress import services
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.rules.attendance import day_label
from esp.rules.progress import Progress

CHECK_INS = (("break1", "first break"), ("lunch", "lunch"), ("break2", "second break"))
TIMED = ("tardy", "left_early")


class MarkForm(forms.Form):
    kind = forms.ChoiceField()
    minutes = forms.IntegerField(required=False, min_value=0, max_value=24 * 60)
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in TIMED and data.get("minutes") is None:
            self.add_error("minutes", "Say how many minutes late or early.")
        if kind == "absent_approved" and not (data.get("note") or "").strip():
            self.add_error("note", "Excusing an absence needs a reason.")
        return data


def attendance_day(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    program = training_class.program
    day = picked_day(request, program, "date")
    calendar = calendar_for(program)
    labels = dict(program.occurrence_kinds.values_list("key", "label"))
    policy = program.policy()  # read once: it is 14 queries
    records = [
        r
        for r in agent_records(
            program, day, class_code=code, agent_ids=scopes.visible_agent_ids(request.user)
        )
        if Progress(r, policy).class_dates(day).code == code
    ]
    facts = Fact.objects.filter(
        agent__employee_id__in=[r.employee_id for r in records], kind="attendance", date=day
    ).order_by("pk")
    by_agent: dict[str, list[Fact]] = {}
    for fact in facts.select_related("agent"):
        by_agent.setdefault(fact.agent.employee_id, []).append(fact)
    rows = []
    for record in sorted(records, key=lambda r: (r.last_name, r.first_name)):
        progress = Progress(record, policy)
        own = by_agent.get(record.employee_id, [])
        occurrences = [(f.item, int(f.value) if f.value.isdigit() else None) for f in own]
        rows.append(
            {
                "employee_id": record.employee_id,
                "name": record.name,
                "active": progress.is_active(day),
                "label": day_label(occurrences, labels),
                "facts": own,
            }
        )
    return render(
        request,
        "attendance/attendance.html",
        {
            "training_class": training_class,
            "day": day,
            "business_day": calendar.is_business_day(day),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "rows": rows,
            "kinds": list(program.occurrence_kinds.values_list("key", "label")),
            "check_ins": CHECK_INS,
            "can_edit": may_write(request.user, "attendance"),
        },
    )


@require_POST
def attendance_mark(request, code: str, employee_id: str):
    training_class = scopes.get_class_for_user(request.user, code)
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "attendance", None, agent)
    program = training_class.program
    day = picked_day(request, program, "date")
    back = reverse("attendance:attendance", args=[code]) + f"?date={day.isoformat()}"
    missed = [name for key, name in CHECK_INS if request.POST.get(f"{key}_missed")]
    kinds = list(program.occurrence_kinds.values_list("key", "label"))
    data = request.POST.copy()
    if missed and not data.get("kind"):
        data["kind"] = "mia"
        data["note"] = data.get("note") or f"Missed the check-in at {', '.join(missed)}"
    form = MarkForm(data, kinds=kinds)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"{agent.name}: {' '.join(errors)}")
        return redirect(back)
    minutes = form.cleaned_data["minutes"]
    try:
        services.fact_record(
            agent=agent,
            day=day,
            kind="attendance",
            item=form.cleaned_data["kind"],
            value="" if minutes is None else str(minutes),
            note=form.cleaned_data["note"],
            actor=request.user,
            source="attendance",
        )
    except ValidationError as exc:
        messages.error(request, f"{agent.name}: {' '.join(exc.messages)}")
        return redirect(back)
    messages.success(request, f"{agent.name}: {dict(kinds)[form.cleaned_data['kind']]} recorded.")
    return redirect(back)


def digest(request):
    """R-A6: the day's occurrences per class, as a page, CSV or .xlsx (WFM reads all)."""
    from django.http import HttpResponse

    from esp.reports import render as renderers
    from esp.reports.builders import program_for
    from esp.reports.digest import attendance_digest, digest_table

    program = program_for()
    day = picked_day(request, program, "date")
    agents = None
    if not scopes.has_role(request.user, scopes.WFM, scopes.ESP_MANAGER):
        agents = scopes.visible_agents(request.user)
    rows = attendance_digest(program, day, agents=agents)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        columns, table = digest_table(rows)
        if fmt == "csv":
            content, kind = renderers.table_csv(columns, table), "text/csv; charset=utf-8"
        else:
            content, kind = (
                renderers.tables_xlsx({"Attendance": (columns, table)}),
                (renderers.XLSX_TYPE),
            )
        response = HttpResponse(content, content_type=kind)
        response["Content-Disposition"] = f'attachment; filename="attendance-{day}.{fmt}"'
        return response
    return render(request, "attendance/digest.html", {"day": day, "rows": rows})
