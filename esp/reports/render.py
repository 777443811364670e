"""Rendering a report dict (SPEC §15) as a text table, JSON, CSV or .xlsx. The generic table
writers and the formula escaping are in esp.lib.render.
"""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from esp.lib.render import (
    table_csv,
    tables_xlsx,
)

SECTION_TITLES = {
    "producer_world": "Producer World",
    "ahip_carrier": "AHIP/Aetna",
    "tbt": "TBT",
    "call_cert": "Call Cert",
    "transfer_needed": "Transfer to production needed",
}


def _incompletion_rows(report: dict) -> tuple[list[str], list[list]]:
    columns = [
        "section",
        "threshold_days",
        "employee_id",
        "name",
        "class_code",
        "age_business_days",
    ]
    rows = [
        [
            s["key"],
            s["threshold_days"],
            a["employee_id"],
            a["name"],
            a["class_code"],
            a["age_business_days"],
        ]
        for s in report["sections"]
        for a in s["agents"]
    ]
    return columns, rows


def _action_rows(report: dict) -> tuple[list[str], list[list]]:
    columns = ["employee_id", "ladder", "step", "due_on", "status"]
    return columns, [[a[c] for c in columns] for a in report["actions"]]


def _callcert_rows(report: dict) -> tuple[list[str], list[list]]:
    columns = [
        "employee_id",
        "calls_scored",
        "calls_passed",
        "pass_rate",
        "result",
        "scorecard_name",
    ]
    return columns, [[a[c] for c in columns] for a in report["agents"]]


def _extension_rows(report: dict) -> tuple[list[str], list[list]]:
    columns = ["class_code", "method", "employee_id"]
    rows = [
        [c["class_code"], c["method"], employee_id]
        for c in report["classes"]
        for employee_id in c["employee_ids"]
    ]
    return columns, rows


def _attendance_rows(report: dict) -> tuple[list[str], list[list]]:
    columns = ["employee_id", "points", "date", "kind", "minutes"]
    rows = [
        [a["employee_id"], a["points"], o["date"], o["kind"], o["minutes"]]
        for a in report["agents"]
        for o in a["occurrences"]
    ]
    return columns, rows


OUTLOOK_COLUMNS = {
    "agents": ("employee_id", "class_code", "p_extension", "esp_complete_p50", "esp_complete_p90"),
    "classes": (
        "class_code",
        "extensions_expected",
        "call_certs_done_p50",
        "call_certs_done_p90",
    ),
    "certifiers": (
        "day",
        "agents_ready_expected",
        "certifiers_needed",
        "certifiers_available",
    ),
}


def _outlook_rows(report: dict) -> tuple[list[str], list[list]]:
    """One line per agent, class and coming day, `section` saying which (issue 18)."""
    columns = ["section"]
    for names in OUTLOOK_COLUMNS.values():
        columns += [name for name in names if name not in columns]
    rows = []
    for section in OUTLOOK_COLUMNS:
        for entry in report[section]:
            rows.append([section, *(entry.get(name) for name in columns[1:])])
    return columns, rows


FLAT_ROWS = {
    "outlook": _outlook_rows,
    "incompletions": _incompletion_rows,
    "actions": _action_rows,
    "callcert": _callcert_rows,
    "extensions": _extension_rows,
    "attendance": _attendance_rows,
}


def flat_rows(report: dict) -> tuple[list[str], list[list]]:
    """The report's rows flattened, one per agent / action / occurrence (SPEC §16)."""
    name = report["report"]
    if name not in FLAT_ROWS:
        raise ValueError(f"unknown report {name}")
    return FLAT_ROWS[name](report)


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_csv(report: dict) -> str:
    return table_csv(*flat_rows(report)).decode("utf-8")


def to_xlsx(report: dict, path) -> None:
    columns, rows = flat_rows(report)
    Path(path).write_bytes(tables_xlsx({report["report"]: (columns, rows)}))


def us_date(iso: str | None) -> str:
    """Dates as people write them: MM/DD/YYYY."""
    if not iso:
        return ""
    return date.fromisoformat(iso).strftime("%m/%d/%Y")


# -- the text tables (rich), one function per report ------------------------------------------


def _incompletion_tables(report: dict, details: dict) -> list[Table]:
    tables = []
    for section in report["sections"]:
        title = SECTION_TITLES.get(section["key"], section["key"])
        threshold = section["threshold_days"]
        heading = f"{title} — after {threshold}+ business days" if threshold else title
        table = Table(title=f"{heading} ({len(section['agents'])})", title_justify="left")
        for column in ("Employee ID", "Name", "Class", "Site", "TL", "Age (business days)"):
            table.add_column(column, justify="right" if column.startswith("Age") else "left")
        table.add_column("Latest note", overflow="fold", max_width=50)
        for a in section["agents"]:
            age = a["age_business_days"]
            more = details.get(a["employee_id"], {})
            late = more.get("not_transferred", False)  # R-I1a, marked by the caller
            table.add_row(
                a["employee_id"],
                a["name"],
                a["class_code"],
                more.get("site", ""),
                more.get("tl", ""),
                f"{age}{' (not transferred)' if late else ''}",
                more.get("latest_note", ""),
            )
        tables.append(table)
    return tables


