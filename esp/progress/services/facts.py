"""Recording facts one at a time (pages, forms, API): validated, audited by the fact row itself
(who recorded it, when, from where), and checked against concurrent edits.

A page that changes something shows the latest fact it was based on; the service refuses the
change with a `Conflict` naming the current value when someone else changed it since
(§17 "no lost work").
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from esp.access.writes import WRITES, require_write
from esp.audit.services import audit_record
from esp.lib import clock
from esp.lib.display import label, words
from esp.roster.models import Agent, TrainingClass
from esp.roster.signals import agent_moved
from esp.rules.records import DONE

from .. import hooks
from ..checks import check_fact
from ..models import CarrierTicket, Fact, content_hash
from ..notifications import notify_after_facts
from ..selectors import latest_fact, vocabulary_of

#: The kinds of fact that may call for an immediate notification (R-N3, R-N4a, R-N4b).
NOTIFYING_KINDS = {"task", "tbt", "call", "equipment", "flag", "exam"}

TERMINATION_REVIEW = "termination_review"


class Conflict(Exception):
    """Someone changed the same thing since the page was loaded."""

    def __init__(self, current: Fact | None, what: str, value: str = ""):
        self.current = current
        self.what = what
        self.key_text = self.text = f"{what} was cleared since you loaded the page."
        if current is not None:
            value = value or current.value or current.item or current.note
            self.text = self._changed(current, what, words(value))
            self.key_text = self._changed(current, what, value)  # the API's clients read keys
        super().__init__(self.text)

    @staticmethod
    def _changed(current: Fact, what: str, shown: str) -> str:
        return (
            f"{what} was changed to '{shown}' by {current.by or 'someone'} on "
            f"{current.date:%m/%d/%Y} since you loaded the page. Nothing was saved: check the "
            "current value and try again."
        )


def proof_needed(task) -> str:
    """Why a task that needs a proof cannot be marked done directly (R-B2, R-P4)."""
    what = (
        "the screenshot showing the 13 green checks"
        if task.key == "carrier_cert"
        else "the completion screenshot"
    )
    return (
        f"{task.name} is done only when its proof is accepted: upload {what} under Proofs on "
        "the agent's page (or with the carrier cert completion form); a reviewer's acceptance "
        "marks it done. Nothing was saved."
    )


def actor_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


def lock_agent(agent: Agent) -> None:
    """Lock the agent's row until the transaction ends: one write at a time per agent."""
    Agent.objects.select_for_update().filter(pk=agent.pk).first()


def _check_based_on(
    agent: Agent, kind: str, item: str | None, based_on, what: str, *, value: str | None = None
) -> None:
    """Lock the agent row, then compare the latest fact with the one the page showed. A fact
    kept by its `value` (a red flag) changes in its item (raised, resolved): the conflict
    names that."""
    lock_agent(agent)
    current = latest_fact(agent, kind, item, value=value)
    current_id = current.pk if current else None
    if based_on is not None and str(based_on) != str(current_id or ""):
        shown = current.item if current is not None and value is not None else ""
        raise Conflict(current, what, value=shown)


@transaction.atomic
def task_status_set(
    *,
    agent: Agent,
    task: str,
    status: str,
    day: date,
    actor,
    note: str = "",
    based_on=None,
    source: str = "form",
    proof=None,
) -> Fact:
    """R-P1: set one task's status (with an optional note); `based_on` is the id of the
    latest status fact the page showed ("" when it showed none)."""
    require_write(actor, "task", task, agent)
    _check_based_on(agent, "task", task, based_on, f"The {label(task, 'task')} status")
    return fact_record(
        agent=agent,
        day=day,
        kind="task",
        item=task,
        value=status,
        note=note,
        actor=actor,
        source=source,
        proof=proof,
    )


def step_deliver(**kwargs) -> Fact:
    """R-L5: deliver a ladder step. The service lives in esp.accountability.services (it
    stores a CAP's document); this temporary path reaches it through esp.progress.hooks for
    the callers not yet moved (the API, some tests)."""
    return hooks.write("step_deliver")(**kwargs)


def note_add(
    *, agent: Agent, text: str, day: date, actor, source: str = "note", to_agent: bool = False
) -> Fact:
    """R-N1: a note on the agent's timeline (self-reports use kind self_report). A note is
    staff-only unless written `to_agent` (SPEC §1, issue 12 item 5)."""
    kind = "self_report" if source == "self_report" else "note"
    return fact_record(
        agent=agent,
        day=day,
        kind=kind,
        note=text.strip(),
        by=actor_name(actor) or agent.name,
        actor=actor,
        source=source,
        to_agent=to_agent and kind == "note",
    )


