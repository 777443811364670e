"""Running a walk-through (R-Q2): start it, record each step's outcome; solved ends it, a
"didn't help" at the last step ends it unresolved and opens what the playbook says: an
equipment issue with its IT ticket (R-Q1) or a carrier ticket with a note (R-N4). Each write
is keyword-only, atomic, takes `now` and `actor` and writes its audit row (STYLE §4)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.progress.services import carrier_ticket_record, equipment_set, note_add
from esp.roster.models import Agent

from .models import Playbook, StepOutcome, Walkthrough
from .selectors import current_step, is_last, open_walkthrough


def _day(agent: Agent, now: datetime):
    """The day of `now` in the agent's program's time zone."""
    return now.astimezone(ZoneInfo(agent.training_class.program.time_zone)).date()


@transaction.atomic
def walkthrough_start(*, agent: Agent, playbook: Playbook, actor, now: datetime) -> Walkthrough:
    require_write(actor, "troubleshoot", None, agent)
    if not playbook.active or not playbook.steps.exists():
        raise ValidationError("This playbook has no steps or is not in use.")
    if open_walkthrough(agent) is not None:
        raise ValidationError("Finish the walk-through in progress first.")
    walkthrough = Walkthrough.objects.create(agent=agent, playbook=playbook, started_by=actor)
    walkthrough.started_at = now  # the field's auto_now_add stamps the save, not the caller's now
    walkthrough.save(update_fields=["started_at"])
    audit_record(
        actor=actor,
        action="walkthrough_start",
        obj=agent,
        changes={"walkthrough": walkthrough.pk, "playbook": playbook.key},
    )
    return walkthrough


def _step_to_record(walkthrough: Walkthrough, outcome: str):
    """The step whose outcome is recorded now; refused when the walk-through has ended, the
    outcome is unknown or no step is left."""
    if walkthrough.status != Walkthrough.OPEN:
        raise ValidationError("This walk-through has ended.")
    if outcome not in (StepOutcome.SOLVED, StepOutcome.NOT_HELPED):
        raise ValidationError("Choose solved or didn't help.")
    step = current_step(walkthrough)
    if step is None:
        raise ValidationError("This playbook has no more steps.")
    return step


@transaction.atomic
def outcome_record(
    *,
    walkthrough: Walkthrough,
    outcome: str,
    note: str = "",
    actor,
    ticket: str = "",
    now: datetime,
) -> StepOutcome:
    """Log one step's outcome; end the walk-through when solved or after the last step."""
    require_write(actor, "troubleshoot", None, walkthrough.agent)
    walkthrough = Walkthrough.objects.select_for_update().get(pk=walkthrough.pk)
    step = _step_to_record(walkthrough, outcome)
    last = is_last(walkthrough, step)
    playbook = walkthrough.playbook
    ticket = ticket.strip()
    if outcome == StepOutcome.NOT_HELPED and last and not ticket:
        what = "IT ticket" if playbook.escalation == Playbook.EQUIPMENT else "carrier ticket"
        raise ValidationError(f"Enter the {what} number: the issue is opened with it.")
    row = StepOutcome.objects.create(
        walkthrough=walkthrough,
        step=step,
        position=step.position,
        instruction=step.instruction,
        outcome=outcome,
        note=note.strip(),
        recorded_by=actor,
    )
    if outcome == StepOutcome.SOLVED:
        _end(walkthrough, Walkthrough.SOLVED, f"solved at step {step.position}", now=now)
    elif last:
        _escalate(walkthrough, ticket=ticket, note=note.strip(), actor=actor, now=now)
    audit_record(
        actor=actor,
        action="walkthrough_outcome",
        obj=walkthrough.agent,
        changes={
            "walkthrough": walkthrough.pk,
            "step": step.position,
            "outcome": outcome,
            "note": row.note,
            "status": walkthrough.status,
            "result": walkthrough.result,
        },
    )
    return row


def _end(walkthrough: Walkthrough, status: str, result: str, *, now: datetime) -> None:
    walkthrough.status = status
    walkthrough.result = result[:200]
    walkthrough.ended_at = now
    walkthrough.save(update_fields=["status", "result", "ended_at"])


def _escalate(walkthrough: Walkthrough, *, ticket: str, note: str, actor, now: datetime) -> None:
    agent, playbook = walkthrough.agent, walkthrough.playbook
    day = _day(agent, now)
    summary = f"{playbook.name}: every step tried, unresolved" + (f" ({note})" if note else "")
    if playbook.escalation == Playbook.EQUIPMENT:
        equipment_set(
            agent=agent, status="issue", day=day, actor=actor, ticket=ticket, note=summary
        )
        _end(walkthrough, Walkthrough.UNRESOLVED, f"equipment issue, IT ticket {ticket}", now=now)
    else:
        carrier_ticket_record(
            agent=agent, day=day, ticket_number=ticket, issue=summary, actor=actor, note=False
        )
        note_add(
            agent=agent,
            text=f"Carrier ticket {ticket} opened after the {playbook.name} walk-through.",
            day=day,
            actor=actor,
        )
        _end(walkthrough, Walkthrough.UNRESOLVED, f"carrier ticket {ticket}", now=now)
