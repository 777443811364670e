"""A report page as people read it (issue 17 item 1): agents by name linked to their page,
column and section titles in words, dates as MM/DD/YYYY. Only the HTML page reads these
tables; the §15 JSON/CSV (esp.reports.render) stay as they are.

Each table is {"title", "columns", "rows"}; a row is a list of cells: {"agent": id,
"name": name}, {"agents": [(id, name), ...]}, {"lines": [text, ...]} or {"text": text}.
"""

from __future__ import annotations

from datetime import date

from esp.lib.display import label, us_day
from esp.rules.attendance import occurrence_points

from .builders import incompletion_details
from .selectors import agent_names


def _day(iso: str | None) -> str:
    return us_day(date.fromisoformat(iso)) if iso else ""


def _text(value) -> dict:
    return {"text": "" if value is None else str(value)}


def _agent(employee_id: str, names: dict[str, str]) -> dict:
    return {"agent": employee_id, "name": names.get(employee_id, employee_id)}


def section_title(key: str, threshold: int | None) -> str:
    """ "AHIP / Aetna certification — 4+ business days" (no threshold: the title alone)."""
    title = label(key, "section")
    return f"{title} — {threshold}+ business days" if threshold else title


def _incompletions(report: dict, program) -> list[dict]:
    policy = program.policy()
    details = incompletion_details(report, as_of=date.fromisoformat(report["as_of"]), policy=policy)
    columns = ["Agent", "Class", "Site", "TL", "Age (business days)", "Latest note"]
    tables = []
    for section in report["sections"]:
        rows = []
        for a in section["agents"]:
            more = details.get(a["employee_id"], {})
            late = " (not transferred)" if more.get("not_transferred") else ""
            rows.append(
                [
                    {"agent": a["employee_id"], "name": a["name"]},
                    _text(a["class_code"]),
                    _text(more.get("site", "")),
                    _text(more.get("tl", "")),
                    _text(f"{a['age_business_days']}{late}"),
                    _text(more.get("latest_note", "")),
                ]
            )
        title = section_title(section["key"], section["threshold_days"])
        tables.append({"title": title, "columns": columns, "rows": rows})
    return tables


def _actions(report: dict, program) -> list[dict]:
    names = agent_names(a["employee_id"] for a in report["actions"])
    rows = [
        [
            _agent(a["employee_id"], names),
            _text(label(a["ladder"], "ladder")),
            _text(label(a["step"], "step")),
            _text(_day(a["due_on"])),
            _text(label(a["status"], "status")),
        ]
        for a in report["actions"]
    ]
    columns = ["Agent", "Ladder", "Step", "Due on", "Status"]
    return [{"title": "", "columns": columns, "rows": rows}]


def _callcert(report: dict, program) -> list[dict]:
    names = agent_names(a["employee_id"] for a in report["agents"])
    rows = [
        [
            _agent(a["employee_id"], names),
            _text(a["calls_scored"]),
            _text(a["calls_passed"]),
            _text("" if a["pass_rate"] is None else f"{a['pass_rate']}%"),
            _text(label(a["result"], "result")),
            _text(a["scorecard_name"] or ""),
        ]
        for a in report["agents"]
    ]
    columns = ["Agent", "Calls scored", "Calls passed", "Pass rate", "Result", "Scorecard"]
    return [{"title": "", "columns": columns, "rows": rows}]


def _extensions(report: dict, program) -> list[dict]:
    names = agent_names(e for c in report["classes"] for e in c["employee_ids"])
    rows = [
        [
            _text(c["class_code"]),
            _text(label(c["method"], "method")),
            _text(len(c["employee_ids"])),
            {"agents": [(e, names.get(e, e)) for e in c["employee_ids"]]},
        ]
        for c in report["classes"]
    ]
    columns = ["Class", "Procedure", "Agents needing one", "Agents"]
    return [{"title": "", "columns": columns, "rows": rows}]


def _points(value) -> str:
    return f"{float(value):g}"


def _occurrence(o: dict, table) -> str:
    minutes = "" if o["minutes"] is None else f", {o['minutes']} min"
    own = _points(occurrence_points(o["kind"], table))
    return f"{_day(o['date'])} {label(o['kind'], 'occurrence')}{minutes} — {own} pt"


def _attendance(report: dict, program) -> list[dict]:
    policy = program.policy()
    table = policy.points_table
    names = agent_names(a["employee_id"] for a in report["agents"])
    rows = [
        [
            _agent(a["employee_id"], names),
            _text(_points(a["points"])),
            {"lines": [_occurrence(o, table) for o in a["occurrences"]]},
        ]
        for a in report["agents"]
    ]
    window = f"Points ({policy.attendance_window_days} days)"
    columns = ["Agent", window, "Occurrences (date, kind, own points)"]
    return [{"title": "", "columns": columns, "rows": rows}]


TABLES = {
    "incompletions": _incompletions,
    "actions": _actions,
    "callcert": _callcert,
    "extensions": _extensions,
    "attendance": _attendance,
}


def page_tables(report: dict, program) -> list[dict]:
    """The page's tables of `report` (a §15 report, one page of it): one query for the names
    (incompletions: two, for R-I2's site, TL and latest note)."""
    return TABLES[report["report"]](report, program)
