"""The five tracking forms (R-N4) and proof review (R-B2).

Each form picks an agent among those the user may see, validates, and records through the
same services as the rest of the app, so the board, the agent page, the reports and the
notifications all see it at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from esp.access import scopes
from esp.access.matrix import FORM_ROLES, REVIEWERS
from esp.access.writes import may_write, refusal, require_write
from esp.lib import clock
from esp.progress import selectors, services
from esp.progress.services import proofs
from esp.progress.services import tracking as writes
from esp.roster.selectors import program_for
from esp.rules.exams import same_day_repeats, same_day_warning

from . import forms
from .pages import decidable, local_url
from .selectors import proof_items

_courses = selectors.tbt_courses


def _uploaded(request, field: str):
    upload = request.FILES.get(field)
    if upload is None:
        return None, None
    limit = 50 * 1_000_000
    if upload.size > limit:
        raise ValidationError(f"{upload.name} is too large.")
    return upload.name, upload.read()


def _record_carrier_cert(request, data):
    agent = data["agent"]
    name, content = _uploaded(request, "screenshot")
    writes.carrier_cert_submit(
        agent=agent,
        certification=data["certification"],
        name=name,
        data=content,
        day=data["day"],
        actor=request.user,
    )
    return f"Screenshot submitted for review; the task is done when it is accepted ({agent.name})."


def _record_tbt(request, data):
    agent = data["agent"]
    if data.get("course") and request.FILES.get("proof"):
        name, content = _uploaded(request, "proof")
        writes.tbt_proof_submit(
            agent=agent, course=data["course"], name=name, data=content, actor=request.user
        )
        return f"TBT {data['course']} proof submitted for review ({agent.name})."
    writes.tbt_complete(agent=agent, day=data["day"], actor=request.user)
    return f"All TBTs marked complete for {agent.name}."


def _record_call(request, data):
    agent = data["agent"]
    writes.call_score_record(
        agent=agent,
        call=data["call"],
        score=data["score"],
        notes=data["notes"],
        day=data["day"],
        actor=request.user,
    )
    return f"Call {data['call']} recorded for {agent.name}: {data['score']}."


def _record_failed_exam(request, data):
    agent = data["agent"]
    fact = writes.failed_exam_record(
        agent=agent, exam=data["exam"], note=data["note"], day=data["day"], actor=request.user
    )
    if fact in same_day_repeats(selectors.exam_attempts(agent, fact.item, fact.date)):
        # issue 15 item 13: recorded, but worth a second look
        messages.warning(request, same_day_warning(agent.name, fact.date))
    return f"Failed exam recorded for {agent.name}; the TL, the PM and licensing are notified."


def _record_ticket(request, data):
    agent = data["agent"]
    writes.carrier_ticket_record(
        agent=agent,
        day=data["day"],
        ticket_number=data["ticket_number"],
        issue=data["issue"],
        actor=request.user,
    )
    return f"Carrier ticket {data['ticket_number']} recorded for {agent.name}."


TRACKING_FORMS = {
    "carrier-cert": ("Carrier cert completion", forms.CarrierCertForm, _record_carrier_cert),
    "tbt": ("TBT completion", forms.TbtForm, _record_tbt),
    "call-cert": ("Call certification", forms.CallCertForm, _record_call),
    "failed-exam": ("Failed carrier cert exam", forms.FailedExamForm, _record_failed_exam),
    "carrier-ticket": ("Carrier ticket", forms.CarrierTicketForm, _record_ticket),
}


# The write each form makes (esp.access.writes): a form is offered to the roles that may make it.
FORM_WRITES = {
    "carrier-cert": ("task", "carrier_cert"),
    "tbt": ("task", "tbt"),
    "call-cert": ("call", None),
    "failed-exam": ("exam", None),
    "carrier-ticket": ("carrier_ticket", None),
}


def form_choices(user, name: str) -> dict:
    """The choices of form `name` narrowed to what `user` may record, as the form's keyword
    arguments (issue 12 follow-up item 2): the certifications whose status and proof the user
    may record, the exams whose fail they may record. Empty for a form without such choices."""
    if name == "carrier-cert":
        return {
            "certifications": [
                (key, label)
                for key, label in forms.CERTIFICATIONS
                if may_write(user, "task", key) and may_write(user, "proof_upload", key)
            ]
        }
    if name == "failed-exam":
        return {
            "exams": [
                (key, label)
                for key, label in forms.exam_choices(_courses())
                if may_write(user, "exam", key)
            ]
        }
    return {}


# The write a form's narrowed choices stand for, to say who may when none is left.
FORM_CHOICE_WRITES = {"carrier-cert": ("task", "carrier_cert"), "failed-exam": ("exam", "ahip")}


def _usable(user, key: str) -> bool:
    return may_write(user, *FORM_WRITES[key]) and all(form_choices(user, key).values())


def usable_forms(user) -> dict:
    """The tracking forms `user` may use (issue 12 item 3 and its follow-up item 2): the form's
    write is the user's, and so is at least one of its choices."""
    return {key: form for key, form in TRACKING_FORMS.items() if _usable(user, key)}


