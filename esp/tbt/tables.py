"""The summaries and lists as (columns, rows) tables for CSV and .xlsx (pages and e-mail)."""

from __future__ import annotations

from esp.lib.display import cell_text, label

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


def _page_cell(column: str, value) -> str:
    if column.endswith("_rate") and value is not None:
        return f"{value}%"
    return cell_text(value)


def page_table(columns: list[str], lines: list[dict]) -> tuple[list[str], list[list[dict]]]:
    """The HTML page's table (issue 17 item 1): titles in words, the agent by name linked to
    their page (in place of the employee id and name columns), dates as MM/DD/YYYY. The CSV
    and .xlsx downloads keep `table`'s columns."""
    shown = [c for c in columns if c != "name"]
    headers = ["Agent" if c == "employee_id" else label(c, "column") for c in shown]
    rows = [
        [
            {"agent": line[c], "name": line.get("name") or line[c]}
            if c == "employee_id"
            else {"text": _page_cell(c, line[c])}
            for c in shown
        ]
        for line in lines
    ]
    return headers, rows
