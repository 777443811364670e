"""The summaries and lists as (columns, rows) tables for CSV and .xlsx (pages and e-mail)."""

from __future__ import annotations

from .selectors import (
    CALLCERT_SUMMARY_COLUMNS,
    ESCALATION_COLUMNS,
    SEARCHED_COLUMNS,
    TBT_COMPLETION_COLUMNS,
)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def table(columns: list[str], lines: list[dict]) -> tuple[list[str], list[list]]:
    return columns, [[_cell(line[c]) for c in columns] for line in lines]


def callcert_table(lines):
    return table(CALLCERT_SUMMARY_COLUMNS, lines)


def tbt_completion_table(lines):
    return table(TBT_COMPLETION_COLUMNS, lines)


def escalation_table(lines):
    return table(ESCALATION_COLUMNS, lines)


def searched_table(lines):
    return table(SEARCHED_COLUMNS, lines)
