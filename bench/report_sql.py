"""Benchmark (issue 14 goal): `esp report NAME --format json` for a whole season against a
hand-written SQL query for the same answer, on a season `bench/run.py` imported.

Both read the day's lines the rules computed when the facts were written (the read model,
built by the worker after midnight or on first use, timed apart as "build"): `esp report` through
`build_report` and the §15 renderer, the hand-written side through one SQL query per report and
`json` from the standard library. Each side's JSON is checked to be the same answer (parsed and
compared). Prints figures; asserts nothing.

    .venv/bin/python bench/run.py --agents 20000 --out /tmp/b20k     # once: the season
    .venv/bin/python bench/report_sql.py --out /tmp/b20k             # SQLite in --out
    ESP_DATABASE_URL=postgres://... .venv/bin/python bench/report_sql.py
    .venv/bin/python bench/report_sql.py --out /tmp/b20k --cpu --repeat 21     # CPU time
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPIN_UP, UPTRAINING = "class_spin_up", "uptraining_class"  # R-E2's two methods, as §15 names them
ORDER = ("section_order", "class_code", "employee_id", "ladder", "due_on", "position")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time this process's CPU, not the wall clock (SQLite: both sides run in it; "
        "steadier than wall time on a shared machine)",
    )
    args = parser.parse_args()
    if not os.environ.get("ESP_DATABASE_URL"):
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{args.out / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()
    from rich.console import Console

    Console().print(compare(args))


def hand_written(program_id: int, as_of: date, name: str, policy) -> str:
    """The report's §15 JSON from one SQL query over the stored lines."""
    from django.db import connection

    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    order = ", ".join(
        f"{column}{collate}" if column not in ("section_order", "position") else column
        for column in ORDER
    )
    sql = (
        "SELECT section, class_code, employee_id, payload FROM progress_reportline "
        f"WHERE program_id = %s AND as_of = %s AND report = %s ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [program_id, as_of, name])
        rows = cursor.fetchall()
    head = {"report": name, "as_of": as_of.isoformat()}
    if name == "incompletions":
        sections = {s.key: [] for s in policy.sections}
        for section, _, _, payload in rows:
            sections[section].append(json.loads(payload))
        head["sections"] = [
            {
                "key": s.key,
                "threshold_days": None if s.key == policy.transfer_section else s.threshold_days,
                "agents": sections[s.key],
            }
            for s in policy.sections
        ]
    elif name == "extensions":
        classes: dict[str, list[str]] = {}
        for _, code, employee_id, _ in rows:
            classes.setdefault(code, []).append(employee_id)
        head["classes"] = [
            {
                "class_code": code,
                "method": SPIN_UP if len(ids) >= policy.spin_up_min_agents else UPTRAINING,
                "employee_ids": sorted(ids),
            }
            for code, ids in sorted(classes.items())
        ]
    else:
        key = "actions" if name == "actions" else "agents"
        head[key] = [json.loads(payload) for *_, payload in rows]
    return json.dumps(head, indent=2)


def _median_ms(work, repeat: int, clock=time.perf_counter) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(repeat):
        started = clock()
        result = work()
        timings.append((clock() - started) * 1000)
    return statistics.median(timings), result


def compare(args):
    from django.db import connection
    from rich.table import Table

    from esp.lib import clock
    from esp.programs.models import Program
    from esp.progress.services import projection
    from esp.reports import render
    from esp.reports.builders import REPORTS, build_report

    program = Program.objects.order_by("pk").first()
    policy = program.policy()
    timer = time.process_time if args.cpu else time.perf_counter
    table = Table(
        title=f"esp report vs hand-written SQL, {args.as_of:%m/%d/%Y} ({connection.vendor}"
        f"{', CPU time' if args.cpu else ''})"
    )
    columns = ("report", "lines", "build (ms)", "esp report (ms)", "SQL (ms)", "ratio", "same")
    for column in columns:
        table.add_column(column, justify="right")
    for name in REPORTS:
        projection.drop(program_id=program.pk)
        started = time.perf_counter()
        projection.ensure_day(program=program, as_of=args.as_of, report=name, now=clock.now())
        build = (time.perf_counter() - started) * 1000
        ours, text = _median_ms(
            lambda name=name: render.to_json(build_report(name, as_of=args.as_of, program=program)),
            args.repeat,
            timer,
        )
        theirs, hand = _median_ms(
            lambda name=name: hand_written(program.pk, args.as_of, name, policy),
            args.repeat,
            timer,
        )
        report = json.loads(text)
        lines = sum(len(v) for v in report.values() if isinstance(v, list))
        if name == "incompletions":
            lines = sum(len(s["agents"]) for s in report["sections"])
        table.add_row(
            name,
            f"{lines:,}",
            f"{build:.0f}",
            f"{ours:.1f}",
            f"{theirs:.1f}",
            f"{ours / theirs:.2f}×",
            "yes" if report == json.loads(hand) else "NO",
        )
    return table


if __name__ == "__main__":
    main()
