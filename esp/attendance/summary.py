"""A meeting import told in lines of text (`esp import meeting`): what the report meant and
what was, or would be, saved. No database."""

from __future__ import annotations

from collections.abc import Iterable

from esp.lib.display import label

from .match import ClassAgent, MeetingResult, describe_times
from .parse import describe_row
from .services import Entry, MeetingSaved


def _entries(lines: Iterable[Entry], names: dict[str, str]) -> list[str]:
    out = []
    for employee_id, kind, minutes in lines:
        how = "" if minutes is None else f" {minutes} min"
        out.append(
            f"  {employee_id} {names.get(employee_id, '')}: {label(kind, 'occurrence')}{how}"
        )
    return out


def _proposed_absences(absences: tuple[ClassAgent, ...]) -> list[str]:
    hint = " (record them with --absent-as absent|absent_approved|ncns)" if absences else ""
    return [f"proposed absences (no row), not saved: {len(absences)}{hint}"] + [
        f"  {agent.employee_id} {agent.name}" for agent in absences
    ]


def _zone_warning(hours: int) -> list[str]:
    if not hours:
        return []
    how = f"{abs(hours)} hour(s) {'late' if hours > 0 else 'early'}"
    return [
        f"warning: most agents read about {how}: if the report's times are in another time "
        "zone, run again with --time-zone ZONE (e.g. America/New_York)"
    ]


def meeting_summary(
    result: MeetingResult, saved: MeetingSaved, *, absent_as: str | None, dry_run: bool
) -> list[str]:
    """The lines `esp import meeting` prints."""
    verb = "would save" if dry_run else "saved"
    names = {a.agent.employee_id: a.agent.name for a in result.matched}
    names.update({a.employee_id: a.name for a in result.absences})
    quiet = sum(1 for a in result.matched if not a.occurrences)
    lines = [
        f"meeting {result.day:%m/%d/%Y}, class {result.class_code} "
        f"({result.layout_title or result.layout}), "
        f"{describe_times(result.times)}",
        *([result.zone_note] if result.zone_note else []),
        *_zone_warning(result.hours_off),
        *([result.mapping_note] if result.mapping_note else []),
        f"{len(result.matched)} agent(s) matched, {quiet} of them without an occurrence",
        f"{verb} {len(saved.created)} occurrence(s):",
        *_entries(saved.created, names),
    ]
    if saved.already:
        lines.append(f"already recorded, not added again: {len(saved.already)}")
        lines += _entries(saved.already, names)
    if absent_as:
        lines.append(
            f"{verb} {len(saved.absences)} absence(s) as {label(absent_as, 'occurrence')}:"
        )
        lines += _entries(saved.absences, names)
    else:
        lines += _proposed_absences(result.absences)
    lines.append(f"unmatched rows, not saved: {len(result.unmatched)}")
    lines += [f"  {describe_row(row)}" for row in result.unmatched]
    return lines
