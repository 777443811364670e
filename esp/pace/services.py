"""Recording module progress from the pace grid (R-I1b): one service, one audit row a change.

A grid save names, per changed cell, the state the page showed and the state wanted. A cell
whose stored state (as of the grid's day) no longer matches what the page showed was changed
by someone else meanwhile: it is left alone and reported as a conflict, never overwritten.
Checking a cell records the grid's day as the day the module was done (back-dating is allowed,
R-T5); undoing a check clears the day (the row stays, with who undid it and when).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from esp import clock
from esp.audit.services import audit_record
from esp.roster.models import Agent

from .models import ModuleProgress, PaceModule


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


def _done_as_of(row: ModuleProgress | None, day: date) -> bool:
    return row is not None and row.done_on is not None and row.done_on <= day


@transaction.atomic
def module_progress_set(
    *, agent: Agent, module: PaceModule, done: bool, day: date, actor
) -> ModuleProgress | None:
    """Mark `module` done on `day` for `agent`, or undo it; None when nothing changes."""
    row = ModuleProgress.objects.select_for_update().filter(agent=agent, module=module).first()
    if _done_as_of(row, day) == done:
        return None
    old = row.done_on if row else None
    new = day if done else None
    now = clock.now()
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
def grid_save(*, changes: list[CellChange], day: date, actor) -> GridResult:
    """Record the changed cells of one grid POST; cells changed meanwhile are conflicts."""
    result = GridResult()
    rows = {
        (row.agent_id, row.module_id): row
        for row in ModuleProgress.objects.select_for_update().filter(
            agent__in=[c.agent for c in changes], module__in=[c.module for c in changes]
        )
    }
    for change in changes:
        current = _done_as_of(rows.get((change.agent.pk, change.module.pk)), day)
        if current != change.was_done:
            result.conflicts.append(change)
            continue
        if current == change.done:
            continue
        module_progress_set(
            agent=change.agent, module=change.module, done=change.done, day=day, actor=actor
        )
        result.recorded.append(change)
    return result
