"""Generate a season's classes.csv, roster.csv and activity.csv (SPEC §15) for the benchmark.

python bench/generate_season.py --agents 20000 --as-of 2026-11-23 --seed 1 --out DIR
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esp.demo.season import generate_season, write_season  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--agents", type=int, default=20000)
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--agents-per-class", type=int, default=12)
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    args = parser.parse_args(argv)
    as_of = args.as_of or date.today()  # noqa: DTZ011 - the only place that reads the clock

    started = time.perf_counter()
    season = generate_season(
        as_of=as_of, agents=args.agents, seed=args.seed, agents_per_class=args.agents_per_class
    )
    generated = time.perf_counter()
    paths = write_season(season, args.out)
    written = time.perf_counter()

    print(f"as of {as_of.isoformat()}, seed {args.seed}")
    print(f"classes:  {len(season.classes):>9,}  {paths['classes']}")
    print(f"roster:   {len(season.roster):>9,}  {paths['roster']}")
    print(f"activity: {len(season.activity):>9,}  {paths['activity']}")
    print(
        f"generated in {generated - started:.2f} s, written in {written - generated:.2f} s, "
        f"total {written - started:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
