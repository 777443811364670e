"""The writes of the five tracking forms (R-N4): each one transaction, through the same fact
and proof services as the rest of the app (the fact rows are their audit)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from esp.roster.models import Agent

from ..models import Fact, Proof
from .facts import carrier_ticket_record, fact_record, task_status_set
from .proofs import proof_submit


@transaction.atomic
def carrier_cert_submit(
    *, agent: Agent, certification: str, name: str, data: bytes, day: date, actor
) -> Proof:
    """The completion screenshot of AHIP or the carrier certification, submitted for review;
    the task is in progress until a reviewer accepts it (R-B2)."""
    proof = proof_submit(agent=agent, item=certification, name=name, data=data, actor=actor)
    task_status_set(
        agent=agent,
        task=certification,
        status="in_progress",
        day=day,
        actor=actor,
        note=f"Completion screenshot submitted: {proof.original_name}",
        source="carrier_cert_form",
    )
    return proof


@transaction.atomic
def tbt_proof_submit(*, agent: Agent, course: str, name: str, data: bytes, actor) -> Proof:
    """A TBT course's completion proof, submitted for review (R-B2)."""
    return proof_submit(agent=agent, item=f"tbt:{course}", name=name, data=data, actor=actor)


@transaction.atomic
def tbt_complete(*, agent: Agent, day: date, actor) -> Fact:
    """Every TBT course done (the TBT completion form)."""
    return task_status_set(
        agent=agent,
        task="tbt",
        status="done",
        day=day,
        actor=actor,
        note="All TBTs complete (TBT completion form)",
        source="tbt_form",
    )


@transaction.atomic
def call_score_record(*, agent: Agent, call: int, score: int, notes: str, day: date, actor) -> Fact:
    """R-C3: a call's score from the call certification form."""
    return fact_record(
        agent=agent,
        day=day,
        kind="call",
        item=str(call),
        value=str(score),
        note=notes,
        actor=actor,
        source="call_cert_form",
    )


@transaction.atomic
def failed_exam_record(*, agent: Agent, exam: str, note: str, day: date, actor) -> Fact:
    """R-N4a: a failed exam attempt (the TL, the PM and licensing are notified)."""
    return fact_record(
        agent=agent,
        day=day,
        kind="exam",
        item=exam,
        value="failed",
        note=note,
        actor=actor,
        source="failed_exam_form",
    )


__all__ = [
    "call_score_record",
    "carrier_cert_submit",
    "carrier_ticket_record",
    "failed_exam_record",
    "tbt_complete",
    "tbt_proof_submit",
]
