"""The ESP Manager's reads on Today (issue 14): the read model's lines narrowed in SQL, a fixed
number of queries whatever the number of agents. Beside esp.web.selectors, which the other
roles' sections share; nothing here computes a rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import connections
from django.db.models import QuerySet

from esp.lib import compiled
from esp.mailing.models import OutboxMessage
from esp.programs.models import Program
from esp.progress.selectors import LINE_FIELDS, line_rows, lines_from_rows
from esp.rules.report_lines import TODAY, TODAY_SECTIONS, Line

from . import selectors

#: A built line's columns, in `Line`'s order after its employee id, class and payload.


def first_classes(
    program: Program, as_of: date, report: str, first: int | None
) -> tuple[dict[str, int], list[Line], dict[str, str]]:
    """How many built lines of `report` as of the day each class has, the lines of the first
    `first` classes by code (all: None) in `Line.sort_key` order (Python's, whatever the
    collation), and the names of their agents (employee id -> "First Last", as
    esp.reports.selectors.agent_names gives them). Two queries: the lines counted per class
    from the index alone, then the lines of the classes shown with their agents' names
    (issue 14: 20 of the season's 300 classes needing an extension)."""
    key = (program.pk, as_of, report)
    counted = compiled.rows(
        ("class_sizes", *key),
        lambda: selectors.counted(line_rows(program, as_of, report), "class_code"),
    )
    sizes = dict(counted)
    codes = sorted(sizes)[:first]
    rows = compiled.rows(
        ("first_classes", *key, tuple(codes)),
        lambda: (
            line_rows(program, as_of, report)
            .filter(class_code__in=codes)
            .annotate(
                agent_first=selectors.of_line_agent("first_name"),
                agent_last=selectors.of_line_agent("last_name"),
            )
            .values_list(*LINE_FIELDS, "agent_first", "agent_last")
        ),
    )
    names = {
        row[0]: f"{first_name} {last_name}".strip() or row[0]
        for *row, first_name, last_name in rows
    }
    lines = lines_from_rows([row[: len(LINE_FIELDS)] for row in rows])
    lines.sort(key=Line.sort_key)
    return sizes, lines, names


def class_phases(codes: list[str], as_of: date) -> dict[str, tuple[str, date]]:
    """Class code -> (name, start) of its latest phase begun on or before the day, for the
    classes of `codes` (the glance's first 20): built and compiled once per classes and day."""
    rows = compiled.rows(
        ("class_phases", tuple(codes), as_of), lambda: selectors.phases_begun(codes, as_of)
    )
    return {code: (name, start) for code, name, start in rows}  # the latest phase wins


def task_names(program: Program) -> dict[str, str]:
    """Task key -> name (the funnel's labels)."""
    return dict(
        compiled.rows(("task_names", program.pk), lambda: program.tasks.values_list("key", "name"))
    )


def today_section(lines: QuerySet, section: str) -> QuerySet:
    """The `today` lines of `lines` in one section. On SQLite, picked by the section's order
    (a bijection: esp.rules.report_lines.today_lines numbers the sections in `TODAY_SECTIONS`
    order): the order is a column of the `report_line_order` index and the section is not, so
    the agents in flight are counted per class in that index alone, without reading the rows
    of the day's other `today` lines. On PostgreSQL, by the section itself: it estimates the
    rows of a section (report_line_pick) but not those of an order, whose value 0 every other
    report's lines share, and scanned the whole table for the agents in flight (9 ms, against
    2 through the index; issue 14)."""
    if connections[lines.db].vendor == "postgresql":
        return lines.filter(section=section)
    return lines.filter(section_order=TODAY_SECTIONS.index(section))


@dataclass(frozen=True)
class DayCounts:
    """The counts of the ESP Manager's glance and pictures, as of the day."""

    flight: dict[str, int]  # agents in flight per class
    done: dict[str, int]  # agents in flight who have done each task, per task key
    due: dict[str, int]  # corrective actions due or overdue per class
    late: dict[str, Counter]  # late tasks (not the transfer's) per class: age -> how many

    @property
    def in_flight(self) -> int:
        return sum(self.flight.values())

    def late_per_class(self) -> dict[str, int]:
        return {code: ages.total() for code, ages in self.late.items()}


def day_counts(program: Program, as_of: date, transfer_section: str) -> DayCounts:
    """The `today` lines in flight per class and done per task, the actions per class, the
    late tasks per class and age: four grouped reads, each from one index, made once for
    the glance and the pictures (the agents in flight in all are the sum per class; the late
    tasks per class, the sum of their ages): six queries before (issue 14). Not one UNION
    ALL: PostgreSQL ran it as a parallel plan, 18 ms where the four take 7."""

    def read(name: str, build) -> list[tuple]:  # built and compiled once (esp.lib.compiled)
        return compiled.rows(("day_counts", name, program.pk, as_of, transfer_section), build)

    def flight():  # per class: report_line_order on SQLite (today_section)
        return selectors.counted(
            today_section(line_rows(program, as_of, TODAY), "flight"), "class_code"
        )

    def done():  # per task (a done line's state): from report_line_pick alone
        return selectors.counted(line_rows(program, as_of, TODAY).filter(section="done"), "state")

    def late():
        lines = line_rows(program, as_of, "incompletions").exclude(section=transfer_section)
        return selectors.counted(lines, "class_code", "rank")

    def due():
        return selectors.counted(line_rows(program, as_of, "actions"), "class_code")

    ages: dict[str, Counter] = {}
    for code, age, n in read("late", late):
        ages.setdefault(code, Counter())[age] = n
    return DayCounts(
        flight=dict(read("flight", flight)),
        done=dict(read("done", done)),
        due=dict(read("due", due)),
        late=ages,
    )


def sends_to_decide(first: int | None) -> tuple[list[dict], int]:
    """The report sends that failed or may have failed, the oldest first: the ESP Manager
    decides (R-N2). The first `first` (all: None), each its subject and status in words, and
    how many: counted only when the first fill the list (issue 14: built once)."""
    found = compiled.rows(
        ("sends_to_decide", first),
        lambda: selectors.sends_to_decide().values_list("status", "subject")[:first],
    )
    words = dict(OutboxMessage.STATUSES)
    sends = [
        {"status_display": words.get(status, status), "subject": subject}
        for status, subject in found
    ]
    if first is None or len(sends) < first:
        return sends, len(sends)
    counted = compiled.rows(
        ("sends_to_decide_count",),
        lambda: selectors.counted(selectors.sends_to_decide(), "status"),
    )
    return sends, sum(n for _, n in counted)


def gap_reports_sent(day: date) -> int:
    """How many gap reports were sent for the day (R-N7)."""
    counted = compiled.rows(
        ("gap_reports_sent", day), lambda: selectors.counted(selectors.gap_reports_of(day), "day")
    )
    return sum(n for _, n in counted)
