"""Writes of the attendance app: the confirmed save of a meeting report's proposal (R-A3), and
the column mapping of a layout the app does not know, remembered for the program (issue 16
item 7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from esp.audit.services import audit_record
from esp.programs.models import Program
from esp.progress.services import actor_name, fact_record
from esp.roster.models import Agent, TrainingClass
from esp.rules.attendance import recording_refused

from .mapping import layout_key
from .match import ABSENCE_KINDS, MeetingImportError, MeetingResult, chosen_absences
from .models import MeetingColumns
from .selectors import recorded_kinds

Entry = tuple[str, str, int | None]  # (employee id, kind, minutes)


@dataclass
class MeetingSaved:
    """What `meeting_save` recorded: (employee id, kind, minutes) triples."""

    created: list[Entry] = field(default_factory=list)
    already: list[Entry] = field(default_factory=list)
    absences: list[Entry] = field(default_factory=list)
    dry_run: bool = False


def _plan(
    result: MeetingResult, absences: dict[str, str], recorded: dict[str, set[str]], saved
) -> list[tuple[str, str, int | None, list]]:
    """The facts to write, each with the list of `saved` it goes to; what is already
    recorded goes to `saved.already` instead."""
    plan: list[tuple[str, str, int | None, list]] = []
    for agent, kind, minutes in result.occurrences:
        entry = (agent.employee_id, kind, minutes)
        if kind in recorded.get(agent.employee_id, set()):
            saved.already.append(entry)
        else:
            plan.append((*entry, saved.created))
    for employee_id, kind in sorted(absences.items()):
        if recorded.get(employee_id, set()) & set(ABSENCE_KINDS):
            saved.already.append((employee_id, kind, None))
        else:
            plan.append((employee_id, kind, None, saved.absences))
    return plan


def _audit(result: MeetingResult, saved: MeetingSaved, *, actor, by: str, now, source: str):
    audit_record(
        actor=actor,
        actor_label="" if actor is not None else by,
        action="meeting_import",
        obj=TrainingClass.objects.get(code=result.class_code),
        changes={
            "day": result.day.isoformat(),
            "source": source,
            "saved_at": now.isoformat(),
            "occurrences": [list(entry) for entry in saved.created],
            "absences": [list(entry) for entry in saved.absences],
            "already": len(saved.already),
        },
    )


@transaction.atomic
def meeting_save(
    *,
    result: MeetingResult,
    now: datetime,
    actor=None,
    absent_as: str | Mapping[str, str] | None = None,
    source: str = "meeting",
    dry_run: bool = False,
) -> MeetingSaved:
    """Record the proposed occurrences, and the absences chosen by `absent_as` (None, one
    kind for every agent with no row, or employee id -> kind), as ``attendance`` facts dated
    on the class day, each through ``fact_record`` (validated, checked against the write
    matrix, recorded with who and where from), and one audit row for the save (`now` is when
    it was confirmed).

    A day after `now`'s is refused (issue 15 item 11), nothing saved.

    Saving the same result again adds nothing: an occurrence is skipped when the agent already
    has an attendance fact of that kind on the day (from any source, e.g. entered by hand),
    an absence when the agent already has a full-day absence (absent, absent_approved, ncns).
    """
    refused = recording_refused(result.day, now.astimezone(result.times.start.tzinfo).date())
    if refused:
        raise MeetingImportError(refused)
    absences = chosen_absences(result, absent_as)
    ids = {a.agent.agent_id for a in result.matched} | {
        a.agent_id for a in result.absences if a.employee_id in absences
    }
    agents = {
        agent.employee_id: agent
        for agent in Agent.objects.select_related("training_class__program").filter(pk__in=ids)
    }
    by = actor_name(actor) or "esp import meeting"
    saved = MeetingSaved(dry_run=dry_run)
    for employee_id, kind, minutes, into in _plan(
        result, absences, recorded_kinds(ids, result.day), saved
    ):
        if not dry_run:
            fact_record(
                agent=agents[employee_id],
                day=result.day,
                kind="attendance",
                item=kind,
                value="" if minutes is None else str(minutes),
                by=by,
                actor=actor,
                source=source,
            )
        into.append((employee_id, kind, minutes))
    if not dry_run and (saved.created or saved.absences):
        _audit(result, saved, actor=actor, by=by, now=now, source=source)
    return saved


@transaction.atomic
def meeting_columns_remember(
    *, program: Program, header: Sequence[str], columns: Mapping[str, str], now: datetime, actor
) -> MeetingColumns:
    """Remember how the program's reports with these column names (`header`) are read:
    field -> column name (issue 16 item 7); the layout's earlier mapping is replaced. One
    audit row."""
    names = [name for name in header if name]
    mapping, created = MeetingColumns.objects.update_or_create(
        program=program,
        layout_key=layout_key(names),
        defaults={
            "header": ", ".join(names),
            "columns": dict(columns),
            "saved_at": now,
            "saved_by": actor_name(actor) or "",
        },
    )
    audit_record(
        actor=actor,
        action="meeting_columns_remembered" if created else "meeting_columns_changed",
        obj=mapping,
        changes={"header": mapping.header, "columns": mapping.columns},
    )
    return mapping
