"""Taking a class day's attendance from a meeting export (R-A3): upload, look at what it
proposes, confirm. Nothing is saved before the confirmation; the uploaded file waits in the
session (size-capped) between the two steps.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from esp.access import scopes
from esp.access.writes import may_write
from esp.attendance.meetings import (
    ABSENCE_KINDS,
    MeetingImportError,
    describe_row,
    describe_times,
    propose_meeting,
    save_meeting,
)
from esp.lib.csvio import ImportRejected, parse_date

MAX_BYTES = 2_000_000
SESSION_KEY = "esp_meeting_upload"


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_import(request, code: str):
    training_class = scopes.get_class_for_user(request.user, code)
    can_edit = may_write(request.user, "attendance")
    context = {"training_class": training_class, "can_edit": can_edit, "kinds": ABSENCE_KINDS}
    if request.method == "POST" and can_edit:
        step = request.POST.get("step")
        if step == "preview":
            upload = request.FILES.get("file")
            try:
                day = parse_date(request.POST.get("date", ""))
            except ValueError as exc:
                messages.error(request, str(exc))
                return render(request, "attendance/meeting.html", context, status=400)
            if upload is None or upload.size > MAX_BYTES:
                messages.error(request, "Choose the meeting's attendance CSV (at most 2 MB).")
                return render(request, "attendance/meeting.html", context, status=400)
            content = upload.read()
            request.session[SESSION_KEY] = {
                "code": code,
                "date": day.isoformat(),
                "name": upload.name,
                "content": base64.b64encode(content).decode(),
            }
        elif step == "confirm":
            pending = request.session.get(SESSION_KEY)
            if not pending or pending["code"] != code:
                messages.error(request, "Upload the file again: the preview has expired.")
                return redirect(reverse("attendance:meeting", args=[code]))
            content = base64.b64decode(pending["content"])
            day = parse_date(pending["date"])
        else:
            return redirect(reverse("attendance:meeting", args=[code]))
        try:
            result = propose_meeting(content, class_code=code, day=day)
        except ImportRejected as exc:
            context["errors"] = [str(e) for e in exc.errors]
            return render(request, "attendance/meeting.html", context, status=400)
        except MeetingImportError as exc:
            messages.error(request, str(exc))
            return render(request, "attendance/meeting.html", context, status=400)
        if step == "confirm":
            chosen = {
                a.employee_id: request.POST[f"absent_{a.employee_id}"]
                for a in result.absences
                if request.POST.get(f"absent_{a.employee_id}") in ABSENCE_KINDS
            }
            saved = save_meeting(result, actor=request.user, absent_as=chosen)
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                f"Saved {len(saved.created)} occurrence(s) and {len(saved.absences)} absence(s)"
                + (f"; {len(saved.already)} were already recorded" if saved.already else "")
                + ".",
            )
            return redirect(
                reverse("attendance:attendance", args=[code]) + f"?date={day.isoformat()}"
            )
        context.update(
            {
                "result": result,
                "day": day,
                "file_name": request.session[SESSION_KEY]["name"],
                "times": describe_times(result.times),
                "unmatched": [describe_row(row) for row in result.unmatched],
            }
        )
    return render(request, "attendance/meeting.html", context)
