"""Benchmark: every role's Today page on a season bench/run.py imported (issue 14 item 2).
Server time through Django's test Client (no network), queries and HTML size. Prints figures;
asserts nothing.

    .venv/bin/python bench/run.py --agents 2000 --out /tmp/b2k      # once: the season
    .venv/bin/python bench/today.py --out /tmp/b2k                  # SQLite in --out
    scripts/with-postgres bash -c '.venv/bin/python bench/run.py --agents 2000 &&
        .venv/bin/python bench/today.py'                            # PostgreSQL

One account per role is made (or reused) in the benchmark's database: bench.<role>@... for
the program-wide roles, the TL and PM of the in-flight class with the most agents.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--role", action="append", help="only these roles (repeatable)")
    args = parser.parse_args()
    if not os.environ.get("ESP_DATABASE_URL"):
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{args.out / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()
    from django.conf import settings
    from rich.console import Console

    settings.ALLOWED_HOSTS = ["testserver"]
    found = people(args.as_of)
    Console().print(time_today(args, found))
    Console().print(time_agent_pages(args, found))


def people(as_of: date) -> dict[str, object]:
    """Role -> an active account of that role (made once)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from esp.roster.models import TrainingClass
    from esp.roster.roles import (
        CERT_COORDINATOR,
        CERTIFIER,
        ESP_MANAGER,
        LICENSING,
        PM,
        TBT_SME,
        TL,
        WFM,
    )

    User = get_user_model()
    found = {}
    for role in (ESP_MANAGER, CERT_COORDINATOR, CERTIFIER, TBT_SME, LICENSING, WFM):
        email = f"bench.{role.lower().replace(' ', '-')}@cxp.example"
        user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        found[role] = user
    busiest = (  # a class three weeks in: every list has its agents
        TrainingClass.objects.annotate(n=Count("agents"))
        .filter(tls__isnull=False, pms__isnull=False, start_date__lte=as_of - timedelta(21))
        .order_by("-start_date", "-n")
        .first()
    )
    found[TL] = busiest.tls.first()
    found[PM] = busiest.pms.first()
    for user in found.values():
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True  # the agent-page table asks these objects for their scope
    return found


def _timed(
    client, url: str, repeat: int, cpu: list | None = None
) -> tuple[list[float], object, int]:
    """Server times (ms) of `repeat` requests, the last response, its queries; this process's
    CPU time per request appended to `cpu` when given (on a machine others share it bends
    less than the wall clock; with SQLite the database works in this process too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, used = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - used) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return timings, response, len(queries)


def time_agent_pages(args, people: dict):
    """Each role's page of the first agent (by id) it may open."""
    from django.db import connection
    from django.test import Client
    from rich.table import Table

    from esp.access import scopes

    table = Table(title=f"An agent page, as of {args.as_of:%m/%d/%Y} ({connection.vendor})")
    columns = ("role", "agent", "queries", "KB", "first (ms)", f"median of {args.repeat} (ms)")
    columns += ("median CPU (ms)",)
    for column in columns:
        table.add_column(column, justify="right")
    for role, user in people.items():
        if args.role and role not in args.role:
            continue
        agent = scopes.visible_agents(user).order_by("pk").first()
        if agent is None:
            continue
        client = Client()
        client.force_login(user)
        url = f"/agents/{agent.employee_id}/?as_of={args.as_of.isoformat()}"
        cpu: list[float] = []
        timings, response, queries = _timed(client, url, args.repeat, cpu)
        table.add_row(
            role,
            agent.employee_id,
            str(queries),
            f"{len(response.content) / 1024:.0f}",
            f"{timings[0]:.0f}",
            f"{statistics.median(timings):.0f}",
            f"{statistics.median(cpu[1:] or cpu):.0f}",
        )
    return table


def time_today(args, people: dict):
    from django.db import connection
    from django.test import Client
    from rich.table import Table

    table = Table(title=f"Today as of {args.as_of:%m/%d/%Y} ({connection.vendor})")
    columns = ("role", "queries", "KB", "first (ms)", f"median of {args.repeat} (ms)", "min (ms)")
    for column in columns:
        table.add_column(column, justify="right")
    url = f"/today/?as_of={args.as_of.isoformat()}"
    for role, user in people.items():
        if args.role and role not in args.role:
            continue
        client = Client()
        client.force_login(user)
        timings, response, queries = _timed(client, url, args.repeat)
        table.add_row(
            role,
            str(queries),
            f"{len(response.content) / 1024:.0f}",
            f"{timings[0]:.0f}",
            f"{statistics.median(timings):.0f}",
            f"{min(timings):.0f}",
        )
    return table


if __name__ == "__main__":
    main()
