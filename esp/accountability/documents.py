"""CAP document templates and PDFs (R-N6): plain text with `$placeholders`, made into a PDF.

A template is filled with Python's `string.Template`, never with Django's template engine:
an editor can only name the values below, never run template code. `$$` prints a literal
`$`. A line starting with `# ` prints as a heading. A template naming an unknown placeholder
is refused when it is saved, with the placeholder and its line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Template

from django.core.exceptions import ValidationError
from fontTools.ttLib import TTFont
from fpdf import FPDF, XPos, YPos

#: The CAP template shipped with ESP Tracker (R-N6), created for each program that has none.
DEFAULT_CAP_TEMPLATE = """\
# Corrective Action Plan: $step

Agent: $agent_name (employee ID $employee_id)
Class: $class_code    Site: $site
Team lead: $tl_name    Program manager: $pm_name
Program: $program
Date: $today

# What this plan is about

Ladder: $ladder
Step: $step, due $due_date
Phase: $phase, started $phase_start

$facts

# Expectation

$expectation

# Next step

If the expectation is not met: $next_step.

# Signatures

By signing, the agent confirms having received and discussed this plan; signing does not
mean agreeing with it.

Agent ($agent_name): ________________________________    Date: ______________

Delivered by ($delivered_by): ________________________________    Date: ______________
"""

PLACEHOLDERS: dict[str, str] = {
    "agent_name": "the agent's first and last name",
    "first_name": "the agent's first name",
    "last_name": "the agent's last name",
    "employee_id": "the agent's employee ID",
    "class_code": "the agent's class as of the delivery",
    "site": "the agent's site (or the class's sites)",
    "tl_name": "the agent's TL (or the class's TLs)",
    "pm_name": "the agent's PM (or the class's PMs)",
    "program": "the program's name",
    "today": "the delivery date, MM/DD/YYYY",
    "due_date": "the day the step fell due, MM/DD/YYYY",
    "phase": "the phase of a timeframe ladder, else the class's phase on the delivery date",
    "phase_start": "that phase's start date, MM/DD/YYYY",
    "facts": "the facts that triggered the step, one per line (missed timeframe with its "
    "business days and the tasks not done; occurrences with dates, points and the rolling "
    "total; failed exam attempts with dates)",
    "step": "the step delivered, e.g. Written CAP",
    "ladder": "the ladder, e.g. Licensing timeframe",
    "expectation": "the expectation set with the agent",
    "next_step": "the next step and when it would be owed",
    "delivered_by": "who delivered the step",
}

#: The Term document shipped with ESP Tracker (R-L5): made when the PM decides to term an agent
#: after a termination review; filled like the CAP documents, from `TERM_PLACEHOLDERS`.
DEFAULT_TERM_TEMPLATE = """\
# Termination of employment

Agent: $agent_name (employee ID $employee_id)
Class: $class_code    Site: $site
Team lead: $tl_name    Program manager: $pm_name
Program: $program
Date: $today

# Decision

The program manager decided to end the agent's employment, effective $effective_date.

Reason: $reason

# The termination review

$review_line
Reason and expectation given: $review_note

# Corrective actions delivered before

$history

# Signatures

Program manager ($decided_by): ________________________________    Date: ______________

