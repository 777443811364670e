"""Where the Today lists take their lines (issue 14): the read model the rules keep current
(esp.progress.services.projection: the §15 reports and the `today` lines of the agents in
flight, per as-of day), narrowed to the user's agents, counted and cut in SQL. Nothing here
computes a rule: the lines were computed by them (esp.rules.report_lines)."""

from __future__ import annotations

from datetime import date

from esp.reports.builders import build_report
from esp.reports.selectors import agent_names
from esp.rules.report_lines import TODAY, TODAY_SECTIONS
from esp.rules.upkeep import not_transferred

from .. import selectors
from .preview import Preview

#: The reports' own order (esp.rules.report_lines.Line.sort_key).
REPORT_ORDER = ("section_order", "class_code", "employee_id", "ladder", "due_on", "position")
OLDEST_FIRST = ("-rank", *REPORT_ORDER)


def _in_section():
    """REPORT_ORDER for one `today` section's lines: the database is kept from walking the
    whole report in the reports' index order (report_line_order) to find a section's few
    lines; it picks them by section (report_line_pick) and sorts those (issue 14: 2 ms →
    0.1 ms for the ESP Manager's 8 proctored last attempts among 11,700 lines)."""
    return (selectors.scanned("section_order"), *REPORT_ORDER[1:])


def key(base, *names) -> tuple | None:
    """What names a list's query for esp.lib.compiled (the program, the day, the list's
    `names`) when the user sees every agent (the ESP Manager): the query is then built and
    compiled once per process, only run after (issue 14); None for a user seeing some
    agents, whose query is built on each page."""
    return None if base.seen is not None else (base.program.pk, base.as_of, *names)


def lines_key(base, *names) -> tuple | None:
    """`key` for a list of the day's lines, whose query is made of the program, the day, the
    list and the agents the user sees only: for a user seeing a list of agents too, their ids
    a `Bound` in the key (esp.web.selectors.bound_agents), so that the query is built and
    compiled once for every user and run with theirs (issue 14: 3.8 ms of a Cert
    Coordinator's Today went to building the lists' queries); None for a user seeing more
    agents than a list holds (a subquery) or none."""
    if base.seen is None:
        return key(base, *names)
    bound = selectors.bound_agents(base.seen)
    return None if bound is None else (base.program.pk, base.as_of, *names, bound)


def lines_preview(base, name: str, lines, order, url: str) -> Preview:
    """The first lines of the list `name`: `lines` a function making them (called only when
    the list's query is built, see `lines_key`)."""
    found = lines_key(base, name)
    items, total = selectors.first_lines(lines if found else lines(), order, base.first, key=found)
    return Preview(items, total, url)


def late(base, section: str, url: str) -> Preview:
    """R-I1: one incompletion section's agents, the longest late first (every section's
    read at once, Basis.incompletions)."""
    items, total = base.incompletions.get(section, ([], 0))
    return Preview([dict(item) for item in items], total, url)


def late_count(base) -> int:
    """Late tasks of every section but the transfer's."""
    return base.late_lines().count()


def transfers(base, url: str) -> Preview:
    """R-I1a: the ESP-complete agents, longest waiting first, marked once late."""
    section = base.policy.transfer_section
    found = late(base, section, url)
    for line in found.items:
        line["not_transferred"] = not_transferred(section, line["age_business_days"], base.policy)
    return found


def actions(base, url: str) -> Preview:
    """The corrective actions due and overdue (R-L2 to R-L3b, R-N4a): the overdue first,
    then by due day. Today is for staff, who see every step."""
    order = (selectors.OVERDUE_FIRST, "due_on", *REPORT_ORDER)
    return lines_preview(base, "actions", lambda: base.lines("actions"), order, url)


def callcert_open(base, url: str) -> Preview:
    """R-C4: the agents the user sees whose call certification is not passed (transferred
    agents too: the report's scope)."""

    # a callcert line has no section (Line's ""): said, so the index reaches its state
    def lines():
        return base.lines("callcert", section="").filter(selectors.other_than("state", "passed"))

    return lines_preview(base, "callcert", lines, _in_section(), url)


def not_reported(base, url: str) -> Preview:
    """R-N5: the agents in flight without a self-report on the day, by class then name."""

    def lines():
        return base.lines(TODAY, section="flight").filter(selectors.other_than("state", "reported"))

    def in_class_order():  # the section by its order: report_line_order holds it by class
        return lines().filter(section_order=TODAY_SECTIONS.index("flight"))

    found = lines_key(base, "not_reported")
    items, total = selectors.first_lines_by_class(
        lines if found else lines(), base.first, key=found, in_class_order=in_class_order
    )
    return Preview(items, total, url)


def flags(base, url: str) -> Preview:
    """R-N4b: the open red flags of the agents in flight, the oldest first."""
    found = lines_preview(
        base, "flags", lambda: base.lines(TODAY, section="flag"), ("due_on", *REPORT_ORDER), url
    )
    for line in found.items:
        line["since"] = date.fromisoformat(line["since"])
    return found


def proctored(base, url: str, narrow=None, *, named: tuple = ()) -> Preview:
    """R-N4a: the exams one fail away from the last attempt, by class and agent (of the lines
    `narrow(lines)` keeps when given: those not arranged yet, issue 15 item 13, `named` by
    what names its query, see `key`)."""

    def lines():
        found = base.lines(TODAY, section="proctored")
        return found if narrow is None else narrow(found)

    return lines_preview(base, ("proctored", *named), lines, _in_section(), url)


def tbt_behind(base, url: str) -> Preview:
    """R-B7: the agents in flight whose TBTs are behind pace, by class and agent."""
    lines = lambda: base.lines(TODAY, section="tbt_behind")  # noqa: E731
    return lines_preview(base, "tbt_behind", lines, _in_section(), url)


def escalations(base) -> int:
    """R-B5: the agents in flight due a help-desk call for their TBT access."""
    found = lines_key(base, "escalations")
    lines = lambda: base.lines(TODAY, section="escalation")  # noqa: E731
    return selectors.escalations_due(lines if found else lines(), base.as_of, key=found)


def in_flight_per_class(base) -> dict[str, int]:
    return selectors.line_counts(base.lines(TODAY, section="flight"), "class_code")


def late_per_class(base) -> dict[str, int]:
    return selectors.line_counts(base.late_lines(), "class_code")


def due_per_class(base) -> dict[str, int]:
    return selectors.line_counts(base.lines("actions"), "class_code")


def late_ages(base) -> list[tuple[str, int]]:
    """(class, age in business days) of every late task."""
    return selectors.line_ranks(base.late_lines())


def done_per_task(base) -> dict[str, int]:
    """The funnel: how many agents in flight have done each task."""
    return selectors.line_counts(base.lines(TODAY, section="done"), "state")


def in_flight(base) -> int:
    return base.lines(TODAY, section="flight").count()


def extensions(base) -> list[dict]:
    """R-E1, R-E2: the classes needing a training-environment extension (the ESP Manager's,
    who sees every agent: the method counts the whole class)."""
    classes = build_report("extensions", as_of=base.as_of, program=base.program)["classes"]
    names = agent_names(eid for c in classes for eid in c["employee_ids"])
    for c in classes:
        c["agents"] = [(eid, names.get(eid, eid)) for eid in c["employee_ids"]]
    return classes
