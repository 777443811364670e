"""The ESP Manager's pages for mail: distribution lists, and the report runs of the outbox."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from esp.lib import clock

from . import selectors
from .models import OutboxMessage
from .registry import mailed_reports
from .selectors import is_esp_manager
from .services import outbox
from .services.lists import ListError, list_set
from .timing import moment, when_sent

# the mails that are not scheduled reports, by their title
OTHER_TITLES = {
    "invitation": "Invitation",
    "password-reset": "Password reset",
    "classroom-invite": "Classroom invitation",
    "callcert_workbook": "Call certification workbook",
    "callcert_passed": "Call certification passed after a re-score",
}


def _titles() -> dict[str, str]:
    """Each mailed report by its title, not its key (issue 17)."""
    return {**OTHER_TITLES, **{key: r.title for key, r in mailed_reports().items()}}


def esp_manager_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_esp_manager(request.user):
            raise Http404("not found")
        return view(request, *args, **kwargs)

    return wrapper


@esp_manager_required
@require_http_methods(["GET", "HEAD", "POST"])
def lists(request):
    error, saved = "", ""
    rows = selectors.list_rows()
    names = {row["key"]: row["name"] for row in rows}
    if request.method == "POST":
        key = request.POST.get("list", "")
        addresses = request.POST.get("addresses", "").replace(",", "\n").split()
        try:
            list_set(key, addresses, actor=request.user)
            saved = names.get(key, key)
            rows = selectors.list_rows()
        except ListError as exc:
            error = f"{names.get(key, key)}: {exc}. Nothing was changed."
    titles = _titles()
    for row in rows:
        row["sends"] = ", ".join(titles.get(report, report) for report in row["reports"])
    return render(
        request,
        "mailing/lists.html",
        {"rows": rows, "error": error, "saved": saved},
        status=400 if error else 200,
    )


@esp_manager_required
def outbox_page(request):
    """The outbox: what needs a decision, the scheduled reports coming up, and every message
    with when it was or will be sent (issue 17 item 10)."""
    status = request.GET.get("status", "")
    page = Paginator(selectors.outbox_messages(status), 50).get_page(request.GET.get("page"))
    now = clock.now()
    titles = _titles()
    upcoming = [
        {
            "title": titles.get(u.schedule.report, u.schedule.report),
            "to": u.schedule.distribution_list or "each TL, their own classes",
            "at": moment(u.at, now=now),
        }
        for u in selectors.upcoming_sends(now)
    ]
    return render(
        request,
        "mailing/outbox.html",
        {
            "page": page,
            "rows": [(m, when_sent(m, now=now)) for m in page],
            "attention": selectors.needing_attention(),
            "upcoming": upcoming,
            "status": status,
            "statuses": OutboxMessage.STATUSES,
            "titles": titles,
        },
    )


@esp_manager_required
def outbox_message(request, pk: int):
    """A preview of one message as it is (or was) sent: subject, recipients, text, and the
    attachments by name (issue 17 item 10)."""
    message = selectors.outbox_message(pk)
    attachments = [
        {"name": a.filename, "type": a.content_type, "kb": max(1, round(len(a.content) / 1024))}
        for a in message.attachments.all()
    ]
    return render(
        request,
        "mailing/message.html",
        {
            "m": message,
            "title": _titles().get(message.report, message.report),
            "when": when_sent(message, now=clock.now()),
            "sender": settings.DEFAULT_FROM_EMAIL,
            "attachments": attachments,
        },
    )


@require_POST
@esp_manager_required
def outbox_decide(request, pk: int):
    row = selectors.get_undecided_message(pk)
    decision = request.POST.get("decision")
    if decision == "resend":
        outbox.resend(row, user=request.user, now=clock.now())
    elif decision == "arrived" and row.status == OutboxMessage.UNCERTAIN:
        outbox.mark_sent(row, user=request.user, now=clock.now())
    else:
        raise Http404("unknown decision")
    return redirect("mailing:outbox")
