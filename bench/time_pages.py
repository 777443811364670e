"""Benchmark: the classes list, the largest class's board and attendance day, the extension
board and the API's lists timed through Django's test client on a season `bench/run.py`
imported (issue 14).
Prints server time (median), queries and HTML size per page; asserts nothing.

    .venv/bin/python bench/run.py --agents 2000 --out /tmp/bench     # once: the season
    .venv/bin/python bench/time_pages.py --out /tmp/bench             # then the pages
    ESP_DATABASE_URL=postgres://... .venv/bin/python bench/time_pages.py
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
MANAGER = "bench.manager@cxp.example"


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
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rich.console import Console
    from rich.table import Table

    from esp.roster.models import Agent, TrainingClass
    from esp.roster.services.staff import create_esp_manager

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's
    User = get_user_model()
    user = User.objects.filter(email=MANAGER).first() or create_esp_manager(MANAGER, "x" * 16)
    client = Client()
    client.force_login(user)
    largest = TrainingClass.objects.annotate(n=Count("agents")).order_by("-n", "code").first().code
    day = args.as_of.isoformat()
    first = Agent.objects.filter(training_class__code=largest).order_by("employee_id").first()
    first = first.employee_id
    pages = {
        "classes list": "/classes/",
        f"class board ({largest})": f"/classes/{largest}/?as_of={day}",
        f"attendance day ({largest})": f"/classes/{largest}/attendance/?date={day}",
        "extension board": f"/operations/extensions/?as_of={day}",
        # the API's lists, first page (issue 14 goal): the season's and one agent's
        "API classes": "/api/v1/classes/",
        "API agents": "/api/v1/agents/",
        f"API tasks ({first})": f"/api/v1/agents/{first}/tasks/",
        f"API calls ({first})": f"/api/v1/agents/{first}/calls/",
        f"API notes ({first})": f"/api/v1/agents/{first}/notes/",
        f"API readiness ({largest})": f"/api/v1/classes/{largest}/readiness/",
    }
    table = Table(title=f"Pages ({connection.vendor}), server time through the test client")
    for column in ("page", "queries", "KB", "first (ms)", f"median of {args.repeat} (ms)"):
        table.add_column(column, justify="right")
    for name, url in pages.items():
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        table.add_row(
            name,
            str(len(queries)),
            f"{len(response.content) / 1024:.0f}",
            f"{timings[0]:.0f}",
            f"{statistics.median(timings):.0f}",
        )
    Console().print(table)


if __name__ == "__main__":
    main()
