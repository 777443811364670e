"""Benchmark: a generated season imported through the real importers, then each report timed
and its queries counted (SPEC §17 speed). Prints figures; asserts nothing.

    .venv/bin/python bench/run.py --agents 20000            # SQLite in bench/out/
    ESP_DATABASE_URL=postgres://... .venv/bin/python bench/run.py --agents 20000

Every run starts from an empty database (a new SQLite file, or a flushed PostgreSQL one),
unless `--reuse` times the reports on the season a previous run imported into the same
database (e.g. several runs inside one `scripts/with-postgres bash -c '...'`).

Each file is imported by `esp import` in a process of its own, so the figures are a user's:
the seconds it took and the process's peak memory (its maximum resident set, as
`/usr/bin/time -v` reports it). `--imports-only` skips the reports.
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
    parser.add_argument("--imports-only", action="store_true", help="skip timing the reports")
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

    console = Console(width=150)  # the tables whole in a log too
    if args.reuse:
        initialize()
    else:
        import_season(args, console)
    if not args.imports_only:
        time_reports(args, console)


def import_season(args, console) -> None:
    from django.core.management import call_command
    from django.db import connection
    from rich.table import Table

    from esp.demo.season import generate_season, write_season
    from esp.programs.bootstrap import initialize
    from esp.programs.calendars import calendar_for

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

    imports = Table(title=f"Imports ({connection.vendor}, each by `esp import` on its own)")
    for column in (
        "file",
        "rows (new)",
        "seconds",
        "CPU seconds",
        "peak memory (MB)",
        "meanwhile: slowest write / read (ms), failed",
    ):
        imports.add_column(column, justify="right")
    connection.close()  # the child processes write; this one only reads afterwards
    for label, kind in (
        ("classes", "classes"),
        ("roster", "roster"),
        ("activity", "activity"),
        ("activity again (idempotent)", "activity"),
    ):
        cpu = children_cpu()
        with Probe() as probe:
            seconds, peak, output = esp_import(kind, paths[kind])
        cpu = children_cpu() - cpu  # less bent than seconds by a machine others share
        console.print(output.strip())
        imports.add_row(
            label,
            summary_figure(output),
            f"{seconds:.1f}",
            f"{cpu:.1f}",
            f"{peak:.0f}",
            probe.figures(),
        )
    console.print(imports)


class Probe:
    """What a page does while an import runs: every 0.25 s, on a connection of its own, a
    short write transaction (as a session save) and a read; the slowest of each is kept."""

    def __enter__(self):
        import threading

        self.done = threading.Event()
        self.writes, self.reads, self.failed = [], [], 0
        self.thread = threading.Thread(target=self.run)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def run(self) -> None:
        from django.db import connection, transaction

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_probe (n integer)")
        while not self.done.wait(0.25):
            try:
                started = time.perf_counter()
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("INSERT INTO bench_probe (n) VALUES (1)")
                self.writes.append(time.perf_counter() - started)
                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM roster_trainingclass")
                    cursor.fetchone()
                self.reads.append(time.perf_counter() - started)
            except Exception:  # a page that would have failed
                self.failed += 1
        connection.close()

    def figures(self) -> str:
        slowest = [f"{max(t, default=0) * 1000:.0f}" for t in (self.writes, self.reads)]
        return f"{slowest[0]} / {slowest[1]}, {self.failed}"


# `esp import` in a child, then the child's own peak memory: VmHWM, the high-water mark of the
# resident set since the child's exec (ru_maxrss would count the parent's pages it forked with).
CHILD = """
import sys
from esp.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(f"peak-kb {peak}")
sys.exit(code)
"""


def esp_import(kind: str, path: Path) -> tuple[float, float, str]:
    """`esp import KIND PATH` in a child process: its seconds, peak memory in MB and output."""
    import subprocess

    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, "import", kind, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if child.returncode:
        raise SystemExit(f"esp import {kind} failed ({child.returncode}): {child.stderr}")
    output, _, peak = child.stdout.rpartition("peak-kb ")
    return seconds, int(peak) / 1024, output


def children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def summary_figure(output: str) -> str:
    """ "activity: imported 637695 row(s): 0 new, ..." -> "637695 rows, 0 new"."""
    words = output.split()
    try:
        rows = words[words.index("row(s):") - 1]
        return f"{int(rows):,} ({int(words[words.index('new,') - 1]):,} new)"
    except ValueError:
        return output.strip()


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
