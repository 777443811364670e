"""Taking a class day's attendance from a meeting export (R-A3): upload, look at what it
proposes, confirm. Nothing is saved before the confirmation; the uploaded file waits in the
session (size-capped) between the two steps.
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

from .match import ABSENCE_KINDS, MeetingImportError, describe_times
from .parse import describe_row
from .selectors import propose_meeting
from .services import MeetingSaved, meeting_save

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
    request.session[SESSION_KEY] = {
        "code": code,
        "date": day.isoformat(),
        "name": upload.name,
        "content": base64.b64encode(content).decode(),
    }
    return content, day


def _pending(request, code: str):
    """The confirmation step: the file and day the preview kept, or None when expired."""
    pending = request.session.get(SESSION_KEY)
    if not pending or pending["code"] != code:
        return None
    return base64.b64decode(pending["content"]), required_day(pending["date"], "Class day")


def _saved_message(saved: MeetingSaved) -> str:
    return (
        f"Saved {len(saved.created)} occurrence(s) and {len(saved.absences)} absence(s)"
        + (f"; {len(saved.already)} were already recorded" if saved.already else "")
        + "."
    )


def _confirm(request, code: str, result):
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
    if saved is not None:
        request.session.pop(SESSION_KEY, None)
    return redirect(reverse("attendance:attendance", args=[code]) + f"?date={result.day}")


def _preview_context(request, result) -> dict:
    return {
        "result": result,
        "day": result.day,
        "file_name": request.session[SESSION_KEY]["name"],
        "times": describe_times(result.times),
        "unmatched": [describe_row(row) for row in result.unmatched],
    }


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_import(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    can_edit = may_write(request.user, "attendance")
    context = {"training_class": training_class, "can_edit": can_edit, "kinds": ABSENCE_KINDS}
    if request.method != "POST" or not can_edit:
        return render(request, TEMPLATE, context)
    step = request.POST.get("step")
    try:
        if step == "preview":
            content, day = _uploaded(request, training_class)
        elif step == "confirm" and (pending := _pending(request, code)) is not None:
            content, day = pending
        elif step == "confirm":
            messages.error(request, "Upload the file again: the preview has expired.")
            return redirect(reverse("attendance:meeting", args=[code]))
        else:
            return redirect(reverse("attendance:meeting", args=[code]))
        result = propose_meeting(content, class_code=code, day=day)
    except ImportRejected as exc:
        context["errors"] = [str(e) for e in exc.errors]
        return render(request, TEMPLATE, context, status=400)
    except (_Refused, MeetingImportError) as exc:
        messages.error(request, str(exc))
        return render(request, TEMPLATE, context, status=400)
    if step == "confirm":
        return _confirm(request, code, result)
    context.update(_preview_context(request, result))
    return render(request, TEMPLATE, context)