@transaction.atomic
def employment_set(*, agent: Agent, status: str, day: date, actor, note: str = "", based_on=None):
    """R-P3, R-L5: only the ESP Manager or the PM changes employment (esp.access.writes)."""
    require_write(actor, "status", "employment", agent)
    _check_based_on(agent, "status", "employment", based_on, "The employment status")
    return fact_record(
        agent=agent,
        day=day,
        kind="status",
        item="employment",
        value=status,
        note=note,
        actor=actor,
    )


@transaction.atomic
def equipment_set(
    *,
    agent: Agent,
    status: str,
    day: date,
    actor,
    ticket: str = "",
    note: str = "",
    based_on=None,
):
    """R-Q1: equipment status; `verified` completes the equipment task (R-P4)."""
    _check_based_on(agent, "equipment", None, based_on, "The equipment status")
    return fact_record(
        agent=agent,
        day=day,
        kind="equipment",
        item=status,
        value=ticket.strip(),
        note=note,
        actor=actor,
    )


@transaction.atomic
def flag_record(
    *,
    agent: Agent,
    action: str,
    flag: str,
    day: date,
    actor,
    note: str = "",
    based_on=None,
    source: str = "form",
):
    """R-N4b: a red flag `raised` (reported at once to the ESP Managers, ops management and the
    PM, through the outbox) or `resolved`; `based_on` is the id of the latest fact of that flag
    the caller saw ("" when it saw none)."""
    what = f"The {flag.replace('_', ' ')} red flag"
    _check_based_on(agent, "flag", None, based_on, what, value=flag)
    return fact_record(
        agent=agent,
        day=day,
        kind="flag",
        item=action,
        value=flag,
        note=note,
        actor=actor,
        source=source,
    )


@transaction.atomic
def call_record(
    *,
    agent: Agent,
    call: int,
    score: int,
    day: date,
    actor,
    notes: str = "",
    based_on=None,
    source: str = "form",
) -> Fact:
    """R-C3, R-C4: a call's score (a re-score replaces the earlier one); `based_on` is the id of
    the latest score of that call the caller saw ("" when it saw none)."""
    _check_based_on(agent, "call", str(call), based_on, f"Call {call}'s score")
    return fact_record(
        agent=agent,
        day=day,
        kind="call",
        item=str(call),
        value=str(score),
        note=notes,
        actor=actor,
        source=source,
    )


def flag_raise(*, agent: Agent, flag: str, day: date, actor, note: str = ""):
    return flag_record(agent=agent, action="raised", flag=flag, day=day, actor=actor, note=note)


def flag_resolve(*, agent: Agent, flag: str, day: date, actor, note: str = ""):
    return flag_record(agent=agent, action="resolved", flag=flag, day=day, actor=actor, note=note)


def notify_changed_agents(agent_ids, *, now: datetime | None = None) -> int:
    """Immediate notifications (R-N3, R-N4a, R-N4b) for the agents whose facts changed, at
    `now` (a fact recorded without one: when its transaction commits)."""
    if not agent_ids:
        return 0
    return notify_after_facts(agent_ids, now=now or clock.now())


@transaction.atomic
def fact_record(
    *,
    agent: Agent,
    day: date,
    kind: str,
    item: str = "",
    value: str = "",
    by: str = "",
    note: str = "",
    actor=None,
    source: str = "form",
    proof=None,
    to_agent: bool = False,
    write: str | None = None,
) -> Fact:
    """Validate and append one fact; its identity is its content and its position.

    `by` defaults to the acting user's name; `proof` links the proof that completed a task;
    `to_agent` makes a note one the agent reads (not part of its identity: issue 12 item 5).
    The write matrix (esp.access.writes) must let `actor` record the fact's kind and item for
    the agent, or let it make `write` (the write a caller already checked, e.g.
    "proof_review"); `actor` None is the system. A task that needs a proof (AHIP, the
    carrier certification) becomes done only with its accepted proof (issue 12 item 4).
    """
    if (write or kind) in WRITES:  # an unknown kind is refused by the validation below
        require_write(actor, write or kind, item, agent)
    by = by or actor_name(actor)
    program = agent.training_class.program
    if kind == "task" and value == DONE and proof is None:
        task = program.tasks.filter(key=item, needs_proof=True).first()
        if task is not None:
            raise ValidationError({"value": proof_needed(task)})
    class_codes = (
        set(TrainingClass.objects.values_list("code", flat=True)) if kind == "move" else ()
    )
    problems = check_fact(kind, item, value, note, vocabulary_of(program), class_codes)
    if problems:
        raise ValidationError({column: reason for column, reason in problems})
    identity = content_hash(day.isoformat(), agent.employee_id, kind, item, value, by, note)
    occurrence = Fact.objects.filter(content_hash=identity).count()
    fact = Fact.objects.create(
        agent=agent,
        date=day,
        kind=kind,
        item=item,
        value=value,
        by=by,
        note=note,
        source=source,
        recorded_by=actor,
        proof=proof,
        to_agent=to_agent,
        content_hash=identity,
        occurrence=occurrence,
    )
    Agent.objects.filter(pk=agent.pk).update(version=F("version") + 1)
    if kind in NOTIFYING_KINDS:
        transaction.on_commit(lambda: notify_changed_agents({agent.pk}))
    return fact


