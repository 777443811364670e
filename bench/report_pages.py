"""Benchmark (issue 14 items 1-2): each report's first page and the API's, as the ESP Manager
and a TL read them, on a season a `bench/run.py` run imported (same database, same
environment). Server time through Django's test client, median of --repeat; queries; bytes.

    .venv/bin/python bench/run.py --agents 20000 && .venv/bin/python bench/report_pages.py
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
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    if not os.environ.get("ESP_DATABASE_URL"):
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{args.out / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    time_pages(args)


def _readers():
    from esp.roster.models import TrainingClass
    from esp.roster.services.staff import ensure_staff

    manager = ensure_staff("bench-manager@esp.example", "ESP Manager")
    busiest = TrainingClass.objects.exclude(tls=None).order_by("code").first()
    readers = {"manager": manager, "tl": busiest.tls.first()}
    for user in readers.values():  # imported staff are invited: active with a password here
        user.is_active = True
        user.set_password("bench-password-1")
        user.save()
    return readers


def time_pages(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rich.console import Console
    from rich.table import Table

    from esp.rules.report_lines import REPORTS

    table = Table(title=f"Report first pages as of {args.as_of:%m/%d/%Y} ({connection.vendor})")
    for column in (
        "page",
        "reader",
        "first (ms)",
        f"median of {args.repeat} (ms)",
        "queries",
        "KB",
    ):
        table.add_column(column, justify="right")
    for who, user in _readers().items():
        client = Client()
        client.force_login(user)
        for name in REPORTS:
            for url in (f"/reports/{name}/", f"/api/v1/reports/{name}/"):
                timings = []
                for _ in range(args.repeat):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url, {"as_of": args.as_of.isoformat()})
                        timings.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                table.add_row(
                    url,
                    who,
                    f"{timings[0]:.0f}",
                    f"{statistics.median(timings):.0f}",
                    str(len(queries)),
                    f"{len(response.content) / 1024:.0f}",
                )
    Console().print(table)


if __name__ == "__main__":
    main()
