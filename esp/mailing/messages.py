"""One way to build an e-mail: a template set (subject, text, HTML) plus attachments.

`emails/<name>-subject.txt`, `emails/<name>-body.txt` and `emails/<name>-body.html` are
rendered with the same context; templates escape every value (no user text is marked safe).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template import engines
from django.template.loader import render_to_string

from esp.lib import render

BOM = "\ufeff".encode()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str = ""
    attachments: tuple[Attachment, ...] = ()


# The subject and the text part are plain text: rendered without HTML escaping (an
# apostrophe stays an apostrophe); the HTML part escapes every value.
_PLAIN = "{% autoescape off %}{% include esp_plain_template %}{% endautoescape %}"


def _plain(name: str, context: dict) -> str:
    return engines["django"].from_string(_PLAIN).render({**context, "esp_plain_template": name})


def make_message(name: str, context: dict, attachments: tuple[Attachment, ...] = ()) -> Message:
    subject = " ".join(_plain(f"emails/{name}-subject.txt", context).split())
    text = _plain(f"emails/{name}-body.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    return Message(subject=subject, text=text, html=html, attachments=tuple(attachments))


Sheets = dict[str, tuple[list[str], list[list]]]


def _one_table(sheets: Sheets) -> tuple[list[str], list[list]]:
    """Every sheet's rows in one table: with several sheets a leading `sheet` column and the
    union of their columns, each value under its own column."""
    if len(sheets) == 1:
        return next(iter(sheets.values()))
    union: list[str] = []
    for sheet_columns, _ in sheets.values():
        union += [c for c in sheet_columns if c not in union]
    rows = [
        [title, *(dict(zip(sheet_columns, row)).get(c, "") for c in union)]
        for title, (sheet_columns, sheet_rows) in sheets.items()
        for row in sheet_rows
    ]
    return ["sheet", *union], rows


def table_attachments(basename: str, sheets: Sheets) -> tuple[Attachment, Attachment]:
    """A mailed report's tables as `<basename>.csv` (every sheet's rows, see `_one_table`) and
    `<basename>.xlsx` (one sheet each), formulas escaped."""
    columns, rows = _one_table(sheets)
    return (
        # with a byte-order mark, so Excel opens it as UTF-8 (accents intact)
        Attachment(f"{basename}.csv", BOM + render.table_csv(columns, rows), "text/csv"),
        Attachment(f"{basename}.xlsx", render.tables_xlsx(sheets), render.XLSX_TYPE),
    )
