"""Scorecard templates as data (R-C7): the default placeholder, and the .xlsx sheet read and
written by the admin's import and export. No database: the writes (a new version) are
`esp.certification.services.template_create` and friends.

The sheet: row 1 `Template | <name>`, row 2 `Placeholder | yes/no`, row 4 the header
`Section | Item | Points | Auto-fail | Definition`, then one row per item. Weighted items'
points sum to 100; auto-fail items carry no points. An import is two-phase: every row is
checked and all problems reported before anything is written; the same name gets the next
version, so calls scored earlier keep the version they were scored with.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from esp.lib.formulas import escape_sheet, unescape_formula
from esp.lib.textcheck import max_length_of, text_problem

from .models import ScorecardItem, ScorecardSection, ScorecardTemplate

HEADER = ["Section", "Item", "Points", "Auto-fail", "Definition"]
DEFAULT_NAME = "PLACEHOLDER - generic Medicare sales call scorecard (replace with the carrier's)"

# (section, [(item, points, auto_fail, definition)]): a generic Medicare sales call, to be
# replaced by the carrier's own scorecard (R-C7).
DEFAULT_SECTIONS = [
    (
        "Opening",
        [
            (
                "Greeting, name and company",
                "5",
                False,
                "Greets the caller and names self and company.",
            ),
            ("Recorded line statement", "5", False, "States that the call is recorded."),
            (
                "Verifies identity and eligibility",
                "10",
                False,
                "Name, date of birth, Medicare ID, ZIP.",
            ),
        ],
    ),
    (
        "Needs assessment",
        [
            (
                "Current coverage and doctors",
                "10",
                False,
                "Asks about current plan, doctors, pharmacies.",
            ),
            ("Prescriptions", "10", False, "Collects every prescription with dosage."),
            (
                "Budget and priorities",
                "10",
                False,
                "Asks what matters most: premium, network, extras.",
            ),
        ],
    ),
    (
        "Plan presentation",
        [
            (
                "Recommends a plan that fits the needs",
                "15",
                False,
                "Ties the plan to what was heard.",
            ),
            ("Explains costs accurately", "10", False, "Premium, deductible, copays, drug tiers."),
            ("Checks understanding", "5", False, "Confirms the caller understood."),
        ],
    ),
    (
        "Compliance and closing",
        [
            ("Scope of appointment", "10", False, "Documents the scope of appointment."),
            (
                "Summarizes and confirms next steps",
                "10",
                False,
                "Recaps enrollment and next steps.",
            ),
            ("TPMO disclaimer read", "0", True, "The required disclaimer, word for word."),
            (
                "No misrepresentation of benefits",
                "0",
                True,
                "Nothing promised the plan does not cover.",
            ),
        ],
    ),
]


@dataclass(frozen=True)
class ItemRow:
    section: str
    text: str
    points: Decimal
    auto_fail: bool
    definition: str


@dataclass(frozen=True)
class TemplateData:
    name: str
    placeholder: bool
    items: tuple[ItemRow, ...]


def default_data() -> TemplateData:
    items = tuple(
        ItemRow(section, text, Decimal(points), auto_fail, definition)
        for section, rows in DEFAULT_SECTIONS
        for text, points, auto_fail, definition in rows
    )
    return TemplateData(DEFAULT_NAME, True, items)


def check_template(data: TemplateData) -> list[str]:
    problems = []
    if not data.name.strip():
        problems.append("row 1, column B: the template needs a name")
    if not data.items:
        problems.append("no items")
    total = sum((i.points for i in data.items if not i.auto_fail), Decimal(0))
    if data.items and total != 100:
        problems.append(f"the weighted items' points add up to {total}, not 100")
    return problems


def template_to_xlsx(template: ScorecardTemplate) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet.append(["Template", template.name])
    sheet.append(["Placeholder", "yes" if template.placeholder else "no"])
    sheet.append(["Version", template.version])
    sheet.append(HEADER)
    for item in template.items():
        sheet.append(
            [
                item.section.title,
                item.text,
                float(item.points),
                "yes" if item.auto_fail else "",
                item.definition,
            ]
        )
    escape_sheet(sheet)  # an item `=...` is text; the import reads it back (issue 12)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text_limits() -> tuple:
    """Section title, item text and definition: the lengths their fields take (issue 12)."""
    return (
        max_length_of(ScorecardSection, "title"),
        max_length_of(ScorecardItem, "text"),
        max_length_of(ScorecardItem, "definition"),
    )


def _yes(value) -> bool:
    return str(value or "").strip().lower() in {"yes", "y", "true", "1", "x"}


def parse_template_xlsx(content: bytes) -> TemplateData:
    """Read and check the sheet; raises ValidationError listing every problem (row, column)."""
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        rows = [
            [unescape_formula(c) if isinstance(c, str) else c for c in r] + [None] * 5
            for r in sheet.iter_rows(values_only=True)
        ]
    except Exception as exc:  # noqa: BLE001 - any unreadable file is one problem to report
        raise ValidationError([f"not a readable .xlsx file: {exc}"]) from None
    problems = []
    if not rows or str(rows[0][0] or "").strip() != "Template":
        raise ValidationError(["row 1: expected 'Template' and the template's name"])
    name = str(rows[0][1] or "").strip()
    placeholder = len(rows) > 1 and str(rows[1][0]).strip() == "Placeholder" and _yes(rows[1][1])
    header_at = next(
        (n for n, r in enumerate(rows) if [str(c or "").strip() for c in r[:5]] == HEADER), None
    )
    if header_at is None:
        raise ValidationError([f"no header row {' | '.join(HEADER)}"])
    items = []
    section = ""
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        cells = ["" if c is None else str(c).strip() for c in row[:5]]
        if not any(cells):
            continue
        for letter, text, limit in zip("ABE", (cells[0], cells[1], cells[4]), _text_limits()):
            if problem := text_problem(text, limit):
                problems.append(f"row {number}, column {letter}: {problem}")
        section = cells[0] or section
        if not section:
            problems.append(f"row {number}, column A: no section")
        if not cells[1]:
            problems.append(f"row {number}, column B: no item text")
        try:
            points = Decimal(cells[2] or "0")
            if points < 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(f"row {number}, column C: '{cells[2]}' is not a number of points")
            points = Decimal(0)
        items.append(ItemRow(section, cells[1], points, _yes(cells[3]), cells[4]))
    data = TemplateData(name, placeholder, tuple(items))
    problems += check_template(data)
    if problems:
        raise ValidationError(problems)
    return data
