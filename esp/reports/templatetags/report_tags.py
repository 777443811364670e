"""A report page's rows and its class picker as HTML (issue 14): a first page is 100 lines of
up to six cells, each an include of cell.html with a URL reversal, and the picker lists every
class of a season (1,666): the template engine spent most of the page's time on them. Written
here in one pass, the same HTML as cell.html. Receives the page's data; never queries."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from esp.lib.urls import page_url

register = template.Library()


def _agent_url(employee_id) -> str:
    return escape(page_url("progress:agent", employee_id))


def cell_html(cell: dict) -> str:
    """One cell as cell.html writes it."""
    if cell.get("agent"):
        url = _agent_url(cell["agent"])
        return (
            f'<th scope="row"><a href="{url}">{escape(cell.get("name", ""))}</a> '
            f'<span class="detail">{escape(cell["agent"])}</span></th>'
        )
    if cell.get("agents"):
        links = ", ".join(
            f'<a href="{_agent_url(employee_id)}">{escape(name)}</a> '
            f'<span class="detail">{escape(employee_id)}</span>'
            for employee_id, name in cell["agents"]
        )
        return f"<td>{links}</td>"
    if cell.get("lines"):
        return f"<td>{'<br>'.join(escape(line) for line in cell['lines'])}</td>"
    return f"<td>{escape(cell.get('text') or '—')}</td>"


@register.simple_tag
def report_rows(table: dict):
    """The table's body rows (each cell followed by a line break, as the include wrote it),
    or its "Nothing to report." row."""
    if not table["rows"]:
        return mark_safe(f'<tr><td colspan="{len(table["columns"])}">Nothing to report.</td></tr>')
    return mark_safe(
        "".join(
            "<tr>" + "".join(cell_html(cell) + "\n" for cell in row) + "</tr>"
            for row in table["rows"]
        )
    )


@register.simple_tag
def class_options(classes, chosen: str):
    """The class picker's options, `chosen` selected."""
    return mark_safe(
        "".join(
            f'<option value="{escape(code)}"{" selected" if code == chosen else ""}>'
            f"{escape(code)}</option>"
            for code in classes
        )
    )
