"""Two app servers and two workers on one PostgreSQL (issue 12 item 17; SPEC §17 "no lost
work"): what a company outgrowing one machine runs, started here as real processes.

Two `esp serve` on two ports and two `esp worker` share one ESP_DATABASE_URL (the test
database), one ESP_PROOF_DIR (the shared folder) and one ESP_SECRET_KEY; each has its own
ESP_VAR_DIR. One HTTP session goes to both servers, as a load balancer without sticky
sessions would send it. Mail goes to a real SMTP server on loopback (tests/smtp.py).

PostgreSQL only: SQLite's test database is in memory, and one SQLite file is not meant to be
shared between machines.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.db import connection

from esp.lib import clock
from esp.mailing.models import OutboxMessage, Schedule
from esp.mailing.services.lists import list_set
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.programs.calendars import calendar_for
from esp.progress.models import Fact, Proof
from esp.roster.services.staff import create_esp_manager
from tests.lib.test_backup import WORKTREE, database_url
from tests.reports.test_reports import CLASSES, ROSTER
from tests.smtp import free_port, running_smtp_server
from tests.web_support import PASSWORD, png

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two servers and two workers share a server database: runs in the PostgreSQL "
        "pass (scripts/with-postgres); SQLite's test database is in memory",
    ),
    pytest.mark.django_db(transaction=True),
]
MANAGER = "esp.manager@cxp.example"
DAILY = "daily_incompletions"
STARTUP_SECONDS = 40


class Processes:
    """The `esp` processes of the test, their output kept in files for a failure's message."""

    def __init__(self, folder: Path, environment: dict[str, str]) -> None:
        self.folder, self.environment = folder, environment
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        var_dir = self.folder / name
        var_dir.mkdir()
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(
            [sys.executable, "-m", "esp.cli", *args],
            env=self.environment | {"ESP_VAR_DIR": str(var_dir)},
            cwd=var_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log = log
        self.running.append((name, process))
        return process

    def output(self) -> str:
        return "\n".join(
            f"--- {name}:\n{(self.folder / f'{name}.log').read_text(errors='replace')[-3000:]}"
            for name, _ in self.running
        )

    def stop(self) -> None:
        for _, process in self.running:
            if process.poll() is None:
                process.terminate()
        for _, process in self.running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.log.close()


def wait_until_serving(base: str, processes: Processes) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/sign-in/", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    pytest.fail(f"{base} did not answer within {STARTUP_SECONDS} s\n{processes.output()}")


def csrf(session: requests.Session) -> str:
    return session.cookies["csrftoken"]


@pytest.fixture
def season(program, write, esp):
    """AET-A and AET-B imported, an ESP Manager, and only the daily incompletion report
    scheduled, due since midnight of the last business day (the workers use the real clock)."""
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    create_esp_manager(MANAGER, PASSWORD)
    calendar = calendar_for(program)
    day = clock.today(program.time_zone)
    while not calendar.is_business_day(day):
        day -= timedelta(days=1)
    ensure_lists_and_schedules(program, active_from=day)
    Schedule.objects.exclude(report=DAILY).update(is_active=False)
    Schedule.objects.filter(report=DAILY).update(active_from=day, send_time=clock_time(0, 0))
    list_set("esp_managers", [MANAGER], actor_label="test")
    return day


def test_it_runs_two_servers_and_two_workers_on_one_postgresql(season, tmp_path):
    """Issue 12 item 17, SPEC §17: a proof uploaded through one server downloads through the
    other (the shared proof folder); one chip changed from both servers with the same based_on
    → one 200 and one 409, nothing overwritten; the scheduled report sent once by two
    workers."""
    shared_proofs = tmp_path / "shared-proofs"
    ports = [free_port(), free_port()]
    while ports[1] == ports[0]:
        ports[1] = free_port()
    servers = [f"http://127.0.0.1:{port}" for port in ports]
    with ExitStack() as stack:
        smtp = stack.enter_context(running_smtp_server())
        environment = {k: v for k, v in os.environ.items() if not k.startswith("ESP_")} | {
            "ESP_DATABASE_URL": database_url(),
            "ESP_PROOF_DIR": str(shared_proofs),
            "ESP_SECRET_KEY": secrets.token_urlsafe(40),
            "ESP_WORKERS": "1",
            "ESP_SMTP_HOST": smtp.host,
            "ESP_SMTP_PORT": str(smtp.port),
            "PYTHONPATH": str(WORKTREE),
        }
        processes = Processes(tmp_path, environment)
        stack.callback(processes.stop)
        for number, port in enumerate(ports, 1):
            processes.start(f"server{number}", "serve", "--port", str(port))
        for number in (1, 2):
            processes.start(f"worker{number}", "worker", "--interval", "1")
        for base in servers:
            wait_until_serving(base, processes)

        # Signed in through the first server; the same session cookie works on the second.
        browser = requests.Session()
        browser.get(f"{servers[0]}/sign-in/", timeout=10)
        signed_in = browser.post(
            f"{servers[0]}/sign-in/",
            data={"username": MANAGER, "password": PASSWORD, "csrfmiddlewaretoken": csrf(browser)},
            allow_redirects=False,
            timeout=20,
        )
        assert signed_in.status_code == 302, signed_in.text[:2000]
        assert browser.get(f"{servers[1]}/", timeout=20).status_code == 200

        # A proof uploaded through one server, downloaded through the other.
        uploaded = browser.post(
            f"{servers[0]}/agents/E001/proofs/",
            data={"item": "carrier_cert", "csrfmiddlewaretoken": csrf(browser)},
            files={"file": ("13 checks.png", png(), "application/octet-stream")},
            allow_redirects=False,
            timeout=20,
        )
        assert uploaded.status_code == 302, uploaded.text[:2000]
        proof = Proof.objects.get(agent__employee_id="E001", item="carrier_cert")
        downloaded = browser.get(f"{servers[1]}/proofs/{proof.pk}/file", timeout=20)
        assert downloaded.status_code == 200, downloaded.text[:2000]
        assert downloaded.headers["Content-Disposition"].startswith("attachment;")
        assert hashlib.sha256(downloaded.content).hexdigest() == proof.sha256
        assert (shared_proofs / proof.stored_name).read_bytes() == downloaded.content

        # One chip changed from both servers at once, both based on what the board showed.
        url = "/api/v1/agents/E002/tasks/producer_world/"

        def cell(base: str) -> dict:
            cells = browser.get(f"{base}/api/v1/agents/E002/tasks/", timeout=20).json()
            return next(c for c in cells if c["task"] == "producer_world")

        assert cell(servers[1])["based_on"] == ""
        start, answers = threading.Barrier(2), {}

        def change(base: str, status: str) -> None:
            start.wait(timeout=20)
            answers[status] = requests.post(
                f"{base}{url}",
                json={"status": status, "note": f"through {base}", "based_on": ""},
                headers={"X-CSRFToken": csrf(browser), "Referer": f"{base}/"},
                cookies=browser.cookies,
                timeout=30,
            )

        both = [
            threading.Thread(target=change, args=(servers[0], "done")),
            threading.Thread(target=change, args=(servers[1], "in_progress")),
        ]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join(timeout=60)
        codes = sorted(answer.status_code for answer in answers.values())
        assert codes == [200, 409], {s: (a.status_code, a.text[:500]) for s, a in answers.items()}
        [winner] = [status for status, answer in answers.items() if answer.status_code == 200]
        [loser] = [answer for answer in answers.values() if answer.status_code == 409]
        assert (
            f"'{winner}'" in loser.json()["detail"]
            and "Nothing was saved" in loser.json()["detail"]
        )
        [fact] = Fact.objects.filter(agent__employee_id="E002", kind="task", item="producer_world")
        assert fact.value == winner
        for base in servers:
            assert cell(base)["status"] == winner and cell(base)["based_on"] == str(fact.pk)

        # The scheduled report: due, and sent once between the two workers.
        key = f"{DAILY}|esp_managers|{season.isoformat()}"
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and not any(m.key == key for m in smtp.messages):
            time.sleep(0.5)
        time.sleep(3)  # three more rounds of each worker: nothing sent again
        assert all(process.poll() is None for _, process in processes.running), processes.output()
        received = Counter(m.key for m in smtp.messages if m.key.startswith(f"{DAILY}|"))
        assert received == {key: 1}, processes.output()
        row = OutboxMessage.objects.get(key=key)
        assert (row.status, row.attempts) == (OutboxMessage.SENT, 1)
        rounds = [
            re.search(r"a round every", (tmp_path / f"worker{n}.log").read_text()) for n in (1, 2)
        ]
        assert all(rounds), processes.output()
