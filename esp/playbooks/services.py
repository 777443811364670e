"""Running a walk-through (R-Q2): start it, record each step's outcome; solved ends it, a
"didn't help" at the last step ends it unresolved and opens what the playbook says: an
equipment issue with its IT ticket (R-Q1) or a carrier ticket with a note (R-N4)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from esp.access.writes import require_write
from esp.lib import clock
from esp.progress.services import carrier_ticket_record, equipment_set, note_add
from esp.roster.models import Agent

from .models import Playbook, PlaybookStep, StepOutcome, Walkthrough


def _today(agent: Agent):
    return clock.today(agent.training_class.program.time_zone)


def open_walkthrough(agent: Agent) -> Walkthrough | None:
    return (
        agent.walkthroughs.filter(status=Walkthrough.OPEN)
        .select_related("playbook")
        .order_by("-pk")
        .first()
    )


def current_step(walkthrough: Walkthrough) -> PlaybookStep | None:
    """The first step after the last one recorded (None when the playbook has no more)."""
    done = walkthrough.outcomes.count()
    steps = list(walkthrough.playbook.steps.order_by("position", "pk"))
    return steps[done] if done < len(steps) else None


def is_last(walkthrough: Walkthrough, step: PlaybookStep) -> bool:
    return not walkthrough.playbook.steps.filter(position__gt=step.position).exists()


@transaction.atomic
def walkthrough_start(*, agent: Agent, playbook: Playbook, actor) -> Walkthrough:
    require_write(actor, "troubleshoot", None, agent)
    if not playbook.active or not playbook.steps.exists():
        raise ValidationError("This playbook has no steps or is not in use.")
    if open_walkthrough(agent) is not None:
        raise ValidationError("Finish the walk-through in progress first.")
    return Walkthrough.objects.create(agent=agent, playbook=playbook, started_by=actor)


@transaction.atomic
def outcome_record(
    *, walkthrough: Walkthrough, outcome: str, note: str = "", actor, ticket: str = ""
) -> StepOutcome:
    """Log one step's outcome; end the walk-through when solved or after the last step."""
    require_write(actor, "troubleshoot", None, walkthrough.agent)
    walkthrough = Walkthrough.objects.select_for_update().get(pk=walkthrough.pk)
    if walkthrough.status != Walkthrough.OPEN:
        raise ValidationError("This walk-through has ended.")
    if outcome not in (StepOutcome.SOLVED, StepOutcome.NOT_HELPED):
        raise ValidationError("Choose solved or didn't help.")
    step = current_step(walkthrough)
    if step is None:
        raise ValidationError("This playbook has no more steps.")
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
        _end(walkthrough, Walkthrough.SOLVED, f"solved at step {step.position}")
    elif last:
        _escalate(walkthrough, ticket=ticket, note=note.strip(), actor=actor)
    return row


def _end(walkthrough: Walkthrough, status: str, result: str) -> None:
    walkthrough.status = status
    walkthrough.result = result[:200]
    walkthrough.ended_at = timezone.now()
    walkthrough.save(update_fields=["status", "result", "ended_at"])


def _escalate(walkthrough: Walkthrough, *, ticket: str, note: str, actor) -> None:
    agent, playbook = walkthrough.agent, walkthrough.playbook
    day = _today(agent)
    summary = f"{playbook.name}: every step tried, unresolved" + (f" ({note})" if note else "")
    if playbook.escalation == Playbook.EQUIPMENT:
        equipment_set(
            agent=agent, status="issue", day=day, actor=actor, ticket=ticket, note=summary
        )
        _end(walkthrough, Walkthrough.UNRESOLVED, f"equipment issue, IT ticket {ticket}")
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
        _end(walkthrough, Walkthrough.UNRESOLVED, f"carrier ticket {ticket}")
