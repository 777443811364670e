"""Writing CAP documents and templates (R-N6, R-L5).

`esp.progress.services.step_deliver` calls `cap_document_for_delivery` for every delivered
step, so every way of delivering (page, API) stores the document of a written or final CAP
in the same transaction as the delivery.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from esp.audit.services import audit_record
from esp.progress.models import Fact

from . import documents
from .defaults import load_default_cap_templates
from .models import CAP_STEPS, CapDocument, CapTemplate, TerminationDecision
from .selectors import cap_values


@dataclass(frozen=True)
class RenderedCap:
    template: CapTemplate
    text: str
    pdf: bytes


def cap_template_for(fact: Fact) -> CapTemplate:
    """The program's template for the fact's step, else for every CAP step (created from the
    shipped default when the program has none)."""
    program = fact.agent.training_class.program
    templates = {t.step: t for t in CapTemplate.objects.filter(program=program)}
    if fact.item in templates:
        return templates[fact.item]
    if "" in templates:
        return templates[""]
    return load_default_cap_templates(program)[0]


def cap_render(*, fact: Fact, template: CapTemplate | None = None) -> RenderedCap:
    """The CAP document of a delivered step: the template filled with the step's values, and
    its PDF. Writes nothing."""
    template = template or cap_template_for(fact)
    values = cap_values(fact)
    text = documents.fill(template.text, values)
    pdf = documents.pdf_bytes(
        text,
        title=f"{values['step']}: {values['agent_name']} ({values['today']})",
        footer=f"{values['step']} - {values['agent_name']} ({values['employee_id']}) - "
        f"{values['today']}",
    )
    return RenderedCap(template, text, pdf)


def _user(actor):
    return actor if isinstance(actor, AbstractBaseUser) and actor.pk else None


@transaction.atomic
def cap_document_for_delivery(fact: Fact, actor) -> CapDocument | None:
    """R-L5: store the CAP document of a delivered written or final CAP (None for any other
    step). Called inside the delivery's transaction: no delivery without its document."""
    if fact.kind != "action" or fact.item not in CAP_STEPS:
        return None
    rendered = cap_render(fact=fact)
    return CapDocument.objects.create(
        fact=fact,
        template=rendered.template,
        template_version=rendered.template.version,
        template_text=rendered.template.text,
        text=rendered.text,
        pdf=rendered.pdf,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        created_by=_user(actor),
    )


@transaction.atomic
def cap_template_save(*, template: CapTemplate, actor) -> CapTemplate:
    """Save a template the ESP Manager edited: validated (an unknown placeholder is refused,
    naming it), its version bumped when the text changed, and audited."""
    template.full_clean()
    before = (
        CapTemplate.objects.filter(pk=template.pk).values_list("text", flat=True).first()
        if template.pk
        else None
    )
    if before is not None and before != template.text:
        template.version += 1
    template.updated_by = _user(actor)
    template.save()
    if before != template.text:
        audit_record(
            actor=_user(actor),
            action="cap_template_changed" if before is not None else "cap_template_created",
            obj=template,
            changes={"text": [before, template.text], "version": template.version},
        )
    return template


@transaction.atomic
def termination_decide(
    *, proposal: Fact, decision: str, reason: str, day, actor
) -> TerminationDecision:
    """R-L5: the PM's decision on a termination review (a delivered `termination_review`
    step): term the agent from `day` (an employment change, by the PM) or keep them, with the
    reason or new expectation. Once per proposal; audited."""
    from django.core.exceptions import ValidationError

    from esp.access.writes import require_write
    from esp.progress.services import TERMINATION_REVIEW, employment_set, note_add

    require_write(actor, "termination_decision", None, proposal.agent)
    proposal = Fact.objects.select_for_update().select_related("agent").get(pk=proposal.pk)
    if proposal.kind != "action" or proposal.item != TERMINATION_REVIEW:
        raise ValidationError("Only a delivered termination review can be decided.")
    earlier = TerminationDecision.objects.filter(proposal=proposal).select_related("decided_by")
    if earlier.exists():
        done = earlier.get()
        who = (done.decided_by.get_full_name() or done.decided_by.email) if done.decided_by else ""
        raise ValidationError(
            f"This termination review was already decided ({done.get_decision_display().lower()})"
            f" by {who or 'someone'} on {done.decided_at:%m/%d/%Y}. Nothing was saved."
        )
    reason = reason.strip()
    if decision not in (TerminationDecision.TERM, TerminationDecision.KEEP):
        raise ValidationError("Choose to term the agent or to keep them.")
    if not reason:
        raise ValidationError(
            "Write the reason for the termination."
            if decision == TerminationDecision.TERM
            else "Write the new expectation the agent is kept with."
        )
    agent = proposal.agent
    employment = None
    review = f"termination review of {proposal.date:%m/%d/%Y} ({proposal.value} ladder)"
    if decision == TerminationDecision.TERM:
        employment = employment_set(
            agent=agent, status="termed", day=day, actor=actor, note=f"{reason} ({review})"
        )
    else:
        note_add(
            agent=agent,
            text=f"Kept after the {review}: {reason}",
            day=day,
            actor=actor,
        )
    made = TerminationDecision.objects.create(
        proposal=proposal,
        decision=decision,
        effective=day,
        reason=reason,
        employment=employment,
        decided_by=_user(actor),
    )
    audit_record(
        actor=_user(actor),
        action=f"termination_{decision}",
        obj=agent,
        changes={
            "proposal": proposal.pk,
            "proposed_by": proposal.by,
            "decision": decision,
            "effective": day.isoformat(),
            "reason": reason,
        },
    )
    return made
