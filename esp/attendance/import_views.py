"""Taking a class day's attendance from a meeting export (R-A3): upload, look at what it
proposes, confirm. Nothing is saved before the confirmation; the uploaded file waits in the
session (size-capped) between the steps. A report in a layout the app does not know gets a
mapping step first: the person says which column is the name, the e-mail, the join and leave
times (or the duration); the mapping is remembered for the program and layout when the
import is confirmed, and reads the next upload of that layout (issue 16 item 7).
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from esp.access import scopes
from esp.access.writes import may_write
from esp.lib import clock
from esp.lib.csvio import ImportRejected
from esp.lib.dates import required_day
from esp.lib.flash import attempt
from esp.rules.attendance import recording_refused

from .mapping import FIELD_LABELS, likely_header, suggested
from .match import ABSENCE_KINDS, MeetingImportError, describe_times
from .parse import FIELDS, UnknownLayout, describe_found, describe_row
from .selectors import propose_meeting, result_recorded
from .services import MeetingSaved, meeting_columns_remember, meeting_save
from .sources import read_table
from .zones import REPORT_ZONES

MAX_BYTES = 2_000_000
SESSION_KEY = "esp_meeting_upload"
TEMPLATE = "attendance/meeting.html"


class _Refused(Exception):
    """The step cannot go on: the page shows the form again with this message (400)."""


def _uploaded(request, training_class):
    """The preview step: the file and day, kept in the session until the confirmation."""
    try:
        day = required_day(request.POST.get("date"), "Class day")
    except ValidationError as exc:
        raise _Refused(" ".join(exc.messages)) from None
    refused = recording_refused(day, clock.today(training_class.program.time_zone))
    if refused:
        raise _Refused(refused)
    code = training_class.code
    upload = request.FILES.get("file")
    if upload is None or upload.size > MAX_BYTES:
        raise _Refused("Choose the meeting's attendance CSV (at most 2 MB).")
    content = upload.read()
    zone = request.POST.get("zone", "")
    if zone and zone not in dict(REPORT_ZONES):
        raise _Refused("Choose the report's time zone from the list.")
    request.session[SESSION_KEY] = {
        "code": code,
        "date": day.isoformat(),
        "name": upload.name,
        "content": base64.b64encode(content).decode(),
        "zone": zone,
    }
    return content, day


def _asked_day(request):
    """The class day the attendance page sent the person here for (`?date=`), if valid."""
    try:
        return required_day(request.GET.get("date"), "Class day") if "date" in request.GET else None
    except ValidationError:
        return None


def _pending(request, code: str):
    """The mapping and confirmation steps: the file and day the preview kept, or None when
    expired."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending["code"] != code:
        return None
    return base64.b64decode(pending["content"]), required_day(pending["date"], "Class day")


def _posted_columns(request) -> dict[str, str]:
    """The mapping step's choices: field -> column name (fields left empty left out)."""
    return {f: c for f in FIELDS if (c := request.POST.get(f"column_{f}", "").strip())}


def _mapping_context(request, content: bytes, chosen: dict[str, str]) -> dict:
    """The mapping step: the file's likely header, a sample value under each column, and the
    fields with the column chosen (or suggested) for each."""
    table = read_table(content)
    index, names = likely_header(table)
    sample = table.lines[index + 1][1] if index + 1 < len(table.lines) else []
    columns = [(name, sample[i] if i < len(sample) else "") for i, name in enumerate(names) if name]
    chosen = chosen or suggested(names)
    return {
        "mapping": True,
        "found": describe_found(table),
        "file_name": request.session[SESSION_KEY]["name"],
        "day": required_day(request.session[SESSION_KEY]["date"], "Class day"),
        "columns": columns,
        "fields": [(key, label, chosen.get(key, "")) for key, label in FIELD_LABELS],
    }


def _saved_message(saved: MeetingSaved) -> str:
    return (
        f"Saved {len(saved.created)} occurrence(s) and {len(saved.absences)} absence(s)"
        + (f"; {len(saved.already)} were already recorded" if saved.already else "")
        + "."
    )


