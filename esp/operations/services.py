"""Writes of the manager's operations: the steps of a training-environment extension
(R-E1–R-E3) and of a transfer to production (R-X1–R-X2). Each is checked against the
checklist (selectors.py), atomic and audited (STYLE §4)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.lib.csvio import parse_date
from esp.lib.display import clock_time
from esp.progress.services import actor_name, projection, task_status_set
from esp.roster.models import Agent
from esp.rules.operations import Item

from .models import ExtensionProcedure, ExtensionStep, TransferStep
from .selectors import (
    extension_board,
    home_department,
    transfer_checklist,
    transfer_passed,
    transfer_refusal,
    undo_uptraining,
)

# -- extensions ----------------------------------------------------------------------------------


@transaction.atomic
def extension_step_record(
    *, program, training_class, step, agent=None, value="", note="", actor, now: datetime, as_of
) -> ExtensionStep:
    report = projection.read_report("extensions", program=program, as_of=as_of, now=now)
    report["classes"] = [c for c in report["classes"] if c["class_code"] == training_class.code]
    board = {c["class"].pk: c for c in extension_board(program, as_of, report, now=now)["classes"]}
    entry = board.get(training_class.pk)
    if entry is None:
        raise ValidationError(
            f"Class {training_class.code} needs no extension as of {as_of:%m/%d/%Y}."
        )
    item = _find_item(entry["items"], step, agent)
    _check_next(item)
    value = _step_value(step, value, item.extra)
    procedure = entry["procedure"] or ExtensionProcedure.objects.create(
        training_class=training_class, method=entry["method"], started_on=as_of
    )
    row = ExtensionStep.objects.create(
        procedure=procedure,
        step=step,
        agent=agent,
        value=value,
        note=note,
        done_by=actor,
        done_by_name=actor_name(actor),
        done_at=now,
    )
    audit_record(
        actor=actor,
        action="extension_step",
        obj=agent or training_class,
        changes={"class": training_class.code, "step": [None, step], "value": value},
    )
    return row


def _find_item(items: list[Item], step: str, agent) -> Item:
    agent_pk = agent.pk if agent else None
    for item in items:
        if item.step == step and (item.agent.pk if item.agent else None) == agent_pk:
            return item
    raise ValidationError("That step is not on this class's checklist.")


def _check_next(item: Item) -> None:
    if item.done:
        raise ValidationError("That step is already recorded.")
    if item.blocked:
        raise ValidationError(item.blocked)


def _step_value(step: str, value: str, extra: dict) -> str:
    """The value a step stores: the extended ESP end date (ISO; after the current end date
    `extra["esp_end"]`), the campaign's uptraining class typed (`extra["value"]`)."""
    esp_end: date | None = extra.get("esp_end")
    if step == "extend_end":
        try:
            new_end = parse_date(value)
        except ValueError:
            new_end = None
        if new_end is None:
            raise ValidationError("Give the extended ESP end date.")
        if esp_end is not None and new_end <= esp_end:
            raise ValidationError(
                f"The extended ESP end date {new_end:%m/%d/%Y} must come after the current "
                f"one, {esp_end:%m/%d/%Y}."
            )
        return new_end.isoformat()
    if step == "uptraining_set":
        return extra["value"]
    return value


@transaction.atomic
def undo_record(*, program, agent, note="", actor, now, as_of) -> ExtensionStep:
    row = next((r for r in undo_uptraining(program, as_of) if r["agent"].pk == agent.pk), None)
    if row is None:
        raise ValidationError(f"{agent.name} is not waiting for an uptraining undo.")
    step = ExtensionStep.objects.create(
        procedure=row["procedure"],
        step="undo",
        agent=agent,
        value="",
        note=note,
        done_by=actor,
        done_by_name=actor_name(actor),
        done_at=now,
    )
    audit_record(actor=actor, action="extension_step", obj=agent, changes={"step": [None, "undo"]})
    return step


# -- transfers -------------------------------------------------------------------------------------


@transaction.atomic
def transfer_step_record(
    *, program, agent, step, outcome="", note="", actor, now: datetime, today: date
) -> TransferStep:
    """R-X2: record the next step of the agent's transfer checklist (an ESP-complete agent's
    only); the step that completes it updates the tracker's transfer task."""
    transfer_task = program.policy().transfer_task
    require_write(actor, "task", transfer_task, agent)
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    if transfer_passed(agent):
        raise ValidationError(f"{agent.name}'s transfer is already done.")
    refusal = transfer_refusal(program, agent, today)
    if refusal:
        raise ValidationError(refusal)
    item = next((i for i in transfer_checklist(agent, today, now) if i.step == step), None)
    if item is None or item.done:
        raise ValidationError("That step is not the next one on the checklist.")
    if item.blocked:
        raise ValidationError(item.blocked)
    outcome = _transfer_outcome(step, outcome)
    if step == "it_ticket" and not note.strip():
        raise ValidationError("Note the IT ticket's number.")
    row = TransferStep.objects.create(
        agent=agent,
        step=step,
        outcome=outcome,
        note=note,
        done_by=actor,
        done_by_name=actor_name(actor),
        done_at=now,
    )
    audit_record(
        actor=actor,
        action="transfer_step",
        obj=agent,
        changes={"step": [None, step], "outcome": outcome, "note": note},
    )
    if transfer_passed(agent):
        local = now.astimezone(ZoneInfo(program.time_zone))
        task_status_set(
            agent=agent,
            task=transfer_task,
            status="done",
            day=today,
            actor=actor,
            note=f"Transferred to production ({home_department(agent)}), "
            f"checked {clock_time(local)}",
        )
    return row


def _transfer_outcome(step: str, outcome: str) -> str:
    """A check of BlackDash is passed (the agent shows in no training classroom) or failed;
    the other steps have no outcome."""
    if not step.startswith("verify_"):
        return ""
    if outcome not in ("passed", "failed"):
        raise ValidationError("Say whether the agent still shows in a training classroom.")
    return outcome
