"""The class board's cells as HTML (issue 14): about 850 cells on a 50-agent board, each
written here in one pass instead of a dozen template nodes (the template engine spent three
quarters of the page's time on them). Receives the row's data; never queries."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _aria(cell) -> str:
    """The chip's label for a screen reader: task, status, age, late (never colour alone)."""
    label = f"{cell.name}: {cell.label}"
    if cell.age is not None:
        label += f", {cell.age} business day{'' if cell.age == 1 else 's'}"
    if cell.late:
        label += ", late"
    if cell.over:
        label += f", {cell.over}"
    return label + ". Change"


def cell_html(row, cell, editable: bool, back: str) -> str:
    """One `<td class="cell">`: an editable chip opens to a link to its status form (based on
    what the board shows), a read-only chip is a span; then the detail and the age."""
    css, label = escape(cell.css), escape(cell.label)
    if editable:
        href = escape(
            f"{row.url}tasks/{cell.task}/?status={cell.status}&based_on={cell.based_on}&{back}"
        )
        chip = (
            f'<details class="edit"><summary class="chip {css}" aria-label="{escape(_aria(cell))}">'
            f'{label}</summary><a class="status-form" href="{href}">Change the status</a></details>'
        )
    else:
        chip = f'<span class="chip {css}">{label}</span>'
    detail = f'<span class="detail">{escape(cell.detail)}</span>' if cell.detail else ""
    age = ""
    if cell.age is not None:
        late = " late" if cell.late else ""
        age = f'<span class="age{late}">{cell.age} bd{" · late" if cell.late else ""}</span>'
    over = f'<span class="age late">{escape(cell.over)}</span>' if cell.over else ""
    return f'<td class="cell">{chip}{detail}{age}{over}</td>'


@register.simple_tag
def board_cells(row, can_tasks, back: str):
    """The row's cells; a chip is editable when the agent is active and the user may set the
    task's status (`can_tasks`)."""
    return mark_safe(
        "\n  ".join(
            cell_html(row, cell, row.active and cell.task in can_tasks, back) for cell in row.cells
        )
    )
