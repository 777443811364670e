"""The ESP Manager's pages for mail: distribution lists, and the report runs of the outbox."""

from __future__ import annotations

from functools import wraps

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
    if request.method == "POST":
        key = request.POST.get("list", "")
        addresses = request.POST.get("addresses", "").replace(",", "\n").split()
        try:
            list_set(key, addresses, actor=request.user)
            saved = key
        except ListError as exc:
            error = f"{key}: {exc}. Nothing was changed."
    return render(
        request,
        "mailing/lists.html",
        {"rows": selectors.list_rows(), "error": error, "saved": saved},
        status=400 if error else 200,
    )


@esp_manager_required
def outbox_page(request):
    status = request.GET.get("status", "")
    page = Paginator(selectors.outbox_messages(status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "mailing/outbox.html",
        {
            "page": page,
            "attention": selectors.needing_attention(),
            "status": status,
            "statuses": OutboxMessage.STATUSES,
            # each mailed report by its title, not its key (issue 17)
            "titles": {key: report.title for key, report in mailed_reports().items()},
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
