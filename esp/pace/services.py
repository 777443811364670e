"""Recording module progress from the pace grid (R-I1b): one service, one audit row a change.

A grid save names, per changed cell, the state the page showed and the state wanted. A cell
whose stored state (as of the grid's day) no longer matches what the page showed was changed
by someone else meanwhile: it is left alone and reported as a conflict, never overwritten.
Checking a cell records the grid's day as the day the module was done (back-dating is allowed,
R-T5); undoing a check clears the day (the row stays, with who undid it and when).

A `task_only` module (the AHIP final, the carrier certification) is done only through its task,
once its proof is accepted (R-B2): no hand tick is recorded for it.

Each save computes the agents' lines of the read model again in its transaction (their pace
line on Today, R-I1b; esp.progress.services.projection), as a fact saved does.

A save locks the agents' rows first, as the fact services do (esp.progress.services): two
people saving the same agent's cells at once take turns, and the second compares against
what the first wrote (a conflict, never a duplicate row or a lost change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.lib import clock
from esp.progress.services import projection
from esp.roster.models import Agent
from esp.rules.exams import last_attempts_to_arrange

from .models import ModuleProgress, PaceModule, ProctoredArrangement
from .selectors import exam_facts_of


@dataclass(frozen=True)
class CellChange:
    agent: Agent
    module: PaceModule
    done: bool  # the state wanted
    was_done: bool  # the state the page showed


@dataclass
class GridResult:
    recorded: list[CellChange] = field(default_factory=list)
    conflicts: list[CellChange] = field(default_factory=list)
    task_only: list[CellChange] = field(default_factory=list)  # refused: done by its task


def task_only_message(module: PaceModule, agent: Agent) -> str:
    return (
        f"{module.name} for {agent.name} is done only when the proof is accepted "
        f"(its task, {module.satisfied_by_task}): it cannot be checked on the grid."
    )


def _lock_agents(pks) -> None:
    """Lock the agents' rows (in pk order, so two saves never wait on each other)."""
    list(Agent.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))


def _done_as_of(row: ModuleProgress | None, day: date) -> bool:
    return row is not None and row.done_on is not None and row.done_on <= day


@transaction.atomic
def module_progress_set(
    *, agent: Agent, module: PaceModule, done: bool, day: date, actor, now: datetime | None = None
) -> ModuleProgress | None:
    """Mark `module` done on `day` for `agent`, or undo it; None when nothing changes.

    `now` (when it was recorded) comes from the caller; without it, the clock's now (the
    demo and older callers). The agent's lines of the read model (their pace line, R-I1b)
    are computed again in the same transaction."""
    row = _module_progress_set(agent=agent, module=module, done=done, day=day, actor=actor, now=now)
    if row is not None:
        projection.refresh(agent_ids=[agent.pk])
    return row


def _module_progress_set(*, agent, module, done, day, actor, now) -> ModuleProgress | None:
    if module.task_only:
        raise ValidationError(task_only_message(module, agent))
    _lock_agents([agent.pk])
    row = ModuleProgress.objects.select_for_update().filter(agent=agent, module=module).first()
    if _done_as_of(row, day) == done:
        return None
    old = row.done_on if row else None
    new = day if done else None
    now = now or clock.now()
    if row is None:
        row = ModuleProgress(agent=agent, module=module)
    row.done_on = new
    row.recorded_by = actor
    row.recorded_at = now
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="pace_module_done" if done else "pace_module_undone",
        obj=agent,
        changes={
            "module": module.key,
            "done_on": [old.isoformat() if old else None, new.isoformat() if new else None],
        },
    )
    return row


@transaction.atomic
def grid_save(
    *, changes: list[CellChange], day: date, actor, now: datetime | None = None
) -> GridResult:
    """Record the changed cells of one grid POST; cells changed meanwhile are conflicts."""
    result = GridResult()
    _lock_agents({c.agent.pk for c in changes})
    rows = {
        (row.agent_id, row.module_id): row
        for row in ModuleProgress.objects.filter(
            agent__in=[c.agent for c in changes], module__in=[c.module for c in changes]
        )
    }
    for change in changes:
        if change.module.task_only:
            result.task_only.append(change)
            continue
        current = _done_as_of(rows.get((change.agent.pk, change.module.pk)), day)
        if current != change.was_done:
            result.conflicts.append(change)
            continue
        if current == change.done:
            continue
        try:
            with transaction.atomic():
                row = _module_progress_set(
                    agent=change.agent,
                    module=change.module,
                    done=change.done,
                    day=day,
                    actor=actor,
                    now=now,
                )
        except IntegrityError:  # a row written meanwhile by someone not holding the lock
            row = None
        if row is None:  # someone else made this change meanwhile: nothing of ours recorded
            result.conflicts.append(change)
            continue
        result.recorded.append(change)
    # the read model follows, once for the agents whose cells changed (R-I1b, issue 14)
    projection.refresh(agent_ids={change.agent.pk for change in result.recorded})
    return result


@transaction.atomic
def proctored_arrange(
    *, agent: Agent, exam: str, arranged_for: date, today: date, actor
) -> ProctoredArrangement:
    """R-N4a (issue 15 item 13): Licensing marks the proctored last attempt of `exam` arranged
    for a day (today or later); it leaves the "to arrange" lists and shows "arranged for
    MM/DD/YYYY". Arranging it again moves the day. Audited."""
    require_write(actor, "exam", exam, agent)
    _lock_agents([agent.pk])
    attempts = agent.training_class.program.exam_attempts
    lasts = {
        last.exam: last
        for last in last_attempts_to_arrange(exam_facts_of(agent, today), today, attempts)
    }
    if exam not in lasts:
        raise ValidationError(
            f"{agent.name} has no proctored last attempt of {exam.replace('_', ' ')} to arrange "
            f"(it is arranged after {attempts - 1} failed attempts, until a pass). "
            "Nothing was saved."
        )
    if arranged_for < today:
        raise ValidationError(
            f"The proctored attempt cannot be arranged for {arranged_for:%m/%d/%Y}, a day "
            "already past. Nothing was saved."
        )
    row, created = ProctoredArrangement.objects.select_for_update().get_or_create(
        agent=agent,
        exam=exam,
        fails=lasts[exam].fails,
        defaults={"arranged_for": arranged_for, "arranged_by": _user(actor)},
    )
    before = None if created else row.arranged_for
    if not created:
        row.arranged_for, row.arranged_by = arranged_for, _user(actor)
        row.save()
    audit_record(
        actor=actor,
        action="proctored_arranged",
        obj=agent,
        changes={
            "exam": exam,
            "fails": row.fails,
            "arranged_for": [before and before.isoformat(), arranged_for.isoformat()],
        },
    )
    return row


def _user(actor):
    return actor if getattr(actor, "pk", None) and hasattr(actor, "get_full_name") else None
