"""The ESP Manager's view of the season on Today: every class at a glance, the extensions
needed, the report sends to decide, the team-upkeep link, and the two pictures."""

from __future__ import annotations

from dataclasses import dataclass

from esp.lib.urls import page_url
from esp.rules.report_lines import assemble

from .. import charts, manager_selectors
from .basis import Basis
from .preview import Preview, own_page, preview, report_page, route


@dataclass
class Manager:
    classes: Preview  # the classes with the most late tasks and actions due first
    extensions: Preview
    sends: Preview  # the outbox rows to decide
    teams: dict  # R-N7: only a link and a count here; the checks are on /upkeep/


def _busiest_first(row: dict) -> tuple:
    return (-row["late"], -row["due"], row["code"])


def manager(base: Basis) -> Manager:
    return Manager(
        classes=classes_at_a_glance(base),
        extensions=extensions(base),
        sends=Preview(*manager_selectors.sends_to_decide(base.first), route("mailing:outbox")),
        # R-N7: the checks themselves (too slow to compute on every page load of a big
        # season) are on /upkeep/.
        teams={"gap_reports": manager_selectors.gap_reports_sent(base.as_of)},
    )


def classes_at_a_glance(base: Basis) -> Preview:
    """Per class: its phase and day, agents in flight, late tasks, actions due; the busiest
    first. The counts are the page's one grouped read (Basis.manager_counts); the phases are
    read for the classes shown only (issue 14: not the season's thousands of phase dates)."""
    as_of, counts = base.as_of, base.manager_counts
    late = counts.late_per_class()
    rows = [
        {"code": code, "agents": n, "late": late.get(code, 0), "due": counts.due.get(code, 0)}
        for code, n in counts.flight.items()
    ]
    shown = preview(rows, own_page("classes", as_of), base.first, key=_busiest_first)
    phases = manager_selectors.class_phases([row["code"] for row in shown.items], as_of)
    for row in shown.items:
        name, start = phases.get(row["code"], ("Not started", None))
        row["url"] = page_url("progress:board", row["code"])
        row["phase"] = name
        row["day"] = base.ctx.calendar.age(start, as_of) + 1 if start else None
    return shown


def extensions(base: Basis) -> Preview:
    """R-E1, R-E2: the classes needing a training-environment extension, put together by the
    rules from the day's built lines, each with its agents' pages and names. The ESP Manager
    sees every agent: the method counts the whole class (`class_sizes`); the lines of the
    classes shown only are put together and linked (issue 14: 20 of the season's 300)."""
    program, as_of = base.program, base.as_of
    sizes, lines, names = manager_selectors.first_classes(program, as_of, "extensions", base.first)
    classes = assemble("extensions", lines, base.ctx, class_sizes=sizes)["classes"]
    for c in classes:
        c["agents"] = [
            (page_url("progress:agent", eid), names.get(eid, eid)) for eid in c["employee_ids"]
        ]
    return Preview(classes, len(sizes), report_page("extensions", as_of))


@dataclass
class Pictures:
    """The funnel of in-flight agents by task and the aging of late tasks per class."""

    funnel: list[charts.Bar]
    funnel_total: int
    funnel_svg: str
    aging: Preview  # per class, the most late tasks first
    aging_buckets: list[str]
    aging_svg: str


def pictures(base: Basis) -> Pictures:
    as_of, counts = base.as_of, base.manager_counts
    flying = counts.in_flight
    names = manager_selectors.task_names(base.program)
    bars = [
        charts.Bar(names.get(task.key, task.key), counts.done.get(task.key, 0))
        for task in base.policy.tasks
    ]
    aging = preview(
        sorted(counts.late.items()),
        own_page("aging", base.as_of),
        base.first,
        key=lambda item: (-item[1].total(), item[0]),
    )
    return Pictures(
        funnel=bars,
        funnel_total=flying,
        funnel_svg=charts.funnel_svg(
            bars, flying, title=f"Agents in flight who have done each task, {as_of:%m/%d/%Y}"
        ),
        aging=Preview(
            [
                {"code": code, "buckets": charts.bucket_counts(ages), "total": ages.total()}
                for code, ages in aging.items
            ],
            aging.total,
            aging.url,
        ),
        aging_buckets=[name for name, _, _ in charts.AGE_BUCKETS],
        aging_svg=charts.aging_svg(
            aging.items, title=f"Late tasks per class by age in business days, {as_of:%m/%d/%Y}"
        ),
    )