def uses_a_form(user) -> bool:
    """Whether `usable_forms(user)` has any (the menu asks on every page, issue 14): the forms
    whose choices are fixed first, so the TBT courses are read only when those leave it open."""
    return any(_usable(user, key) for key in sorted(TRACKING_FORMS, key=_reads_courses))


def _reads_courses(key: str) -> bool:
    return key == "failed-exam"


def forms_index(request):
    if not scopes.has_role(request.user, *FORM_ROLES):
        raise Http404("not found")
    return render(
        request,
        "progress/forms_index.html",
        {
            "forms": usable_forms(request.user),
            "is_reviewer": scopes.has_role(request.user, *REVIEWERS),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def tracking_form(request, name: str):
    if name not in TRACKING_FORMS or not scopes.has_role(request.user, *FORM_ROLES):
        raise Http404("no such form")
    require_write(request.user, *FORM_WRITES[name])
    title, form_class, record = TRACKING_FORMS[name]
    choices = form_choices(request.user, name)
    if not all(choices.values()):
        raise PermissionDenied(refusal(request.user, *FORM_CHOICE_WRITES[name]))
    agents = scopes.visible_agents(request.user)
    today = clock.today()
    extra = {"courses": _courses()} if form_class in (forms.TbtForm, forms.FailedExamForm) else {}
    extra.update(choices)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, agents=agents, today=today, **extra)
        if form.is_valid():
            try:
                done = record(request, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            except services.Conflict as exc:
                form.add_error(None, str(exc))
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, done)
                agent = form.cleaned_data["agent"]
                return redirect(reverse("progress:agent", args=[agent.employee_id]))
    else:
        form = form_class(
            initial={"agent": request.GET.get("agent", ""), "day": today.strftime("%m/%d/%Y")},
            agents=agents,
            today=today,
            **extra,
        )
    suggestions = selectors.agent_suggestions(agents)
    return render(
        request,
        "progress/tracking_form.html",
        {"title": title, "form": form, "name": name, "suggestions": suggestions},
        status=status,
    )


# -- proofs ------------------------------------------------------------------------------------


def _proof_for_user(request, pk: int):
    return selectors.get_proof_for_user(request.user, pk)


def proof_file(request, pk: int):
    """The file, only to users who may see the agent; never rendered inline."""
    proof = _proof_for_user(request, pk)
    response = FileResponse(
        open(proofs.proof_path(proof), "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type=proof.content_type,
        as_attachment=True,
        filename=proof.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def proof_upload(request, employee_id: str):
    agent = scopes.get_agent_for_user(request.user, employee_id)
    require_write(request.user, "proof_upload", None, agent)
    form = forms.ProofUploadForm(request.POST, request.FILES, items=proof_items(agent))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > agent.training_class.program.proof_max_mb * 1_000_000:
                raise ValidationError(
                    f"{upload.name} is {upload.size / 1_000_000:.1f} MB; the limit is "
                    f"{agent.training_class.program.proof_max_mb} MB."
                )
            proofs.proof_submit(
                agent=agent,
                item=form.cleaned_data["item"],
                name=upload.name,
                data=upload.read(),
                actor=request.user,
            )
            messages.success(request, f"{upload.name} submitted for review.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages) + " Nothing was stored.")
    else:
        messages.error(request, "Choose what the proof is for and the file.")
    return redirect(reverse("progress:agent", args=[agent.employee_id]) + "#proofs")


def review_queue(request):
    """The submitted proofs of the agents the user sees that the user may decide: a TBT SME
    the TBT courses, Licensing AHIP and the carrier certification (issue 12 follow-up item 1)."""
    if not scopes.has_role(request.user, *REVIEWERS):
        raise Http404("not found")
    pending = selectors.submitted_proofs(request.user)
    pending = [proof for proof in decidable(request.user, pending) if proof.can_decide]
    zone = program_for().time_zone  # "submitted …" in the program's zone (issue 17 item 3)
    return render(request, "progress/review_queue.html", {"pending": pending, "zone": zone})


@require_POST
def proof_decide(request, pk: int):
    if not scopes.has_role(request.user, *REVIEWERS):
        raise Http404("not found")
    proof = _proof_for_user(request, pk)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Accept or reject the proof.")
        return redirect("progress:review_queue")
    try:
        proofs.proof_review(
            proof=proof,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
            actor=request.user,
            day=clock.today(proof.agent.training_class.program.time_zone),
            now=clock.now(proof.agent.training_class.program.time_zone),
        )
        verb = "accepted" if form.cleaned_data["decision"] == "accept" else "rejected"
        messages.success(request, f"{proof.original_name} {verb} ({proof.agent.name}).")
    except proofs.ReviewError as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next", "")
    return redirect(target if local_url(request, target) else reverse("progress:review_queue"))
