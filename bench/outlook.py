"""Benchmark of the outlook (issue 18): a generated season imported through the real
importers, then `esp outlook backtest` (its accuracy, replayed day by day with only each day's
facts) and the time of the whole outlook as of the season's day. Prints figures.

    .venv/bin/python bench/outlook.py --agents 2000              # SQLite in bench/out/
    .venv/bin/python bench/outlook.py --agents 20000 --no-backtest
    .venv/bin/python bench/outlook.py --database var/bench/bench20k.sqlite3   # a COPY, imported

Figures of a run are in docs/decisions-s-outlook.md ("For the README") and the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def esp(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "esp.cli", *args], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-backtest", action="store_true", help="time the outlook only")
    parser.add_argument(
        "--database",
        type=Path,
        help="a season already imported (SQLite; migrated here, so give it a copy)",
    )
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    if args.database:
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{args.database.resolve()}"
        esp("init", "--no-input")
    else:
        generate(args)
    report(args)


def generate(args) -> None:
    """A season generated and imported through the real importers."""
    if not os.environ.get("ESP_DATABASE_URL"):
        database = args.out / f"outlook-{args.agents}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{database}"
    season = args.out / f"season-{args.agents}"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate_season.py"),
            *("--agents", str(args.agents), "--as-of", args.as_of.isoformat()),
            *("--seed", str(args.seed), "--out", str(season)),
        ],
        check=True,
    )
    esp("init", "--no-input")
    for kind in ("classes", "roster", "activity"):
        esp("import", kind, str(season / f"{kind}.csv"))


def report(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()
    from esp.programs.models import Program
    from esp.reports.outlook import backtest_text, outlook_for, run_backtest

    program = Program.objects.get()
    started, cpu = time.perf_counter(), time.process_time()
    outlook = outlook_for(program, args.as_of)
    print(
        f"outlook as of {args.as_of:%m/%d/%Y}: {len(outlook.agents):,} agents in flight, "
        f"{len(outlook.classes):,} classes, {time.perf_counter() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU)"
    )
    if not args.no_backtest:
        started, cpu = time.perf_counter(), time.process_time()
        result = run_backtest(program, start=None, end=None, today=args.as_of)
        print(backtest_text(result))
        print(
            f"backtest: {time.perf_counter() - started:.1f} s "
            f"({time.process_time() - cpu:.1f} s of CPU)"
        )


if __name__ == "__main__":
    main()
