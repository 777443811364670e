"""Delivering ladder steps, writing CAP documents and templates, deciding termination
reviews (R-N6, R-L5).

`step_deliver` calls `cap_document_for_delivery` for every delivered step, so every way of
delivering (page, API) stores the document of a written or final CAP in the same transaction
as the delivery.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.lib import clock
from esp.lib.display import words
from esp.mailing.messages import make_message
from esp.mailing.services.outbox import enqueue
from esp.programs.models import Ladder, Program
from esp.progress.models import Fact
from esp.progress.notifications import notify_termination_review
from esp.progress.selectors import class_moved_to
from esp.progress.services import (
    TERMINATION_REVIEW,
    Conflict,
    actor_name,
    employment_set,
    fact_record,
    lock_agent,
    note_add,
    projection,
)
from esp.roster.models import Agent

from . import documents
from .models import CAP_STEPS, TERM_DOCUMENT, CapDocument, CapTemplate, TerminationDecision
from .selectors import cap_values, due_review_lines, due_review_of, term_values


@transaction.atomic
def load_default_cap_templates(program: Program | None = None) -> list[CapTemplate]:
    """The template for every CAP step of `program` (of every program when None): the shipped
    default, created where missing (audited); a template the ESP Manager edited is left
    alone. Idempotent."""
    programs = [program] if program is not None else list(Program.objects.all())
    templates = []
    for each in programs:
        template, created = CapTemplate.objects.get_or_create(
            program=each, step="", defaults={"text": documents.DEFAULT_CAP_TEMPLATE}
        )
        if created:
            audit_record(
                actor_label="default",
                action="cap_template_created",
                obj=template,
                changes={"program": each.key, "version": template.version},
            )
        templates.append(template)
    return templates


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
    naming it), its version bumped when the text changed, and audited. Left empty, it starts
    from the shipped text of its step (the Term document's for `termination_review`)."""
    if not template.text.strip():
        template.text = template.shipped_text
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


def _check_decidable(proposal: Fact, decision: str, reason: str) -> str:
    """A delivered termination review not decided yet, a known decision and its reason (the
    reason, stripped, returned); refused in plain words otherwise."""
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
    _check_decidable_reason(decision, reason)
    return reason.strip()


@transaction.atomic
def termination_decide(
    *, proposal: Fact, decision: str, reason: str, day, actor, expect_by: date | None = None
) -> TerminationDecision:
    """R-L5: the PM's decision on a termination review (a delivered `termination_review`
    step): term the agent from `day` (an employment change, by the PM, and a Term document to
    sign) or keep them, with the reason or the new expectation and the day it must be met by
    (`expect_by`). Once per proposal; audited."""
    require_write(actor, "termination_decision", None, proposal.agent)
    proposal = Fact.objects.select_for_update().select_related("agent").get(pk=proposal.pk)
    reason = _check_decidable(proposal, decision, reason)
    agent = proposal.agent
    employment = None
    review = f"termination review of {proposal.date:%m/%d/%Y} ({proposal.value} ladder)"
    if decision == TerminationDecision.TERM:
        employment = employment_set(
            agent=agent, status="termed", day=day, actor=actor, note=f"{reason} ({review})"
        )
    else:
        by = f" (expected by {expect_by:%m/%d/%Y})" if expect_by else ""
        note_add(agent=agent, text=f"Kept after the {review}: {reason}{by}", day=day, actor=actor)
    made = TerminationDecision.objects.create(
        proposal=proposal,
        decision=decision,
        effective=day,
        reason=reason,
        expect_by=expect_by if decision == TerminationDecision.KEEP else None,
        employment=employment,
        decided_by=_user(actor),
    )
    if decision == TerminationDecision.TERM:
        term_document_make(made, actor)
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
            **({"expect_by": expect_by.isoformat()} if made.expect_by else {}),
        },
    )
    return made


