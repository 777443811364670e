"""The outbox page says when each message was or will be sent, lists the scheduled reports
coming up, and previews any message (issue 17 item 10)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import Attachment, Message, enqueue
from esp.mailing.services.schedules import ensure_lists_and_schedules

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=CHICAGO)  # a Wednesday, noon


@pytest.fixture(autouse=True)
def wednesday_noon():
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


@pytest.fixture
def manager(program):
    ensure_lists_and_schedules(program, active_from=NOW.date())
    user = get_user_model().objects.create_user("boss@cxp.example", "boss@cxp.example", "pw")
    user.groups.add(Group.objects.get(name="ESP Manager"))
    return user


def message(key: str, **fields) -> OutboxMessage:
    row = enqueue(
        key=key,
        report="daily_incompletions",
        list_key="esp_managers",
        to=["boss@cxp.example", "ops@cxp.example"],
        message=Message(
            subject="ESP daily incompletions — 12/02/2026",
            text="3 agents are late on AHIP / Aetna certification.\nSee the attachments.\n",
            attachments=(
                Attachment("incompletions-2026-12-02.csv", b"a,b\n" * 600, "text/csv"),
                Attachment("incompletions-2026-12-02.xlsx", b"PK...", "application/x"),
            ),
        ),
        now=NOW,
        business_day=NOW.date(),
    )
    OutboxMessage.objects.filter(pk=row.pk).update(**fields)
    return OutboxMessage.objects.get(pk=row.pk)


def outbox(client) -> str:
    response = client.get(reverse("mailing:outbox"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_says_when_each_message_was_or_will_be_sent(manager, client):
    message("due")
    message("retry", attempts=1, next_attempt_at=NOW + timedelta(minutes=5))
    message("sent", status=OutboxMessage.SENT, attempts=1, sent_at=NOW - timedelta(hours=1))
    message("tomorrow", next_attempt_at=NOW + timedelta(days=1, hours=-3))
    message("empty", status=OutboxMessage.EMPTY)
    client.force_login(manager)
    page = outbox(client)
    assert '<th scope="col">Sent or to be sent</th>' in page
    for when in (
        "<td>Due now: on the worker&#x27;s next round</td>",
        "<td>Will be sent today 12:05 PM (try 2 of 5, after an error)</td>",
        "<td>Sent today 11:00 AM</td>",
        "<td>Will be sent tomorrow 9:00 AM</td>",
        "<td>Never</td>",
    ):
        assert when in page, when


def test_it_lists_the_scheduled_reports_coming_up_on_business_days(manager, client, wednesday_noon):
    client.force_login(manager)
    page = outbox(client)
    assert "Scheduled reports coming up" in page
    daily = "<tr><td>Daily incompletion report</td><td>ESP Managers</td><td>today 6:00 PM</td></tr>"
    assert daily in page
    assert "<td>each TL, their own classes</td><td>today 5:00 PM</td>" in page
    assert "<td>Licensing</td><td>today 12:30 PM</td>" in page  # the pace check (R-I1b)
    wednesday_noon.move_to(datetime(2026, 12, 2, 13, 0, tzinfo=CHICAGO))
    client.force_login(manager)  # a new session: the idle one ended
    assert "<td>Licensing</td><td>tomorrow 12:30 PM</td>" in outbox(client)  # past for today
    wednesday_noon.move_to(datetime(2026, 12, 4, 19, 0, tzinfo=CHICAGO))  # Friday evening
    client.force_login(manager)
    page = outbox(client)
    assert "<td>ESP Managers</td><td>12/07/2026 6:00 PM</td>" in page  # Monday


def test_it_previews_a_message_with_its_recipients_text_and_attachments(manager, client):
    row = message("due")
    client.force_login(manager)
    assert f'href="{reverse("mailing:message", args=[row.pk])}"' in outbox(client)
    response = client.get(reverse("mailing:message", args=[row.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>ESP daily incompletions — 12/02/2026</h1>" in page
    assert "<td>boss@cxp.example, ops@cxp.example</td>" in page
    assert "<td>ESP Tracker &lt;esp-tracker@localhost&gt;</td>" in page
    assert "<td>Daily incompletion report</td>" in page
    assert "3 agents are late on AHIP / Aetna certification.\nSee the attachments." in page
    assert "<li>incompletions-2026-12-02.csv (2 KB)</li>" in page
    assert "<li>incompletions-2026-12-02.xlsx (1 KB)</li>" in page
    assert "Due now: on the worker&#x27;s next round" in page


def test_a_failed_message_can_be_sent_again_from_its_preview(manager, client):
    row = message("failed", status=OutboxMessage.FAILED, attempts=5, last_error="SMTP 451")
    client.force_login(manager)
    page = client.get(reverse("mailing:message", args=[row.pk])).content.decode()
    assert "<td>SMTP 451</td>" in page and "Waits for your decision" in page
    assert f'action="{reverse("mailing:decide", args=[row.pk])}"' in page


def test_only_the_esp_manager_previews_messages(manager, client):
    from esp.roster.roles import TL
    from tests.web_support import staff

    row = message("due")
    client.force_login(staff("tl.one@cxp.example", TL))
    assert client.get(reverse("mailing:message", args=[row.pk])).status_code == 404
    client.force_login(manager)
    assert client.get(reverse("mailing:message", args=[row.pk + 100])).status_code == 404
    client.logout()
    response = client.get(reverse("mailing:message", args=[row.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
