"""The certifier's own scorecard uploaded by the Cert Coordinator (seed 004 item 7; issue 15
item 2): thin — read the form, call the service, render; the file downloaded by the staff
who see the agent."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from esp.access.scopes import get_agent_for_user, has_role
from esp.access.writes import require_write
from esp.lib import clock

from . import selectors
from .scorecard_uploads import ScorecardFileError, scoring_sheet_xlsx
from .services import current_template, scorecard_upload
from .workbooks import XLSX_TYPE

SCORECARD_VIEWERS = selectors.SCORECARD_VIEWERS
UPLOADERS = selectors.SCORECARD_UPLOADERS


def _entered(request, calls: int) -> tuple[dict[int, int | None], list[str]]:
    """The scores typed beside the file (call → score or None), and what is not a number."""
    entered, problems = {}, []
    for number in range(2, calls + 1):
        text = request.POST.get(f"call_{number}", "").strip()
        if not text:
            entered[number] = None
        elif text.isdigit():
            entered[number] = int(text)
        else:
            problems.append(f"call {number}: '{text}' is not a whole number from 0 to 100")
    return entered, problems


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, employee_id: str):
    """Upload the certifier's .xlsx scorecard of an agent, with the scores beside it when
    the sheet's layout is not the program's scorecard's."""
    if not has_role(request.user, *UPLOADERS):
        raise Http404("no such page")
    agent = get_agent_for_user(request.user, employee_id)
    require_write(request.user, "call", None, agent)
    program = agent.training_class.program
    problems, typed = [], {}
    if request.method == "POST":
        entered, problems = _entered(request, program.calls_per_agent)
        typed = {
            n: request.POST.get(f"call_{n}", "") for n in range(2, program.calls_per_agent + 1)
        }
        file = request.FILES.get("file")
        if file is None:
            problems.append("Choose the certifier's scorecard (.xlsx) to upload.")
        if not problems:
            try:
                saved = scorecard_upload(
                    agent=agent,
                    name=file.name,
                    content=file.read(),
                    entered=entered,
                    actor=request.user,
                    day=clock.today(program.time_zone),
                    now=clock.now(program.time_zone),
                )
            except ScorecardFileError as error:
                problems = error.problems
            else:
                how = "read from the sheet" if saved.scores_from == "sheet" else "as entered"
                scores = ", ".join(f"call {n}: {s}" for n, s in enumerate(saved.scores, 1))
                messages.success(
                    request,
                    f"{saved.original_name} saved for {agent.name}; scores {how}: {scores}.",
                )
                return redirect(reverse("progress:agent", args=[agent.employee_id]) + "#calls")
    return render(
        request,
        "certification/upload.html",
        {
            "agent": agent,
            "problems": problems,
            "calls": [(n, typed.get(n, "")) for n in range(2, program.calls_per_agent + 1)],
            "template": current_template(),
            "uploads": selectors.scorecard_uploads(agent),
            "zone": program.time_zone,  # "uploaded …" in the program's zone (issue 17)
        },
        status=400 if problems else 200,
    )


def download(request, employee_id: str, pk: int):
    """An uploaded scorecard, to the staff who see the agent; never rendered inline."""
    if not has_role(request.user, *SCORECARD_VIEWERS):
        raise Http404("no such file")
    agent = get_agent_for_user(request.user, employee_id)
    found = selectors.scorecard_upload_of(agent, pk)
    if found is None:
        raise Http404("no such file")
    response = HttpResponse(bytes(found.content), content_type=XLSX_TYPE)
    safe = found.original_name.replace('"', "").replace("\\", "")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def blank(request):
    """The blank scoring sheet of the current scorecard: the layout an upload is read from."""
    if not has_role(request.user, *SCORECARD_VIEWERS):
        raise Http404("no such file")
    template = current_template()
    content = scoring_sheet_xlsx(template, list(template.items()), 5)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="Scorecard_blank.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
