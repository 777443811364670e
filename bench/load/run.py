"""Load test (issue 14 item 5): signed-in staff of every role against the app served as
`esp serve` serves it (gunicorn, 2 workers) on 127.0.0.1; prints p50/p95/p99 and errors per
page and the requests per second.

    /work/main/.venv/bin/python bench/load/run.py --agents 2000 --users 50 --time 60
    scripts/with-postgres .venv/bin/python bench/load/run.py --agents 2000 --users 100

Run it with the app's Python; Locust runs from its own environment (--locust, by default
.venv-bench/bin/locust: python3 -m venv .venv-bench && .venv-bench/bin/pip install -r
requirements/bench.txt). The database is ESP_DATABASE_URL when set (a `scripts/with-postgres`
one starts empty), else bench/out/load-<agents>.sqlite3; an `esp demo` season of --agents is
loaded into it unless it already has one (--fresh loads a new one). See bench/load/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=2000, help="season size (default 2000)")
    parser.add_argument("--users", type=int, default=50, help="Locust users (default 50)")
    parser.add_argument(
        "--time", type=float, default=60, help="seconds measured once all users started"
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--fresh", action="store_true", help="load a new season even if one is there"
    )
    parser.add_argument(
        "--prepare-only", action="store_true", help="prepare the database and the plan, then stop"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--locust", type=Path, default=ROOT / ".venv-bench" / "bin" / "locust")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 500 or not 1 <= args.time <= 3600:
        parser.error("--users must be 1..500 and --time 1..3600 seconds (a bounded load)")
    if not args.locust.exists():
        parser.error(f"no Locust at {args.locust}: see bench/load/README.md")
    return args


def setup(args) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("ESP_DATABASE_URL"):
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{args.out / f'load-{args.agents}.sqlite3'}"
    os.environ.setdefault("ESP_VAR_DIR", str(args.out / "load-var"))
    os.environ.setdefault("ESP_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()


def prepare(args) -> Path:
    from django.db import connection, connections

    from bench.load.prepare import build_plan, prepare_database

    started = time.perf_counter()
    print(prepare_database(args.agents, args.fresh), flush=True)
    plan = build_plan(args.users)
    vendor = connection.vendor
    connections.close_all()
    path = args.out / f"load-plan-{vendor}-{args.agents}.json"
    path.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    roles = sorted({u["role"] for u in plan["users"]})
    print(
        f"Database ready ({vendor}) in {time.perf_counter() - started:.0f} s; "
        f"{len(plan['users'])} accounts of {len(roles)} roles: {', '.join(roles)}",
        flush=True,
    )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args, port: int, log: Path) -> subprocess.Popen:
    """`esp serve` on 127.0.0.1:port (gunicorn, esp.lib.serving), its log in `log`."""
    env = dict(os.environ, ESP_WORKERS=str(args.workers))
    command = [sys.executable, "-m", "esp.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped: see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"The server did not answer within 60 s: see {log}")


def run_locust(args, port: int, plan: Path, result: Path) -> int:
    """Locust headless; it stops itself `--time` seconds after the last sign-in, and the
    run time given here only bounds the whole (spawning and signing in included)."""
    ramp = args.users / args.spawn_rate
    bound = int(args.time + ramp + 120)
    env = dict(
        os.environ,
        ESP_LOAD_PLAN=str(plan),
        ESP_LOAD_SECONDS=str(args.time),
        ESP_LOAD_RESULT=str(result),
    )
    command = [
        str(args.locust),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{bound}s",
        "--stop-timeout",
        "30",
    ]
    with (args.out / "load-locust.log").open("w") as log:
        return subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT).returncode


def print_table(args, vendor: str, result: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    data = json.loads(result.read_text(encoding="utf-8"))
    seconds = data["measured_seconds"] or args.time
    table = Table(
        title=f"{args.users} users, {seconds:.0f} s, {args.agents} agents, {vendor}, "
        f"{args.workers} gunicorn workers"
    )
    for column in ("page", "requests", "errors", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "page" else "right")
    total = errors = 0
    for row in data["rows"]:
        if not row["requests"]:
            continue
        total += row["requests"]
        errors += row["errors"]
        table.add_row(
            row["name"],
            str(row["requests"]),
            str(row["errors"]),
            *(f"{row[p]:.0f}" for p in ("p50", "p95", "p99")),
        )
    table.add_section()
    table.add_row("total", str(total), str(errors), "", "", "")
    console = Console()
    console.print(table)
    console.print(f"{total / seconds:.1f} requests/s; {errors} errors")
    if not data["all_started"]:
        console.print("[red]Not every user started before the run time ran out.[/red]")
    for error in data["errors"][:10]:
        console.print(f"  {error['count']}× {error['name']}: {error['error']}")


def main(argv=None) -> int:
    args = parse_args(argv)
    setup(args)
    from django.db import connection

    vendor = connection.vendor
    plan = prepare(args)
    if args.prepare_only:
        return 0
    port = free_port()
    server = start_server(args, port, args.out / "load-server.log")
    result = args.out / "load-result.json"
    result.unlink(missing_ok=True)
    try:
        print(f"Serving on 127.0.0.1:{port}; {args.users} users for {args.time:.0f} s", flush=True)
        code = run_locust(args, port, plan, result)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not result.exists():
        print(f"Locust wrote no result (exit {code}): see {args.out / 'load-locust.log'}")
        return 1
    print_table(args, vendor, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