Team lead ($tl_name): ________________________________    Date: ______________
"""

TERM_PLACEHOLDERS: dict[str, str] = {
    "agent_name": "the agent's first and last name",
    "employee_id": "the agent's employee ID",
    "class_code": "the agent's class on the effective date",
    "site": "the agent's site (or the class's sites)",
    "tl_name": "the agent's TL (or the class's TLs)",
    "pm_name": "the agent's PM (or the class's PMs)",
    "program": "the program's name",
    "today": "the day the decision was recorded, MM/DD/YYYY",
    "effective_date": "the termination's effective date, MM/DD/YYYY",
    "reason": "the PM's reason",
    "review_line": "the termination review: its ladder, when and by whom it was delivered",
    "review_note": "the reason and expectation given with the review",
    "history": "the corrective actions delivered before, one per line",
    "decided_by": "the PM who decided",
}


def fill_term(values: Mapping[str, str], text: str = DEFAULT_TERM_TEMPLATE) -> str:
    """The Term document (the program's template, else the shipped one) filled with `values`
    (R-L5); refused when the template has a problem."""
    problems = template_problems(text, TERM_PLACEHOLDERS)
    if problems:
        raise ValidationError(problems)
    return Template(text).substitute({name: values.get(name, "") for name in TERM_PLACEHOLDERS})


def preview(text: str, placeholders: Mapping[str, str]) -> str:
    """The template filled with what each placeholder stands for, in brackets (the admin's
    preview of a template's wording); the problems instead when it has any."""
    problems = template_problems(text, placeholders)
    if problems:
        return "\n".join(problems)
    return Template(text).substitute({name: f"[{means}]" for name, means in placeholders.items()})


HEADING = "# "


def template_problems(text: str, placeholders: Mapping[str, str] = PLACEHOLDERS) -> list[str]:
    """Everything wrong with a template, each naming the placeholder or mark and its line
    (`placeholders`: the CAP documents' by default, `TERM_PLACEHOLDERS` for a Term document)."""
    if not text.strip():
        return ["The template is empty."]
    problems = []
    for match in Template.pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        name = match.group("named") or match.group("braced")
        if name is not None and name not in placeholders:
            problems.append(
                f"Unknown placeholder ${name} on line {line}. The placeholders are: "
                + ", ".join(f"${known}" for known in placeholders)
                + "."
            )
        elif match.group("invalid") is not None:
            problems.append(
                f"A $ on line {line} is not followed by a placeholder name: "
                "write $$ for a dollar sign."
            )
    for mark in ("{{", "{%"):
        if mark in text:
            line = text.count("\n", 0, text.index(mark)) + 1
            problems.append(
                f"'{mark}' on line {line}: this template takes $placeholders such as "
                "$agent_name, not Django template syntax."
            )
    return problems


def validate_cap_template(text: str) -> None:
    """The field validator: refuse a template with any problem, saying which (a placeholder
    of either kind of document passes here; the model's `clean` checks the step's own)."""
    problems = template_problems(text, {**PLACEHOLDERS, **TERM_PLACEHOLDERS})
    if problems:
        raise ValidationError(problems)


def fill(text: str, values: Mapping[str, str]) -> str:
    """The template with every placeholder replaced (refused when it has a problem)."""
    problems = template_problems(text)
    if problems:
        raise ValidationError(problems)
    return Template(text).substitute({name: values.get(name, "") for name in PLACEHOLDERS})


# -- the PDF ----------------------------------------------------------------------------------

# The documents print in DejaVu Sans, embedded (a subset of Latin with its extensions and
# Vietnamese, Greek, Cyrillic and common marks; esp/accountability/fonts, its license beside
# it), so any agent's name prints as written (issue 16 item 12). A character the font lacks
# is printed as its base letter, or "?".
FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


@cache
def _font_characters() -> frozenset[int]:
    return frozenset(TTFont(FONTS / "DejaVuSans.ttf").getBestCmap())


def printable(text: str) -> str:
    known = _font_characters()
    out = []
    for char in text.replace("\t", "    "):
        if ord(char) in known or char == "\n":
            out.append(char)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) in known)
            out.append(base or "?")
    return "".join(out)


class _Document(FPDF):
    footer_text = ""

    def __init__(self) -> None:
        super().__init__(format="Letter")
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 5, text=f"{self.footer_text}   Page {self.page_no()} of {{nb}}", align="C")


def pdf_bytes(text: str, *, title: str, footer: str = "") -> bytes:
    """A Letter-size PDF of the filled template: `# ` lines as headings, the rest as is."""
    document = _Document()
    document.footer_text = printable(footer)
    document.set_title(printable(title))
    document.set_creator("ESP Tracker")
    document.set_margins(20, 18, 20)
    document.set_auto_page_break(auto=True, margin=18)
    document.add_page()
    for line in text.splitlines():
        if line.startswith(HEADING):
            document.set_font(FONT, style="B", size=13)
            document.multi_cell(
                0, 8, text=printable(line[len(HEADING) :]), new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        elif not line.strip():
            document.ln(4)
        else:
            document.set_font(FONT, size=11)
            document.multi_cell(
                0, 5.5, text=printable(line), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
    return bytes(document.output())