def term_document_make(decision: TerminationDecision, actor) -> CapDocument:
    """R-L5: the Term document of a decision to term, made like a CAP document (the program's
    Term template, else the shipped one, filled, printed with the embedded font) and stored
    on the termination review's fact, in the decision's transaction: downloaded like the CAP
    documents."""
    agent = decision.proposal.agent
    today = clock.today(agent.training_class.program.time_zone)
    values = term_values(decision, today)
    template = CapTemplate.objects.filter(
        program=agent.training_class.program, step=TERM_DOCUMENT
    ).first()  # the ESP Manager's wording (issue 15 walk), else the shipped one
    wording = template.text if template else documents.DEFAULT_TERM_TEMPLATE
    text = documents.fill_term(values, wording)
    pdf = documents.pdf_bytes(
        text,
        title=f"Termination: {values['agent_name']} ({values['effective_date']})",
        footer=f"Termination - {values['agent_name']} ({values['employee_id']}) - "
        f"effective {values['effective_date']}",
    )
    return CapDocument.objects.create(
        fact=decision.proposal,
        template=template,
        template_version=template.version if template else 0,
        template_text=wording,
        text=text,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=_user(actor),
    )


@transaction.atomic
def termination_decide_due(
    *,
    agent: Agent,
    ladder: str,
    decision: str,
    reason: str,
    day,
    actor,
    as_of: date,
    expect_by: date | None = None,
) -> TerminationDecision:
    """R-L5 (issue 15 item 10): the PM decides a termination review the rules say is due on
    `ladder` as of `as_of` though nobody delivered it: the review is recorded as delivered by
    the PM (so the ladder shows it no more) and decided at once, like a TL's proposal."""
    require_write(actor, "termination_decision", None, agent)
    lock_agent(agent)
    program = agent.training_class.program
    projection.ensure_day(
        program=program, as_of=as_of, report="actions", now=clock.now(program.time_zone)
    )
    due = due_review_of(agent, ladder, as_of)
    if due is None:
        raise ValidationError(
            f"No termination review of {agent.name} is due on the {words(ladder)} ladder as of "
            f"{as_of:%m/%d/%Y}. Nothing was saved."
        )
    _check_decidable_reason(decision, reason)
    proposal = fact_record(
        agent=agent,
        day=as_of,
        kind="action",
        item=TERMINATION_REVIEW,
        value=ladder,
        note=f"Due by the rules since {date.fromisoformat(due.due_on):%m/%d/%Y}; decided by the PM",
        actor=actor,
        write="termination_decision",
    )
    return termination_decide(
        proposal=proposal,
        decision=decision,
        reason=reason,
        day=day,
        actor=actor,
        expect_by=expect_by,
    )


def _check_decidable_reason(decision: str, reason: str) -> None:
    if decision not in (TerminationDecision.TERM, TerminationDecision.KEEP):
        raise ValidationError("Choose to term the agent or to keep them.")
    if not reason.strip():
        raise ValidationError(
            "Write the reason for the termination."
            if decision == TerminationDecision.TERM
            else "Write the new expectation the agent is kept with."
        )


@transaction.atomic
def step_deliver(
    *,
    agent: Agent,
    ladder: str,
    step: str,
    expectation: str,
    day: date,
    actor,
    source: str = "form",
) -> Fact:
    """R-L5: a delivered ladder step, with who, when, the expectation set and, for a written
    or final CAP, its document (esp.accountability). A termination review is a proposal to the
    PM, who is mailed at once and decides it (esp.accountability.services.termination_decide).
    """
    require_write(actor, "action", step, agent)
    lock_agent(agent)
    _check_step_of_ladder(agent, ladder, step)
    already = Fact.objects.filter(
        agent=agent, kind="action", item=step, value=ladder, date=day
    ).first()
    if already is not None:
        raise Conflict(already, f"The {words(step)} ({words(ladder)})")
    if step == TERMINATION_REVIEW:
        _check_no_waiting_review(agent)
    fact = fact_record(
        agent=agent,
        day=day,
        kind="action",
        item=step,
        value=ladder,
        note=expectation,
        actor=actor,
        source=source,
    )
    cap_document_for_delivery(fact, actor)  # R-N6: a written or final CAP's document to sign
    if step == TERMINATION_REVIEW:
        notify_termination_review(fact)  # R-L5: a recommendation to the PM, mailed at once
    return fact


def _check_step_of_ladder(agent: Agent, ladder: str, step: str) -> None:
    """The step must be one of the ladder's steps (the failed-exams ladder has no termination
    review, for instance); an unknown ladder or step is refused by the fact's validation."""
    found = (
        Ladder.objects.filter(program=agent.training_class.program_id, key=ladder)
        .prefetch_related("steps")
        .first()
    )
    if found is None:
        return
    steps = sorted(found.steps.all(), key=lambda s: s.order)
    if steps and step not in {s.key for s in steps}:
        names = ", ".join(s.name.lower() for s in steps)
        raise ValidationError(
            f"The {found.name} ladder has no {step.replace('_', ' ')} step (its steps: {names}). "
            "Nothing was saved."
        )