def _confirm(request, training_class, result):
    """Save what the person confirmed: the occurrences and the absences chosen one by one."""
    chosen = {
        a.employee_id: request.POST[f"absent_{a.employee_id}"]
        for a in result.absences
        if request.POST.get(f"absent_{a.employee_id}") in ABSENCE_KINDS
    }
    now = clock.now(result.times.start.tzinfo.key)
    saved = attempt(
        request,
        lambda: meeting_save(result=result, now=now, actor=request.user, absent_as=chosen),
        _saved_message,
    )
    mapped = request.session[SESSION_KEY].get("columns")
    if saved is not None and mapped:
        meeting_columns_remember(
            program=training_class.program,
            header=result.header,
            columns=mapped,
            now=now,
            actor=request.user,
        )
        messages.info(request, "The column mapping is remembered for this layout's next report.")
    if saved is not None:
        request.session.pop(SESSION_KEY, None)
    back = reverse("attendance:attendance", args=[training_class.code])
    return redirect(back + f"?date={result.day}")


def _preview_context(request, result) -> dict:
    mapped = request.session[SESSION_KEY].get("columns")
    return {
        "result": result,
        "mapped_note": "columns read as you mapped them; the mapping is remembered for this "
        "layout when you confirm"
        if mapped
        else result.mapping_note,
        "day": result.day,
        "file_name": request.session[SESSION_KEY]["name"],
        "times": describe_times(result.times),
        "unmatched": [describe_row(row) for row in result.unmatched],
        "recorded": result_recorded(result),
        "absence_kinds": set(ABSENCE_KINDS),
    }


def _step(request, training_class):
    """The file, day and column mapping of this step, or a response (the file expired)."""
    code, step = training_class.code, request.POST.get("step")
    if step == "preview":
        return (*_uploaded(request, training_class), None)
    if step not in ("confirm", "map", "remap"):
        return redirect(reverse("attendance:meeting", args=[code]))
    pending = _pending(request, code)
    if pending is None:
        messages.error(request, "Upload the file again: the preview has expired.")
        return redirect(reverse("attendance:meeting", args=[code]))
    columns = _posted_columns(request) if step in ("map", "remap") else None
    return (*pending, columns or request.session[SESSION_KEY].get("columns"))


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_import(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    can_edit = may_write(request.user, "attendance")
    context = {
        "training_class": training_class,
        "can_edit": can_edit,
        "kinds": ABSENCE_KINDS,
        "zones": REPORT_ZONES,
        "day": _asked_day(request),
    }
    if request.method != "POST" or not can_edit:
        return render(request, TEMPLATE, context)
    step = request.POST.get("step")
    content = columns = None
    try:
        found = _step(request, training_class)
        if not isinstance(found, tuple):
            return found
        content, day, columns = found
        if step == "remap":
            context.update(_mapping_context(request, content, columns or {}))
            return render(request, TEMPLATE, context)
        zone = request.session.get(SESSION_KEY, {}).get("zone", "")
        result = propose_meeting(
            content, class_code=code, day=day, columns=columns, report_zone=zone
        )
    except UnknownLayout:  # refused as it is (400): the person maps its columns
        context.update(_mapping_context(request, content, {}))
        return render(request, TEMPLATE, context, status=400)
    except ImportRejected as exc:
        context["errors"] = [str(e) for e in exc.errors]
        if step == "map":
            context.update(_mapping_context(request, content, columns or {}))
        return render(request, TEMPLATE, context, status=400)
    except (_Refused, MeetingImportError) as exc:
        messages.error(request, str(exc))
        return render(request, TEMPLATE, context, status=400)
    if step == "map":
        request.session[SESSION_KEY] = {**request.session[SESSION_KEY], "columns": columns}
    if step == "confirm":
        return _confirm(request, training_class, result)
    context.update(_preview_context(request, result))
    return render(request, TEMPLATE, context)
