"""The TBT pages of one class (seed 000; issue 15 items 3 and 4): the N-Number request dates
pasted from the carrier's tracker, with a preview, and the class's TBT SMEs.

Parse, call a selector or service, render; the class comes through `get_class_for_user` (the
N-Number page: `class_of_seen_agents`, an extended class past its phase too).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from esp.access import scopes
from esp.access.selectors import class_of_seen_agents
from esp.access.writes import may_write
from esp.lib import clock
from esp.lib.csvio import ImportRejected, RowError, read_sheet
from esp.roster.selectors import program_for

from . import nnumbers, selectors, services

XLSX_MAX_BYTES = 5 * 1024 * 1024


def _pasted(request) -> tuple[str, list[list], list[RowError]]:
    """The rows given: an uploaded .xlsx (its first sheet) or the pasted text."""
    upload = request.FILES.get("file")
    if upload is None:
        text = request.POST.get("rows", "")
        return text, nnumbers.paste_rows(text), []
    if upload.size > XLSX_MAX_BYTES:
        return "", [], [RowError(0, "", "the file is over 5 MB")]
    try:
        rows = read_sheet(upload.read())
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file it cannot read
        return "", [], [RowError(0, "", "not an Excel workbook (.xlsx) this page can read")]
    return "", rows, []


def _as_text(preview: list[dict]) -> str:
    """The checked rows, carried to the confirmation as tab-separated text by employee ID."""
    lines = ["Employee ID\tDate of N Number Request\tN-Number"]
    lines += [f"{p['employee_id']}\t{p['requested_on']:%m/%d/%Y}\t{p['n_number']}" for p in preview]
    return "\n".join(lines)


def _checked(training_class, parsed, errors: list[RowError], now, seen) -> list[dict]:
    """The preview of the parsed rows; every problem at once (the rows' and the matching's)
    raised as ImportRejected."""
    preview = []
    try:
        preview = services.n_number_requests_preview(
            training_class=training_class, rows=parsed, as_of=now.date(), agent_ids=seen
        )
    except ImportRejected as rejected:
        errors = errors + rejected.errors
    if errors:
        raise ImportRejected(errors)
    return preview


@require_http_methods(["GET", "HEAD", "POST"])
def n_numbers(request, code: str):
    """Seed 000: the class's N-Number request dates; paste or upload, preview, then record
    (the class's agents the user sees: an extended class's past its phase too)."""
    training_class = class_of_seen_agents(request.user, code)
    program = training_class.program
    now = clock.now(program.time_zone)
    seen = selectors.visible_agent_ids(request.user)
    context = {"training_class": training_class, "preview": None, "errors": [], "text": ""}
    if request.method == "POST":
        text, raw, errors = _pasted(request)
        parsed, problems = nnumbers.parse_rows(raw, now.date()) if raw else ([], [])
        errors = errors + problems
        if not raw and not errors:
            errors = [RowError(0, "", "nothing to import: paste the rows or choose a file")]
        try:
            preview = _checked(training_class, parsed, errors, now, seen)
            if request.POST.get("action") == "record":
                count = services.n_number_requests_record(
                    training_class=training_class,
                    rows=parsed,
                    actor=request.user,
                    now=now,
                    agent_ids=seen,
                )
                messages.success(
                    request,
                    f"{count} N-Number request date{'s' if count != 1 else ''} recorded for "
                    f"{training_class.code}.",
                )
                return redirect("tbt:n_numbers", code=training_class.code)
            context["preview"], context["text"] = preview, _as_text(preview)
        except ImportRejected as rejected:
            context["errors"], context["text"] = rejected.errors, text
        except ValidationError as error:
            context["errors"] = [RowError(0, "", " ".join(error.messages))]
    context["agents"] = selectors.class_agents_with_requests(training_class, now.date(), seen)
    context["can_record"] = may_write(request.user, "n_number")
    status = 400 if context["errors"] else 200
    return render(request, "tbt/n_numbers.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def smes(request):
    """Seed 000: the TBT SMEs of each class not yet in production, assigned or removed by the
    ESP Manager or the Cert Coordinator (two at most per class)."""
    today = clock.today(program_for().time_zone)
    if request.method == "POST":
        training_class = (
            selectors.classes_for_smes(today).filter(code=request.POST.get("class", "")).first()
        )
        user = selectors.sme_candidates().filter(pk=request.POST.get("user") or 0).first()
        if user is None or training_class is None:
            messages.error(request, "Choose a class before production and a certifier.")
            return redirect("tbt:smes")
        change = services.tbt_sme_remove if request.POST.get("action") == "remove" else None
        try:
            if change is not None:
                change(
                    training_class=training_class, user=user, actor=request.user, now=clock.now()
                )
                done = f"{user.get_full_name() or user.email} no longer follows {training_class.code}'s TBTs."
            else:
                services.tbt_sme_assign(
                    training_class=training_class, user=user, actor=request.user, now=clock.now()
                )
                done = (
                    f"{user.get_full_name() or user.email} is a TBT SME of {training_class.code}."
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
        return redirect("tbt:smes")
    classes = list(selectors.classes_for_smes(today))
    assigned = selectors.smes_of(classes)
    boards = set(scopes.visible_classes(request.user).values_list("pk", flat=True))
    rows = [{"class": c, "smes": assigned.get(c.pk, []), "board": c.pk in boards} for c in classes]
    return render(
        request,
        "tbt/smes.html",
        {
            "rows": rows,
            "candidates": list(selectors.sme_candidates()),
            "per_class": services.SMES_PER_CLASS,
        },
    )
