"""Benchmark: a generated season imported through the real importers, then each report timed
and its queries counted (SPEC §17 speed). Prints figures; asserts nothing.

    .venv/bin/python bench/run.py --agents 20000            # SQLite in bench/out/
    ESP_DATABASE_URL=postgres://... .venv/bin/python bench/run.py --agents 20000

Every run starts from an empty database (a new SQLite file, or a flushed PostgreSQL one),
unless `--reuse` times the reports on the season a previous run imported into the same
database (e.g. several runs inside one `scripts/with-postgres bash -c '...'`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=20000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip generating and importing; time the reports on the season already there",
    )
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("ESP_DATABASE_URL"):
        database = args.out / "bench.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()
    from rich.console import Console

    from esp.programs.bootstrap import initialize

    console = Console()
    if args.reuse:
        initialize()
    else:
        import_season(args, console)
    time_reports(args, console)


def import_season(args, console) -> None:
    from django.core.management import call_command
    from django.db import connection
    from rich.table import Table

    from esp.demo.season import generate_season, write_season
    from esp.programs.bootstrap import initialize
    from esp.programs.calendars import calendar_for
    from esp.progress.services.activity import import_activity
    from esp.roster.services import import_classes, import_roster

    if connection.vendor == "postgresql":
        initialize()
        call_command("flush", interactive=False, verbosity=0)
    program = initialize()

    started = time.perf_counter()
    season = generate_season(
        as_of=args.as_of, agents=args.agents, seed=args.seed, calendar=calendar_for(program)
    )
    paths = write_season(season, args.out)
    console.print(
        f"Generated {len(season.classes)} classes, {len(season.roster)} agents, "
        f"{len(season.activity)} facts in {time.perf_counter() - started:.1f} s"
    )

    imports = Table(title=f"Imports ({connection.vendor})")
    for column in ("file", "rows", "seconds"):
        imports.add_column(column)
    for kind, importer in (
        ("classes", import_classes),
        ("roster", import_roster),
        ("activity", import_activity),
    ):
        started = time.perf_counter()
        summary = importer(paths[kind])
        imports.add_row(kind, str(summary.rows), f"{time.perf_counter() - started:.1f}")
    started = time.perf_counter()
    again = import_activity(paths["activity"])
    imports.add_row(
        "activity again (idempotent)",
        f"{again.created} new",
        f"{time.perf_counter() - started:.1f}",
    )
    console.print(imports)


def time_reports(args, console) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rich.table import Table

    from esp.reports.builders import REPORTS, build_report

    table = Table(
        title=f"Reports as of {args.as_of:%m/%d/%Y}, {args.agents} agents ({connection.vendor})"
    )
    for column in ("report", "lines", "queries", "first (ms)", f"median of {args.repeat} (ms)"):
        table.add_column(column, justify="right")
    for name in REPORTS:
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                report = build_report(name, as_of=args.as_of)
                timings.append((time.perf_counter() - started) * 1000)
        lines = sum(len(v) if isinstance(v, list) else 0 for v in report.values())
        if name == "incompletions":
            lines = sum(len(s["agents"]) for s in report["sections"])
        table.add_row(
            name,
            str(lines),
            str(len(queries)),
            f"{timings[0]:.0f}",
            f"{statistics.median(timings):.0f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
