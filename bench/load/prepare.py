"""The load test's database and plan (runs in the app's environment, after django.setup()).

The database is an `esp demo` one (esp.demo.load.load_demo: the default program, a season
dated relative to today imported through the real importers, a sign-in for every staff role
with one known password), at the number of agents asked. The plan is what the Locust users
need and cannot ask the app without guessing: for each staff account, its role, the classes
and agents it may open and the tasks it may set (esp.access.scopes / esp.access.writes, the
same tables the app enforces), so that every request of the load test is one the user may make.
"""

from __future__ import annotations

import math
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import connection

PASSWORD = "load-test-password"
MANAGER = ("manager@esp.example", PASSWORD)
ROLE_WEIGHTS = {"TL": 4, "PM": 2}  # Locust users per role: the roles with many people; others 1
PER_ROLE = 20  # accounts of a role with many (TLs, PMs) signed in by the Locust users
CLASSES_PER_USER = 10
AGENTS_PER_USER = 30


def prepare_database(agents: int, fresh: bool) -> str:
    """Load a demo season of `agents` agents unless the database already holds one (reuse;
    `fresh` empties it first). Returns a line saying which."""
    from django.core.management import call_command

    from esp.demo.load import load_demo
    from esp.programs.bootstrap import initialize
    from esp.progress.services.settled import settle_programs
    from esp.roster.models import Agent

    initialize()
    existing = Agent.objects.count()
    if existing and not fresh:
        settle_programs()  # what the worker's first round does after an upgrade (none runs here)
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
    for email, role, *_name in DEMO_STAFF:
        user = User.objects.filter(username=email).first()  # a season loaded by an older demo
        if user is not None:
            accounts.append((role, user))
    for role, lead_of in ((TL, "tl_classes"), (PM, "pm_classes")):
        leads = User.objects.filter(**{f"{lead_of}__isnull": False}).distinct().order_by("pk")
        accounts += [(role, user) for user in leads[:PER_ROLE]]
    return accounts


def build_plan(users: int, seed: int = 1) -> dict:
    """Every account's role, sessions, classes, agents and writable tasks, and the users per
    role (ROLE_WEIGHTS)."""
    from esp.access import scopes
    from esp.access.matrix import AGENT_VIEWERS
    from esp.access.writes import may_write
    from esp.progress.selectors import proof_tasks, task_keys
    from esp.reports.builders import REPORTS
    from esp.roster.selectors import program_for

    chooser = random.Random(seed)
    program = program_for()
    tasks = [key for key in task_keys(program) if key not in proof_tasks(program)]
    accounts = staff_accounts()
    per_role = Counter(role for role, _ in accounts)
    weights = {role: ROLE_WEIGHTS.get(role, 1) for role in per_role}
    entries = []
    for role, user in accounts:
        share = users * weights[role] / sum(weights.values()) / per_role[role]
        classes = list(scopes.visible_classes(user).values_list("code", flat=True))
        agents = []
        if role in AGENT_VIEWERS:
            agents = list(scopes.visible_agents(user).values_list("employee_id", flat=True))
        sample = scopes.visible_agents(user).first() if agents else None
        entries.append(
            {
                "role": role,
                "email": user.username,
                "sessions": signed_in_sessions(user, math.ceil(share) + 1),
                "classes": _some(chooser, classes, CLASSES_PER_USER),
                "agents": _some(chooser, agents, AGENTS_PER_USER),
                "tasks": [t for t in tasks if sample and may_write(user, "task", t, sample)],
            }
        )
    return {
        "database": connection.vendor,
        "reports": list(REPORTS),
        "weights": weights,
        "users": entries,
    }


def signed_in_sessions(user, count: int) -> list[str]:
    """`count` session keys of `user`, signed in as the sign-in page would sign them in
    (django.contrib.auth.login through the test client's force_login): the password hashing
    of the sign-in (PBKDF2, on purpose slow) is not what the load test measures."""
    from django.test import Client

    if not user.is_active:
        user.is_active = True
        user.save()
    keys = []
    for _ in range(count):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        keys.append(client.session.session_key)
    return keys


def _some(chooser: random.Random, items: list[str], count: int) -> list[str]:
    return sorted(chooser.sample(items, min(count, len(items))))
