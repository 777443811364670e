"""Accountability pages: the CAP document download, and the agent page's two accountability
forms (deliver a ladder step, decide a termination review). Those keep their `progress:`
routes and reach these views through esp.progress.hooks (registered in apps.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_POST

from esp.lib import clock
from esp.lib.flash import attempt
from esp.progress import forms
from esp.progress.services import Conflict
from esp.progress.views import back_to_agent, editable_agent

from . import services
from .selectors import get_cap_document_for_user, termination_proposal


def cap_download(request, pk: int):
    document = get_cap_document_for_user(request.user, pk)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def deliver_step(request, employee_id: str):
    """R-L5: deliver a ladder step with the expectation set (a written or final CAP stores
    its document)."""
    agent = editable_agent(request, employee_id, "action", request.POST.get("step") or None)
    form = forms.DeliverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the expectation set with the agent, then deliver.")
        return back_to_agent(request, agent, "#ladders")
    data = form.cleaned_data
    try:
        attempt(
            request,
            lambda: services.step_deliver(
                agent=agent,
                ladder=data["ladder"],
                step=data["step"],
                expectation=data["expectation"],
                day=clock.today(agent.training_class.program.time_zone),
                actor=request.user,
            ),
            "Delivered and recorded.",
        )
    except Conflict as exc:
        messages.error(request, str(exc))
    return back_to_agent(request, agent, "#ladders")


def _decided(agent):
    def message(made) -> str:
        if made.decision == made.TERM:
            return f"{agent.name} termed from {made.effective:%m/%d/%Y}."
        return f"{agent.name} kept; the new expectation is on the notes."

    return message


def termination_decide(request, employee_id: str):
    """R-L5: the PM terms the agent on a date, or keeps them with a new expectation and the day
    it must be met by: a review a TL delivered, or one the rules say is due (issue 15 item 10).
    """
    agent = editable_agent(request, employee_id, "termination_decision")
    form = forms.TerminationDecisionForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = (
                "The termination review"
                if name in ("proposal", "__all__")
                else form.fields[name].label
            )
            messages.error(request, f"{label or name.capitalize()}: {' '.join(errors)}")
        return back_to_agent(request, agent, "#ladders")
    data = form.cleaned_data
    today = clock.today(agent.training_class.program.time_zone)
    day = data["date"] or today
    common = {
        "decision": data["decision"],
        "reason": data["reason"],
        "day": day,
        "actor": request.user,
        "expect_by": data["expect_by"],
    }
    if data["proposal"]:
        proposal = termination_proposal(agent, data["proposal"])
        if proposal is None:
            raise Http404("no such termination review")
        write = lambda: services.termination_decide(proposal=proposal, **common)  # noqa: E731
    else:
        write = lambda: services.termination_decide_due(  # noqa: E731
            agent=agent, ladder=data["ladder"], as_of=today, **common
        )
    attempt(request, write, _decided(agent))
    return back_to_agent(request, agent, "#ladders")


@require_POST
def inform_pm(request, employee_id: str):
    """Seed 001: "If there is an issue with an agent, the TL must inform their PM
    immediately": the text mailed to the PM now, kept on the agent's notes."""
    agent = editable_agent(request, employee_id, "inform_pm")
    zone = agent.training_class.program.time_zone
    attempt(
        request,
        lambda: services.pm_inform(
            agent=agent,
            text=request.POST.get("text", ""),
            day=clock.today(zone),
            now=clock.now(zone),
            actor=request.user,
        ),
        "Sent to the PM now; it is on the agent's notes.",
    )
    return back_to_agent(request, agent, "#notes")
