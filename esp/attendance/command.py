"""`esp import meeting` in one call (R-A3): read the report, save what it proposes and tell
it in lines of text. The command line only parses its options and prints these lines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from esp.lib import clock

from .match import MeetingImportError
from .selectors import propose_meeting
from .services import meeting_save
from .summary import meeting_summary


def columns_from_pairs(pairs: list[str]) -> dict[str, str] | None:
    """`--column FIELD=COLUMN` options as a column mapping (None without any)."""
    columns = {}
    for pair in pairs:
        field, _, column = pair.partition("=")
        if not field.strip() or not column.strip():
            raise MeetingImportError(f"--column {pair}: expected FIELD=COLUMN")
        columns[field.strip()] = column.strip()
    return columns or None


def meeting_import(
    path: Path,
    *,
    class_code: str,
    day: date,
    column_pairs: list[str],
    report_zone: str,
    absent_as: str | None,
    dry_run: bool,
) -> list[str]:
    """Import (or with `dry_run` only read) a meeting report; the lines to print."""
    result = propose_meeting(
        path,
        class_code=class_code,
        day=day,
        columns=columns_from_pairs(column_pairs),
        report_zone=report_zone,
    )
    saved = meeting_save(
        result=result,
        now=clock.now(result.times.start.tzinfo.key),
        absent_as=absent_as,
        dry_run=dry_run,
    )
    return meeting_summary(result, saved, absent_as=absent_as, dry_run=dry_run)
