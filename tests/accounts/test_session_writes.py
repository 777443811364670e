"""Issue 14 item 1: a page view writes nothing, so pages answer while an import holds SQLite's
write lock; the session's 30 idle minutes are renewed at most every 5 minutes (a session ends
25 to 30 minutes after its last request) and still end it (tests/progress/test_web_pages.py)."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.roster.services.staff import create_esp_manager

NOW = datetime(2026, 12, 2, 12, tzinfo=ZoneInfo("America/Chicago"))
PASSWORD = "pw-Long-enough-1"
WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN", "REPLACE")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@contextmanager
def an_import_holding_the_write_lock():
    """An import's long transaction on another connection (a thread of its own), held
    until the block ends."""
    holding, release = threading.Event(), threading.Event()

    def import_in_progress():
        try:
            with transaction.atomic():
                AuditEntry.objects.create(action="import_in_progress", object_id="x")
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    writer = threading.Thread(target=import_in_progress)
    writer.start()
    try:
        assert holding.wait(10)
        yield
    finally:
        release.set()
        writer.join()


@pytest.fixture
def signed_in(client, program, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    create_esp_manager("manager@cxp.example", PASSWORD)
    with time_machine.travel(NOW, tick=False) as clock:
        answer = client.post(
            reverse("accounts:sign_in"), {"username": "manager@cxp.example", "password": PASSWORD}
        )
        assert answer.status_code == 302
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("progress:classes")).status_code == 200
        assert writes(queries) == []  # the sign-in noted the session's start
        yield clock


def test_a_page_view_writes_nothing_and_the_expiry_is_renewed_every_5_minutes(client, signed_in):
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False
    assert django_settings.ESP_SESSION_REFRESH_SECONDS == 5 * 60
    for _ in range(4):
        signed_in.shift(timedelta(minutes=1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("progress:classes")).status_code == 200
        assert writes(queries) == []
    signed_in.shift(timedelta(minutes=1, seconds=1))  # 5 minutes since the last renewal
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("progress:classes")).status_code == 200
    assert [q for q in writes(queries) if "django_session" in q]  # renewed: 30 minutes from now
    signed_in.shift(timedelta(minutes=29))
    assert client.get(reverse("progress:classes")).status_code == 200
    signed_in.shift(timedelta(minutes=31))
    response = client.get(reverse("progress:classes"))
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/classes/"


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_while_another_connection_holds_the_write_lock(client, signed_in):
    """An import's long transaction on another connection (a thread of its own): the page
    view, which writes nothing, still answers."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    with an_import_holding_the_write_lock():
        signed_in.shift(timedelta(minutes=2))
        assert client.get(reverse("progress:classes")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_today_and_a_report_read_their_built_days_while_the_write_lock_is_held(client, signed_in):
    """Issue 14: reading the read model's built days takes no transaction (on SQLite every
    transaction takes the write lock): Today and a report page answer during an import."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    pages = (reverse("web:today"), reverse("reports:report", args=["incompletions"]))
    for page in pages:  # the day's reports are built on this first read
        assert client.get(page).status_code == 200
    with an_import_holding_the_write_lock():
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200
            assert writes(queries) == []
