"""The reports of SPEC §15, read from the read model the rules keep (issue 14), whole or paged."""

from __future__ import annotations

from datetime import date

from esp.access import scopes
from esp.lib import clock
from esp.lib.sqlids import read_once
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.selectors import (
    IDS_INLINE_MAX,
    STAFF_ONLY_STEPS,
    class_sizes,
    line_rows,
    lines_of,
    section_totals,
)
from esp.progress.services import projection
from esp.roster.selectors import program_for
from esp.rules import reports as rules
from esp.rules import upkeep as upkeep_rules
from esp.rules.report_lines import IN_FLIGHT_ONLY, KINDS, REPORTS, assemble

from .selectors import line_details, visible_employee_ids

PER_PAGE = 100  # a report page's lines (issue 14 item 2: the first page at most 100 rows)

__all__ = ["IN_FLIGHT_ONLY", "KINDS", "REPORTS", "build_report", "report_page", "scoped_report"]


class UnknownReport(ValueError):
    pass


def _context(program: Program, as_of: date) -> rules.Context:
    return rules.Context(policy=program.policy(), calendar=calendar_for(program), as_of=as_of)


def _known(name: str) -> None:
    if name not in REPORTS:
        raise UnknownReport(f"unknown report '{name}' (one of {', '.join(REPORTS)})")


def _built(name: str, program: Program, as_of: date) -> rules.Context:
    """The rules' context for the day, once its report is built (with these settings)."""
    _known(name)
    ctx = _context(program, as_of)
    projection.ensure_day(program=program, as_of=as_of, report=name, now=clock.now(), ctx=ctx)
    return ctx


def build_report(
    name: str, *, as_of: date, class_code: str | None = None, program: Program | None = None
) -> dict:
    """The whole report as of D (the command line, CSV/.xlsx, mails): its lines read from
    the read model (built on first use), put together by the rules (issue 14)."""
    _known(name)
    program = program or program_for(class_code=class_code)
    return projection.read_report(
        name,
        program=program,
        as_of=as_of,
        now=clock.now(),
        class_code=class_code,
        ctx=_context(program, as_of),
    )


def _visible_agents(user, name: str):
    """The agents `user` reads in report `name`, None: everyone (scoped_report). Their ids,
    read once (up to IDS_INLINE_MAX, else the query): the page's count and its lines then
    look them up by the read model's agent index. As a subquery in both, the scope was
    evaluated twice, and PostgreSQL, guessing it kept half the season, scanned the day's
    every line (a TL's call certification page: 140 ms of its 160 on PostgreSQL)."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return None
    if name == "attendance" and scopes.has_role(user, scopes.WFM):
        return None
    return read_once(scopes.visible_agents(user), IDS_INLINE_MAX)


def report_page(
    name: str,
    *,
    as_of: date,
    user,
    program: Program,
    class_code: str | None = None,
    section: str | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> dict:
    """One page of a report as `user` reads it (issue 14 item 2), paged and scoped in SQL.

    Returns `report` (the §15 shape holding the page's lines, every section present),
    `totals` (lines per section key, "" for the sectionless reports; the extensions count
    their classes), `total`, `page` (clamped to 1..pages) and `pages`. The whole of the
    pages is `scoped_report(user, build_report(...))`.
    """
    per_page = per_page or PER_PAGE
    ctx = _built(name, program, as_of)
    hidden = STAFF_ONLY_STEPS if name == "actions" and scopes.sees_as_agent(user) else ()
    rows = line_rows(
        program,
        as_of,
        name,
        class_code=class_code,
        section=section,
        visible=_visible_agents(user, name),
        hidden_steps=hidden,
    )
    if name == "extensions":  # a few classes: put together whole, paged by class
        return _extensions_page(program, as_of, class_code, rows, ctx, page, per_page)
    totals = section_totals(rows)
    if name == "incompletions":
        totals = {s.key: totals.get(s.key, 0) for s in ctx.policy.sections}
    else:
        totals = {"": totals.get("", 0)}
    total = sum(totals.values())
    page, pages = _clamped(page, total, per_page)
    start = (page - 1) * per_page
    report = assemble(name, lines_of(rows, start, start + per_page), ctx)
    return {"report": report, "totals": totals, "total": total, "page": page, "pages": pages}


def _clamped(page: int, total: int, per_page: int) -> tuple[int, int]:
    pages = max(1, -(-total // per_page))
    return min(max(1, page), pages), pages


def _extensions_page(program, as_of, class_code, rows, ctx, page: int, per_page: int) -> dict:
    whole = line_rows(program, as_of, "extensions", class_code=class_code)
    report = assemble("extensions", lines_of(rows), ctx, class_sizes=class_sizes(whole))
    total = len(report["classes"])
    page, pages = _clamped(page, total, per_page)
    start = (page - 1) * per_page
    report["classes"] = report["classes"][start : start + per_page]
    return {"report": report, "totals": {"": total}, "total": total, "page": page, "pages": pages}


def scoped_report(user, report: dict) -> dict:
    """Keep the lines of agents (and classes) `user` may see; the shape stays §15's."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return report
    if report.get("report") == "attendance" and scopes.has_role(user, scopes.WFM):
        return report  # WFM reads every agent's attendance (SPEC §1)
    ids = visible_employee_ids(user)
    if "sections" in report:
        for section in report["sections"]:
            section["agents"] = [a for a in section["agents"] if a["employee_id"] in ids]
    for key in ("agents", "actions"):
        if key in report:
            report[key] = [a for a in report[key] if a["employee_id"] in ids]
    if "actions" in report and scopes.sees_as_agent(user):
        # A termination review is a recommendation to the PM (R-L5, issue 12 item 5).
        report["actions"] = [a for a in report["actions"] if a["step"] not in STAFF_ONLY_STEPS]
    if "classes" in report:
        for entry in report["classes"]:
            entry["employee_ids"] = [e for e in entry["employee_ids"] if e in ids]
        report["classes"] = [c for c in report["classes"] if c["employee_ids"]]
    return report


def incompletion_details(
    report: dict, *, as_of: date, policy, more_classes: dict[str, str] | None = None
) -> dict[str, dict]:
    """The R-I2 details of each incompletions line (site, TL, latest note) and R-I1a's
    `not_transferred` mark; `more_classes` (employee id -> class code) adds other agents."""
    classes = {a["employee_id"]: a["class_code"] for s in report["sections"] for a in s["agents"]}
    classes.update(more_classes or {})
    details = line_details(classes, as_of)
    for employee_id in upkeep_rules.late_transfers(report, policy):
        details.setdefault(employee_id, {})["not_transferred"] = True
    return details
