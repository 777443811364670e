"""Locust users for ESP Tracker (issue 14 item 5): signed-in staff of every role, each making
one request every 3 to 7 seconds (about one every 5 s) from a mix of their Today, a class
board, an agent page, each report's first page, an API list and a task status write.

Started by bench/load/run.py, which prepares the database and the plan (ESP_LOAD_PLAN: the
accounts and what each may open) and reads the results (ESP_LOAD_RESULT). It runs only
against a loopback address. Measuring starts when every user has started (the ramp-up is not
in the figures) and lasts ESP_LOAD_SECONDS.

Runs in the bench environment (.venv-bench, requirements/bench.txt): it imports nothing of
the app.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import os
import random
import string
import time
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["ESP_LOAD_PLAN"], encoding="utf-8").read())
SECONDS = float(os.environ.get("ESP_LOAD_SECONDS", "60"))
RESULT = os.environ.get("ESP_LOAD_RESULT", "load-result.json")
STATUSES = ("not_started", "in_progress", "done", "failed", "not_applicable")
_sessions = {}  # role -> a cycle over its accounts' sessions
_measuring = {"started": None, "users": 0}


def _session_of(role: str) -> tuple[dict, str]:
    """The next (account, session key) of `role`: each session goes to one user while there
    are enough (the runner opens them for the users the weights give the role)."""
    if role not in _sessions:
        pairs = [(u, key) for u in PLAN["users"] if u["role"] == role for key in u["sessions"]]
        _sessions[role] = itertools.cycle(pairs)
    return next(_sessions[role])


def _loopback(host: str) -> bool:
    name = urlsplit(host).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@events.test_start.add_listener
def _refuse_other_hosts(environment, **_kwargs):
    if not _loopback(environment.host or ""):
        raise SystemExit(
            f"The load test runs against a loopback address only, not {environment.host}"
        )


def _started(environment) -> None:
    """When the last user has started: forget the ramp-up, measure for SECONDS, stop."""
    _measuring["users"] += 1
    if _measuring["users"] != environment.parsed_options.num_users:
        return
    environment.runner.stats.reset_all()
    _measuring["started"] = time.monotonic()
    print(f"All {_measuring['users']} users started; measuring for {SECONDS:.0f} s", flush=True)
    gevent.spawn_later(SECONDS, _stop, environment)


def _stop(environment) -> None:
    """The measured time is up: stop (requests in flight finish, within --stop-timeout, and
    count: they were made in the measured time)."""
    _measuring["seconds"] = time.monotonic() - _measuring["started"]
    environment.runner.quit()


@events.quitting.add_listener
def _write_result(environment, **_kwargs):
    started = _measuring["started"]
    stats = environment.runner.stats
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        percentiles = {f"p{p}": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)}
        rows.append(
            {"name": entry.name, "requests": entry.num_requests, "errors": entry.num_failures}
            | percentiles
        )
    errors = [
        {"name": e.name, "error": str(e.error), "count": e.occurrences}
        for e in stats.errors.values()
    ]
    result = {
        "measured_seconds": _measuring.get("seconds")
        or (time.monotonic() - started if started else 0.0),
        "all_started": started is not None,
        "rows": rows,
        "errors": errors,
    }
    with open(RESULT, "w", encoding="utf-8") as file:
        json.dump(result, file, indent=2)


def _get(client, path: str, name: str):
    """A page or API read; being sent to the sign-in page is an error (a lost session)."""
    with client.get(path, name=name, catch_response=True) as response:
        if "/sign-in/" in response.url:
            response.failure("signed out: sent to the sign-in page")
        return response


class Staff(HttpUser):
    """One person of `role`, signed in with its own session."""

    abstract = True
    role = ""
    wait_time = between(3, 7)

    def on_start(self):
        """Signed in: a session the runner opened for this account (Django's login, without
        the sign-in page's password hashing), and a CSRF token of its own for the write."""
        self.account, session = _session_of(self.role)
        self.csrf = "".join(random.choices(string.ascii_letters + string.digits, k=32))
        self.client.cookies.set("sessionid", session)
        self.client.cookies.set("csrftoken", self.csrf)
        _started(self.environment)

    @task(2)
    def today(self):
        _get(self.client, "/", f"Today ({self.role})")

    @task(2)
    def board(self):
        if self.account["classes"]:
            code = random.choice(self.account["classes"])
            _get(self.client, f"/classes/{code}/", "class board")

    @task(2)
    def agent(self):
        if self.account["agents"]:
            employee_id = random.choice(self.account["agents"])
            _get(self.client, f"/agents/{employee_id}/", "agent page")

    @task(2)
    def report(self):
        name = random.choice(PLAN["reports"])
        _get(self.client, f"/reports/{name}/", f"report {name}")

    @task(1)
    def api_list(self):
        if self.account["agents"] and random.random() < 0.5:
            _get(self.client, "/api/v1/agents/", "API agents list")
        else:
            _get(self.client, "/api/v1/classes/", "API classes list")

    @task(1)
    def write(self):
        """A task status set again through the API, `based_on` the version just read: the
        write the board and the agent page make, without changing what the season says."""
        if not (self.account["agents"] and self.account["tasks"]):
            return
        employee_id = random.choice(self.account["agents"])
        response = _get(
            self.client, f"/api/v1/agents/{employee_id}/tasks/", "API tasks (read before the write)"
        )
        if not response.ok:
            return
        cells = [c for c in response.json() if c["task"] in self.account["tasks"]]
        if not cells:
            return
        cell = random.choice(cells)
        status = cell["status"] if cell["status"] in STATUSES else "in_progress"
        self.client.post(
            f"/api/v1/agents/{employee_id}/tasks/{cell['task']}/",
            json={"status": status, "based_on": cell["based_on"], "note": ""},
            headers={"X-CSRFToken": self.csrf},
            name="status write (API)",
        )


def _user_classes() -> dict[str, type]:
    """One user class per role in the plan, e.g. `Tl`, `EspManager`."""
    classes = {}
    for role in sorted({u["role"] for u in PLAN["users"]}):
        name = "".join(part.capitalize() for part in role.split())
        attributes = {"role": role, "weight": PLAN["weights"][role], "__module__": __name__}
        classes[name] = type(name, (Staff,), attributes)
    return classes


globals().update(_user_classes())