def _check_no_waiting_review(agent: Agent) -> None:
    """R-L5 (issue 12 item 3 follow-up): one termination review at a time waits for the PM's
    decision; a second proposal is refused while the first is undecided."""
    waiting = (
        Fact.objects.filter(
            agent=agent,
            kind="action",
            item=TERMINATION_REVIEW,
            termination_decision__isnull=True,
        )
        .order_by("date", "pk")
        .first()
    )
    if waiting is not None:
        raise ValidationError(
            f"A termination review of {agent.name} ({waiting.value} ladder), delivered "
            f"{waiting.date:%m/%d/%Y} by {waiting.by or 'someone'}, is already waiting for the "
            "PM's decision. Nothing was saved."
        )


# -- the PM is told (issue 15 item 10) --------------------------------------------------------


def _pms(agent: Agent) -> list:
    """The agent's PM, else their class's PMs."""
    return [agent.pm] if agent.pm_id else list(agent.training_class.pms.order_by("pk"))


def _pm_addresses(agent: Agent) -> list[str]:
    return [pm.email for pm in _pms(agent)]


def _agent_link(agent: Agent, anchor: str) -> str:
    base = settings.ESP_BASE_URL.rstrip("/")
    return base + reverse("progress:agent", args=[agent.employee_id]) + anchor


def mail_due_termination_reviews(*, now: datetime) -> int:
    """A worker round's chore (R-L5, issue 15 item 10): each termination review the rules say
    is due, as of each program's today, is mailed to the agent's PM once (outbox key per agent,
    ladder and due day), whether or not a TL delivers it. Returns how many were enqueued."""
    sent = 0
    for program in Program.objects.order_by("pk"):
        as_of = now.astimezone(ZoneInfo(program.time_zone)).date()
        projection.ensure_day(program=program, as_of=as_of, report="actions", now=now)
        ladders = dict(Ladder.objects.filter(program=program).values_list("key", "name"))
        for line in due_review_lines(program, as_of).select_related("agent__pm"):
            agent = line.agent
            message = make_message(
                "termination-due",
                {
                    "agent": agent,
                    "class_code": line.class_code,
                    "ladder_name": ladders.get(line.ladder, words(line.ladder)),
                    "due_on": date.fromisoformat(line.due_on),
                    "link": _agent_link(agent, "#ladders"),
                },
            )
            sent += (
                enqueue(
                    key=f"notify|termination_due|{agent.employee_id}|{line.ladder}|{line.due_on}",
                    report="termination_review",
                    list_key="notification",
                    to=_pm_addresses(agent),
                    message=message,
                    now=now,
                    business_day=as_of,
                )
                is not None
            )
    return sent


@transaction.atomic
def pm_inform(*, agent: Agent, text: str, day: date, now: datetime, actor) -> Fact:
    """Seed 001, "the TL must inform their PM immediately of the situation": the text mailed to
    the agent's PM at once, kept as a staff note on the agent's history, and audited."""
    require_write(actor, "inform_pm", None, agent)
    text = text.strip()
    if not text:
        raise ValidationError("Write what the PM should know. Nothing was sent.")
    to = _pm_addresses(agent)
    if not to:
        raise ValidationError(
            f"{agent.name} has no PM, and neither has their class. Nothing was sent."
        )
    by = actor_name(actor) or "Someone"
    names = ", ".join(pm.get_full_name() or pm.email for pm in _pms(agent))
    note = note_add(agent=agent, text=f"Informed the PM ({names}): {text}", day=day, actor=actor)
    message = make_message(
        "pm-informed",
        {
            "agent": agent,
            "by": by,
            "text": text,
            "day": day,
            "class_code": class_moved_to(agent, day) or agent.training_class.code,
            "link": _agent_link(agent, "#notes"),
        },
    )
    enqueue(
        key=f"notify|pm_informed|{note.pk}",
        report="pm_informed",
        list_key="notification",
        to=to,
        message=message,
        now=now,
        business_day=day,
    )
    audit_record(
        actor=_user(actor),
        action="pm_informed",
        obj=agent,
        changes={"to": sorted(to), "text": text, "note": note.pk},
    )
    return note
