"""The load test's database and plan (runs in the app's environment, after django.setup()).

The database is an `esp demo` one (esp.demo.load.load_demo: the default program, a season
dated relative to today imported through the real importers, a sign-in for every staff role
with one known password), at the number of agents asked. The plan is what the Locust users
need and cannot ask the app without guessing: for each staff account, its role, the classes
and agents it may open and the tasks it may set (esp.access.scopes / esp.access.writes, the
same tables the app enforces), so that every request of the load test is one the user may make.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db import connection

PASSWORD = "load-test-password"
MANAGER = ("manager@esp.example", PASSWORD)
PER_ROLE = 20  # accounts of a role with many (TLs, PMs) signed in by the Locust users
CLASSES_PER_USER = 10
AGENTS_PER_USER = 30


def prepare_database(agents: int, fresh: bool) -> str:
    """Load a demo season of `agents` agents unless the database already holds one (reuse;
    `fresh` empties it first). Returns a line saying which."""
    from django.core.management import call_command

    from esp.demo.load import load_demo
    from esp.programs.bootstrap import initialize
    from esp.roster.models import Agent

    initialize()
    existing = Agent.objects.count()
    if existing and not fresh:
        return f"Reusing the database: {existing} agents (--fresh to load a new season)."
    if existing:
        call_command("flush", interactive=False, verbosity=0)
    return load_demo(login=MANAGER, agents=agents)


def staff_accounts() -> list[tuple[str, object]]:
    """(role, user) for every staff role: the demo's single accounts, then up to PER_ROLE TLs
    and PMs of the demo classes."""
    from esp.demo.load import DEMO_STAFF
    from esp.roster.roles import ESP_MANAGER, PM, TL

    User = get_user_model()
    accounts = [(ESP_MANAGER, User.objects.get(username=MANAGER[0]))]
    for email, role in DEMO_STAFF:
        accounts.append((role, User.objects.get(username=email)))
    for role, lead_of in ((TL, "tl_classes"), (PM, "pm_classes")):
        leads = User.objects.filter(**{f"{lead_of}__isnull": False}).distinct().order_by("pk")
        accounts += [(role, user) for user in leads[:PER_ROLE]]
    return accounts


def build_plan(seed: int = 1) -> dict:
    """Every account's role, password, classes, agents and writable tasks."""
    from esp.access import scopes
    from esp.access.matrix import AGENT_VIEWERS
    from esp.access.writes import may_write
    from esp.progress.selectors import proof_tasks, task_keys
    from esp.reports.builders import REPORTS
    from esp.roster.selectors import program_for

    chooser = random.Random(seed)
    program = program_for()
    tasks = [key for key in task_keys(program) if key not in proof_tasks(program)]
    users = []
    for role, user in staff_accounts():
        if not user.is_active or not user.has_usable_password():
            user.set_password(PASSWORD)  # load_demo gave the others this password
            user.is_active = True
            user.save()
        classes = list(scopes.visible_classes(user).values_list("code", flat=True))
        agents = []
        if role in AGENT_VIEWERS:
            agents = list(scopes.visible_agents(user).values_list("employee_id", flat=True))
        sample = scopes.visible_agents(user).first() if agents else None
        users.append(
            {
                "role": role,
                "email": user.username,
                "password": PASSWORD,
                "classes": _some(chooser, classes, CLASSES_PER_USER),
                "agents": _some(chooser, agents, AGENTS_PER_USER),
                "tasks": [t for t in tasks if sample and may_write(user, "task", t, sample)],
            }
        )
    return {"database": connection.vendor, "reports": list(REPORTS), "users": users}


def _some(chooser: random.Random, items: list[str], count: int) -> list[str]:
    return sorted(chooser.sample(items, min(count, len(items))))
