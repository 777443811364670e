"""Production settings, security headers and error logs (issue 12 items 12 and 13, SPEC §17).

`esp check` and the refusal of the development key run in a subprocess, with the environment
a production server would have; the headers and the logs are checked in-process.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

import esp
from esp.access import scopes
from tests.smtp import smtp_server  # noqa: F401  (the fixture)
from tests.web_support import staff

ROOT = Path(esp.__file__).resolve().parents[1]
PRODUCTION = {
    "ESP_SECURE": "1",
    "ESP_SECRET_KEY": "a-production-key-" + "x7Qp2Lm9" * 6,
    "ESP_ALLOWED_HOSTS": "esp.example.com",
    "ESP_BASE_URL": "https://esp.example.com",
}


def run(args: list[str], tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    """Run Python with only the ESP_* variables given (a fresh SQLite under tmp_path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESP_")}
    env.update(PYTHONPATH=str(ROOT), ESP_VAR_DIR=str(tmp_path / "var"), **environment)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


# -- item 12: production settings -------------------------------------------------------------


def test_it_passes_esp_check_with_the_documented_production_settings(tmp_path):
    """issue 12 item 12, SPEC §17: `esp check` (Django's check --deploy and ESP's own) prints
    no warning with ESP_SECURE=1, a secret key and the allowed hosts set (README)."""
    done = run(["-m", "esp.cli", "check"], tmp_path, **PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    assert done.stderr == ""


def test_it_fails_esp_check_naming_each_missing_production_setting(tmp_path):
    """issue 12 item 12: without them, `esp check` exits 1 and names each problem."""
    done = run(["-m", "esp.cli", "check"], tmp_path)
    assert done.returncode == 1
    for problem in ("esp.E001", "ESP_SECRET_KEY is not set", "W004", "W008", "W012", "W016"):
        assert problem in done.stderr


def test_it_fails_esp_check_when_e_mail_links_would_use_plain_http(tmp_path):
    """issue 12 item 12: with ESP_SECURE=1, an http:// ESP_BASE_URL (the links in invitations
    and self-report e-mails) is a warning."""
    done = run(
        ["-m", "esp.cli", "check"],
        tmp_path,
        **{**PRODUCTION, "ESP_BASE_URL": "http://esp.example.com"},
    )
    assert done.returncode == 1
    assert "(esp.W001) ESP_BASE_URL is http://esp.example.com" in done.stderr


def test_it_turns_on_https_only_settings_with_esp_secure(tmp_path):
    """issue 12 item 12: ESP_SECURE=1 means secure cookies, HSTS, the HTTPS redirect and the
    proxy's X-Forwarded-Proto header; without it none of them (the demo runs over HTTP)."""
    show = (
        "import esp.settings as s; print(s.SESSION_COOKIE_SECURE if hasattr(s, "
        "'SESSION_COOKIE_SECURE') else False, getattr(s, 'CSRF_COOKIE_SECURE', False), "
        "getattr(s, 'SECURE_SSL_REDIRECT', False), getattr(s, 'SECURE_HSTS_SECONDS', 0), "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    secure = run(["-c", show], tmp_path, **PRODUCTION)
    assert secure.stdout.split(None, 4) == [
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ], secure.stderr
    plain = run(["-c", show], tmp_path)
    assert plain.stdout.split() == ["False", "False", "False", "0", "None"], plain.stderr


def test_it_refuses_to_start_the_web_app_with_the_development_key(tmp_path):
    """issue 12 item 12: the WSGI application (gunicorn, `esp serve`) does not start with the
    public development key while DEBUG is off; it does with a key, or with ESP_DEBUG=1."""
    refused = run(["-c", "import esp.wsgi"], tmp_path)
    assert refused.returncode != 0
    assert "Refusing to start: ESP_SECRET_KEY is not set" in refused.stderr
    assert run(["-c", "import esp.wsgi"], tmp_path, **PRODUCTION).returncode == 0
    debug = run(["-c", "import esp.wsgi"], tmp_path, ESP_DEBUG="1")
    assert debug.returncode == 0, debug.stderr


def test_it_refuses_esp_serve_with_the_development_key(esp, settings):
    """issue 12 item 12: `esp serve` says why in plain words and exits 2 without serving."""
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.DEBUG = False
    code, out, err = esp("serve", "--port", "1")
    assert code == 2
    assert err.startswith("esp: Refusing to start: ESP_SECRET_KEY is not set")
    assert "ESP_DEBUG=1" in err


def csp_nonce(response) -> str:
    policy = response["Content-Security-Policy"]
    [nonce] = set(re.findall(r"'nonce-([^']+)'", policy))
    return nonce


@pytest.mark.django_db
def test_it_sends_a_nonce_csp_and_no_store_on_every_page(client, program):
    """issue 12 item 12, SPEC §17: every page carries a Content-Security-Policy allowing only
    this server's scripts and styles and those with the request's nonce (no 'unsafe-inline'),
    and `Cache-Control: no-store`: the pages show agents' personal data."""
    manager = staff("esp.manager@cxp.example", scopes.ESP_MANAGER)
    sign_in = client.get(reverse("accounts:sign_in"))
    client.force_login(manager)
    pages = [sign_in] + [
        client.get(reverse(name)) for name in ("web:today", "progress:classes", "reports:index")
    ]
    nonces = set()
    for page in pages:
        assert page.status_code == 200
        policy = page["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        nonce = csp_nonce(page)
        html = page.content.decode()
        assert f'<style nonce="{nonce}">' in html
        assert f'nonce="{nonce}"' in html.split("</head>")[0].split("<script", 1)[1]
        assert not re.search(r"<(script|style)(?![^>]*nonce=)(?![^>]*src=)[^>]*>", html)
        assert " style=" not in html
        nonces.add(nonce)
        assert "no-store" in page["Cache-Control"]
    assert len(nonces) == len(pages)  # a fresh nonce per response
    api = client.get("/api/v1/classes/")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]


# -- item 13: errors are logged -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_logs_a_500_with_its_traceback_path_and_user_id(program, monkeypatch, caplog):
    """issue 12 item 13, SPEC §17: a page that fails answers 500 and leaves the traceback in
    the log, with the request's path and the signed-in user's id."""
    manager = staff("esp.manager@cxp.example", scopes.ESP_MANAGER)
    client = Client(raise_request_exception=False)
    client.force_login(manager)

    def broken(*args, **kwargs):
        raise RuntimeError("the classes could not be read")

    monkeypatch.setattr("esp.progress.views.scopes.visible_classes", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("progress:classes") + "?site=ATL")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.ERROR
    assert record.path == "/classes/" and record.user_id == manager.pk
    assert record.getMessage() == (
        f"Internal Server Error: /classes/ [GET /classes/, user {manager.pk}]"
    )
    assert record.exc_info and record.exc_info[0] is RuntimeError
    formatted = logging.Formatter().format(record)
    assert "Traceback (most recent call last)" in formatted
    assert "RuntimeError: the classes could not be read" in formatted


def test_it_writes_a_500s_traceback_to_standard_error(tmp_path):
    """issue 12 item 13: with the settings' LOGGING (as under gunicorn), the 500 goes to
    standard error, traceback, path and user (none signed in: "user -") included."""
    script = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "esp.settings"
django.setup()
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
def broken(*a, **k):
    raise RuntimeError("boom in the view")
from esp.accounts import views as accounts
accounts.SignInView.get = lambda self, request, *a, **k: broken()
request = RequestFactory().get("/sign-in/", HTTP_HOST="esp.example.com")
response = WSGIHandler().get_response(request)
print(response.status_code)
"""
    done = run(["-c", script], tmp_path, **{**PRODUCTION, "ESP_SECURE": "0"})
    assert done.stdout.strip() == "500", done.stderr
    assert "ERROR django.request: Internal Server Error: /sign-in/ [GET /sign-in/, user -]" in (
        done.stderr
    )
    assert "Traceback (most recent call last)" in done.stderr
    assert "RuntimeError: boom in the view" in done.stderr


@pytest.mark.django_db
def test_it_logs_each_failed_send_and_the_last_one_as_an_error(smtp_server, caplog):  # noqa: F811
    """issue 12 item 13, R-N2: the worker logs each refused send (a warning while it will try
    again, an error when it gives up), naming the message, the list and the server's answer."""
    from esp.mailing.services.outbox import BACKOFF, MAX_ATTEMPTS, Message, deliver_due, enqueue

    now = datetime(2026, 12, 2, 18, 5, tzinfo=ZoneInfo("America/Chicago"))
    row = enqueue(
        key="daily_incompletions|esp_managers|2026-12-02",
        report="daily_incompletions",
        list_key="esp_managers",
        to=["esp.manager@cxp.example"],
        message=Message(subject="ESP daily incompletions 12/02/2026", text="Two lines.\n"),
        now=now,
        business_day=date(2026, 12, 2),
    )
    smtp_server.fail_next(MAX_ATTEMPTS)
    with caplog.at_level(logging.INFO, logger="esp.mailing.outbox"):
        for attempt in range(MAX_ATTEMPTS):
            deliver_due(now=now)
            if attempt < len(BACKOFF):
                now += BACKOFF[attempt]
    records = [r for r in caplog.records if r.name == "esp.mailing.outbox"]
    assert [r.levelname for r in records] == ["WARNING"] * (MAX_ATTEMPTS - 1) + ["ERROR"]
    first, last = records[0].getMessage(), records[-1].getMessage()
    assert first.startswith(
        f"Sending outbox message {row.pk} (daily_incompletions to esp_managers, "
        "key daily_incompletions|esp_managers|2026-12-02) failed on try 1 of 5; trying again at"
    )
    assert "451" in first and records[0].exc_info
    assert "failed on try 5 of 5; no more tries, it is marked failed" in last


def test_it_logs_a_failed_worker_round_with_its_traceback(monkeypatch, caplog):
    """issue 12 item 13: a round that fails (the database is away) is logged with its
    traceback, and the worker goes on."""
    from esp.mailing import runs

    def broken(**kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(runs, "send_round", broken)
    with caplog.at_level(logging.ERROR, logger="esp.mailing.runs"):
        runs.run_worker(once=True)
    [record] = [r for r in caplog.records if r.name == "esp.mailing.runs"]
    assert record.levelno == logging.ERROR and record.getMessage().startswith(
        "The worker's round of "
    )
    assert record.exc_info[0] is RuntimeError