@transaction.atomic
def carrier_ticket_record(
    *, agent: Agent, day: date, ticket_number: str, issue: str, actor, note: bool = True
) -> CarrierTicket:
    """R-N4: a ticket opened with the carrier for the agent, with a note on the timeline."""
    require_write(actor, "carrier_ticket", None, agent)
    ticket_number, issue = ticket_number.strip(), issue.strip()
    if not ticket_number:
        raise ValidationError({"ticket_number": "Give the carrier's ticket number."})
    ticket = CarrierTicket.objects.create(
        agent=agent, date=day, ticket_number=ticket_number, issue=issue, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="carrier_ticket_record",
        obj=ticket,
        changes={
            "agent": agent.employee_id,
            "ticket_number": ticket_number,
            "issue": issue,
            "date": day.isoformat(),
        },
    )
    if note:
        fact_record(
            agent=agent,
            day=day,
            kind="note",
            note=f"Carrier ticket {ticket_number}: {issue}",
            actor=actor,
            source="note",
            write="carrier_ticket",
        )
    return ticket


def class_on(agent: Agent, day: date) -> str:
    """R-T3: the code of the agent's class on `day`: their latest move by then, else the
    roster class."""
    move = (
        Fact.objects.filter(agent=agent, kind="move", date__lte=day)
        .order_by("-date", "-pk")
        .first()
    )
    return move.item if move is not None else agent.training_class.code


def _move_target(agent: Agent, to_class) -> TrainingClass:
    code = to_class.code if isinstance(to_class, TrainingClass) else str(to_class or "").strip()
    target = TrainingClass.objects.filter(code=code).select_related("program").first()
    if target is None:
        raise ValidationError({"item": f"No class '{code}'."})
    program = agent.training_class.program
    if target.program_id != program.pk:
        raise ValidationError(
            {"item": f"Class {code} belongs to program {target.program.key}, not {program.key}."}
        )
    return target


def announce_move(*, agent: Agent, old_code: str, new_code: str, day: date, actor, now) -> None:
    """Tell the apps above (esp.roster.signals.agent_moved: the classrooms cancel the old
    class's invitations, R-S2) that the agent moved from `day`."""
    classes = TrainingClass.objects.in_bulk([old_code, new_code], field_name="code")
    agent_moved.send(
        sender=Agent,
        agent=agent,
        old_class=classes.get(old_code),
        new_class=classes[new_code],
        day=day,
        actor=actor,
        now=now,
    )


@transaction.atomic
def agent_class_move(
    *, agent: Agent, to_class, day: date, reason: str, actor, now: datetime
) -> Fact:
    """R-T3: the agent joins `to_class` (a class or its code) from `day`, for the remaining
    phases; every rule then uses that class's phase dates for the agent. The class must exist,
    belong to the agent's program and differ from the class the agent is in as of `day`.
    Then R-S2: `agent_moved` is sent (the old class's classroom invitations are cancelled)."""
    require_write(actor, "move", None, agent)
    target = _move_target(agent, to_class)
    lock_agent(agent)
    current = class_on(agent, day)
    if current == target.code:
        raise ValidationError(
            {"item": f"The agent is already in class {target.code} on {day:%m/%d/%Y}."}
        )
    if not reason.strip():
        raise ValidationError({"note": "Give the reason for the move."})
    fact = fact_record(
        agent=agent, day=day, kind="move", item=target.code, note=reason.strip(), actor=actor
    )
    announce_move(
        agent=agent, old_code=current, new_code=target.code, day=day, actor=actor, now=now
    )
    return fact


def agent_move(agent: Agent, to_class, day: date, reason: str, actor) -> Fact:
    """`agent_class_move` with the positional arguments its older callers pass, at the
    program's current time (temporary: the tests that call it so keep their calls)."""
    now = clock.now(agent.training_class.program.time_zone)
    return agent_class_move(
        agent=agent, to_class=to_class, day=day, reason=reason, actor=actor, now=now
    )
