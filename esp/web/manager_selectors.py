"""The ESP Manager's reads on Today (issue 14): the read model's lines narrowed in SQL, a fixed
number of queries whatever the number of agents. Beside esp.web.selectors, which the other
roles' sections share; nothing here computes a rule."""

from __future__ import annotations

import json
from datetime import date

from django.db.models import QuerySet

from esp.programs.models import Program
from esp.progress.selectors import line_rows
from esp.rules.report_lines import TODAY_SECTIONS, Line

#: A built line's columns, in `Line`'s order after its employee id, class and payload.
LINE_COLUMNS = ("section", "section_order", "ladder", "due_on", "step", "position", "rank", "state")


def named_lines(program: Program, as_of: date, report: str) -> tuple[list[Line], dict[str, str]]:
    """The built lines of `report` as of the day in `Line.sort_key` order (Python's, whatever
    the collation), and the names of their agents (employee id -> "First Last", as
    esp.reports.selectors.agent_names gives them): one query, the names joined in."""
    rows = line_rows(program, as_of, report).values_list(
        "employee_id",
        "class_code",
        "payload",
        *LINE_COLUMNS,
        "agent__first_name",
        "agent__last_name",
    )
    lines, names = [], {}
    for employee_id, code, payload, *columns, first, last in rows:
        lines.append(Line(employee_id, code, json.loads(payload), *columns))
        names[employee_id] = f"{first} {last}".strip() or employee_id
    lines.sort(key=Line.sort_key)
    return lines, names


def today_section(lines: QuerySet, section: str) -> QuerySet:
    """The `today` lines of `lines` in one section, picked by the section's order (a bijection:
    esp.rules.report_lines.today_lines numbers the sections in `TODAY_SECTIONS` order). The
    order is a column of the `report_line_order` index and the section is not: the agents in
    flight are counted, per class or in all, in that index alone, without reading the rows
    of the day's 10,000 other `today` lines (issue 14)."""
    return lines.filter(section_order=TODAY_SECTIONS.index(section))