def _action_tables(report: dict, details: dict) -> list[Table]:
    table = Table(title=f"Corrective actions due ({len(report['actions'])})", title_justify="left")
    for column in ("Employee ID", "Ladder", "Step", "Due on", "Status"):
        table.add_column(column)
    for a in report["actions"]:
        table.add_row(
            a["employee_id"],
            a["ladder"],
            a["step"].replace("_", " "),
            us_date(a["due_on"]),
            a["status"],
        )
    return [table]


def _callcert_tables(report: dict, details: dict) -> list[Table]:
    table = Table(title=f"Call certification ({len(report['agents'])})", title_justify="left")
    for column in ("Employee ID", "Scored", "Passed", "Pass rate", "Result", "Scorecard"):
        table.add_column(column)
    for a in report["agents"]:
        rate = "" if a["pass_rate"] is None else f"{a['pass_rate']}%"
        table.add_row(
            a["employee_id"],
            str(a["calls_scored"]),
            str(a["calls_passed"]),
            rate,
            a["result"],
            a["scorecard_name"] or "",
        )
    return [table]


def _extension_tables(report: dict, details: dict) -> list[Table]:
    table = Table(
        title=f"Training-environment extensions ({len(report['classes'])} classes)",
        title_justify="left",
    )
    for column in ("Class", "Procedure", "Agents", "Employee IDs"):
        table.add_column(column)
    for c in report["classes"]:
        table.add_row(
            c["class_code"],
            c["method"].replace("_", " "),
            str(len(c["employee_ids"])),
            ", ".join(c["employee_ids"]),
        )
    return [table]


def _occurrences_text(occurrences: list[dict]) -> str:
    return "; ".join(
        f"{us_date(o['date'])} {o['kind'].replace('_', ' ')}"
        + ("" if o["minutes"] is None else f" {o['minutes']} min")
        for o in occurrences
    )


def _attendance_tables(report: dict, details: dict) -> list[Table]:
    table = Table(
        title=f"Attendance occurrences in the rolling window ({len(report['agents'])})",
        title_justify="left",
    )
    for column in ("Employee ID", "Points", "Occurrences"):
        table.add_column(column, justify="right" if column == "Points" else "left")
    table.columns[2].overflow = "fold"
    for a in report["agents"]:
        table.add_row(a["employee_id"], f"{a['points']:g}", _occurrences_text(a["occurrences"]))
    return [table]


def _flat_tables(report: dict, details: dict) -> list[Table]:
    columns, rows = flat_rows(report)
    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    return [table]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


def _outlook_tables(report: dict, details: dict) -> list[Table]:
    """Issue 18: the agents' chance of an extension and ESP-complete dates, the classes'
    expected extensions and last agent through Call Certs, the certifiers of the coming days."""
    agents = Table(title=f"Agents in flight ({len(report['agents'])})", title_justify="left")
    for column in ("Employee ID", "Class", "Extension", "ESP complete p50", "p90"):
        agents.add_column(column)
    for a in report["agents"]:
        agents.add_row(
            a["employee_id"],
            a["class_code"],
            _percent(a["p_extension"]),
            us_date(a["esp_complete_p50"]),
            us_date(a["esp_complete_p90"]),
        )
    classes = Table(title="Classes", title_justify="left")
    for column in ("Class", "Extensions expected", "Call Certs done p50", "p90"):
        classes.add_column(column)
    for c in report["classes"]:
        classes.add_row(
            c["class_code"],
            f"{c['extensions_expected']:.1f}",
            us_date(c["call_certs_done_p50"]),
            us_date(c["call_certs_done_p90"]),
        )
    days = Table(title="Certifiers, the next business days", title_justify="left")
    for column in ("Day", "Agents ready (expected)", "Certifiers needed", "Available"):
        days.add_column(column)
    for d in report["certifiers"]:
        available = d["certifiers_available"]
        days.add_row(
            us_date(d["day"]),
            f"{d['agents_ready_expected']:.1f}",
            str(d["certifiers_needed"]),
            "not recorded" if available is None else str(available),
        )
    return [agents, classes, days]


TEXT_TABLES = {
    "outlook": _outlook_tables,
    "incompletions": _incompletion_tables,
    "actions": _action_tables,
    "callcert": _callcert_tables,
    "extensions": _extension_tables,
    "attendance": _attendance_tables,
}


def to_text(report: dict, *, details: dict | None = None, width: int = 160) -> str:
    """A readable table (rich), with dates as MM/DD/YYYY and ages in business days.

    `details` (employee id -> site, tl, latest_note) adds the R-I2 columns to incompletions.
    """
    console = Console(file=io.StringIO(), width=width, force_terminal=False, color_system=None)
    name = report["report"]
    console.print(f"{name.capitalize()} report as of {us_date(report['as_of'])}")
    for table in TEXT_TABLES.get(name, _flat_tables)(report, details or {}):
        console.print(table)
    return console.file.getvalue()
