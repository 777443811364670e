"""The ESP Manager's Today: the report sends to decide (R-N2) and the gap reports sent for the
day (R-N7), each read built and compiled once (issue 14): the oldest failed or uncertain
sends first, with their status in words, counted whole when more than the page shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from esp.mailing.models import OutboxMessage
from esp.roster.roles import ESP_MANAGER
from esp.upkeep.models import GapReport
from esp.web import manager_selectors
from tests.web_support import staff

MONDAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 19, tzinfo=UTC)  # 1 PM in Chicago


def _message(n: int, status: str) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        key=f"incompletions|tls|{n}",
        report="incompletions",
        list_key="tls",
        subject=f"Incompletions {n}",
        text="...",
        status=status,
        next_attempt_at=NOW,
    )
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=NOW + timedelta(minutes=n))
    return message


@pytest.fixture
def sends():
    statuses = [OutboxMessage.UNCERTAIN, OutboxMessage.SENT, OutboxMessage.FAILED]
    statuses += [OutboxMessage.FAILED] * 3
    return [_message(n, status) for n, status in enumerate(statuses)]


@pytest.mark.django_db
@pytest.mark.parametrize("first", [None, 2, 5, 20])
def test_it_lists_the_failed_and_uncertain_sends_oldest_first(sends, first):
    listed, total = manager_selectors.sends_to_decide(first)
    expected = [m for m in sends if m.status != OutboxMessage.SENT]
    assert total == len(expected) == 5
    assert (
        listed
        == [{"status_display": m.get_status_display(), "subject": m.subject} for m in expected][
            :first
        ]
    )


@pytest.mark.django_db
def test_it_counts_the_gap_reports_of_the_day():
    User = get_user_model()
    for n, day in enumerate([MONDAY, MONDAY, MONDAY - timedelta(days=3)]):
        person = User.objects.create(username=f"tl.{n}@cxp.example")
        GapReport.objects.create(person=person, day=day, gaps=1, sent_at=NOW)
    assert manager_selectors.gap_reports_sent(MONDAY) == 2
    assert manager_selectors.gap_reports_sent(MONDAY - timedelta(days=3)) == 1
    assert manager_selectors.gap_reports_sent(MONDAY + timedelta(days=1)) == 0


@pytest.mark.django_db
def test_the_manager_sees_the_sends_to_decide_on_today(client, program, sends):
    client.force_login(staff("esp.manager@cxp.example", ESP_MANAGER))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("web:today"), {"as_of": MONDAY.isoformat()})
    html = page.content.decode()
    assert "Report sends that need you (5)" in html
    assert "uncertain: the worker stopped while sending: Incompletions 0" in html
    assert "failed after the last try: Incompletions 2" in html
    assert "Incompletions 1" not in html  # sent
