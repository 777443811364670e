"""The outbox: each key once, each message sent at most once, retried with backoff, failures and
unknown outcomes shown rather than repeated (R-N2, R-N3, SPEC §17 "no lost work").

Every delivery goes to a real SMTP server on loopback (tests/smtp.py).
"""

import email
import email.policy
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from esp.mailing.messages import make_message, table_attachments
from esp.mailing.models import DeliveryAttempt, OutboxMessage
from esp.mailing.runs import send_round
from esp.mailing.services.outbox import (
    BACKOFF,
    MAX_ATTEMPTS,
    STALE_AFTER,
    Attachment,
    Message,
    claim,
    deliver_due,
    enqueue,
    mark_sent,
    resend,
)
from tests.smtp import smtp_server  # noqa: F401  (the fixture)

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 2, 18, 5, tzinfo=CHICAGO)
KEY = "daily_incompletions|esp_managers|2026-12-02"
TO = ["esp.manager@cxp.example", "second.manager@cxp.example"]

pytestmark = pytest.mark.django_db


def message(subject: str = "ESP daily incompletions 12/02/2026") -> Message:
    return Message(
        subject=subject,
        text="Two lines.\n",
        html="<p>Two lines.</p>",
        attachments=(Attachment("lines.csv", b"employee_id\nE001\n", "text/csv"),),
    )


def put(key: str = KEY, to=TO, subject: str = "ESP daily incompletions 12/02/2026", now=NOW):
    return enqueue(
        key=key,
        report="daily_incompletions",
        list_key="esp_managers",
        to=list(to),
        message=message(subject),
        now=now,
        business_day=date(2026, 12, 2),
    )


def row(key: str = KEY) -> OutboxMessage:
    return OutboxMessage.objects.get(key=key)


def outcomes(key: str = KEY) -> list[tuple[str, datetime]]:
    return [
        (a.outcome, a.at)
        for a in DeliveryAttempt.objects.filter(message__key=key).order_by("at", "pk")
    ]


# -- enqueue and claim ------------------------------------------------------------------------


def test_it_enqueues_a_key_once():
    """R-N2: at most once per list and business day: the second enqueue changes nothing."""
    first = put()
    second = put(subject="another subject", to=["someone.else@cxp.example"])
    assert first is not None and second is None
    assert OutboxMessage.objects.count() == 1
    stored = row()
    assert stored.subject == "ESP daily incompletions 12/02/2026"
    assert stored.to == sorted(TO) and stored.status == OutboxMessage.PENDING
    assert [a.filename for a in stored.attachments.all()] == ["lines.csv"]


def test_it_claims_a_message_for_one_worker_only():
    """§17: the conditional claim (pending → sending) succeeds once."""
    put()
    pk = row().pk
    assert claim(pk, now=NOW, worker="worker-a") is True
    assert claim(pk, now=NOW, worker="worker-b") is False
    stored = row()
    assert stored.status == OutboxMessage.SENDING
    assert stored.claimed_by == "worker-a" and stored.attempts == 1 and stored.claimed_at == NOW


def test_it_does_not_claim_a_message_before_it_is_due():
    put()
    assert claim(row().pk, now=NOW - timedelta(seconds=1), worker="early") is False
    assert row().status == OutboxMessage.PENDING


def test_it_keeps_a_message_without_recipients_unsent(smtp_server):  # noqa: F811
    put(to=[])
    assert row().status == OutboxMessage.NO_RECIPIENTS
    assert deliver_due(now=NOW + timedelta(hours=1)) == {}
    assert smtp_server.messages == []


# -- delivery over SMTP ------------------------------------------------------------------------


def test_it_sends_headers_and_bodies_as_mail_clients_expect(smtp_server, settings):  # noqa: F811
    """Issue 16 item 13: a subject with an apostrophe and accents is not HTML-escaped, the Date
    carries the real offset, the Message-ID the site's domain, the text is quoted-printable
    and a CSV attachment starts with a byte-order mark (Excel reads it as UTF-8)."""
    settings.ESP_BASE_URL = "https://esp.cxp.example"
    agent = {"name": "Zoë O'Neil", "employee_id": "E001"}
    built = make_message("red-flag", {"agent": agent, "flag_label": "Cannot sell", "note": ""})
    assert built.subject == "Red flag: Zoë O'Neil (E001) — Cannot sell"
    assert "Zoë O'Neil" in built.text and "O&#x27;Neil" in built.html
    [csv_file, _] = table_attachments("lines", {"Lines": (["name"], [["Zoë O'Neil"]])})
    enqueue(
        key=KEY,
        report="daily_incompletions",
        list_key="esp_managers",
        to=TO,
        message=Message(built.subject, built.text, built.html, (csv_file,)),
        now=NOW,
        business_day=date(2026, 12, 2),
    )
    deliver_due(now=NOW)
    [received] = smtp_server.messages
    strict = email.message_from_bytes(received.raw, policy=email.policy.strict)
    assert strict["Subject"].strip() == "Red flag: Zoë O'Neil (E001) — Cannot sell"
    assert strict["Date"] == "Wed, 02 Dec 2026 18:05:00 -0600"
    assert strict["Message-ID"].endswith("@esp.cxp.example>")
    text = strict.get_body(("plain",))
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert "Zoë O'Neil" in text.get_content()
    [attachment] = strict.iter_attachments()
    assert attachment.get_payload(decode=True).startswith("\ufeffname".encode())
    assert b"\nZo\xc3\xab O'Neil" in attachment.get_payload(decode=True).replace(b"\r", b"")


def test_it_delivers_a_message_once_over_smtp(smtp_server, settings):  # noqa: F811
    put()
    assert deliver_due(now=NOW) == {OutboxMessage.SENT: 1}
    assert deliver_due(now=NOW + timedelta(hours=2)) == {}  # a later round: nothing again
    [received] = smtp_server.messages
    assert sorted(received.rcpt_tos) == sorted(TO)
    assert received.key == KEY
    assert received.message["Subject"] == "ESP daily incompletions 12/02/2026"
    assert received.message["From"] == settings.DEFAULT_FROM_EMAIL
    assert received.message.get_body(("html",)).get_content().strip() == "<p>Two lines.</p>"
    [attachment] = received.message.iter_attachments()
    assert attachment.get_filename() == "lines.csv"
    assert attachment.get_content().replace("\r\n", "\n") == "employee_id\nE001\n"
    stored = row()
    assert stored.status == OutboxMessage.SENT and stored.sent_at == NOW
    assert [o for o, _ in outcomes()] == ["sent"]


def test_it_retries_with_backoff_and_delivers_once_after_two_refusals(smtp_server):  # noqa: F811
    """§17: a failing server is retried with backoff; the attempts are recorded."""
    put()
    smtp_server.fail_next(2)

    assert send_round(now=NOW).retrying == 1
    first_retry = NOW + BACKOFF[0]
    stored = row()
    assert stored.status == OutboxMessage.PENDING and stored.attempts == 1
    assert stored.next_attempt_at == first_retry and "451" in stored.last_error

    # Before the backoff has passed, a round leaves it alone.
    assert deliver_due(now=first_retry - timedelta(seconds=1)) == {}
    assert row().attempts == 1

    assert deliver_due(now=first_retry) == {OutboxMessage.PENDING: 1}
    second_retry = first_retry + BACKOFF[1]
    assert row().next_attempt_at == second_retry and row().attempts == 2
    assert deliver_due(now=second_retry - timedelta(seconds=1)) == {}

    summary = send_round(now=second_retry)
    assert summary.sent == 1 and summary.retrying == 0 and summary.failed == 0
    assert deliver_due(now=second_retry + timedelta(hours=3)) == {}

    assert smtp_server.handler.refused == 2
    [received] = smtp_server.messages
    assert received.key == KEY
    stored = row()
    assert stored.status == OutboxMessage.SENT and stored.attempts == 3
    assert stored.sent_at == second_retry and stored.last_error == ""
    assert outcomes() == [("error", NOW), ("error", first_retry), ("sent", second_retry)]
    errors = DeliveryAttempt.objects.filter(message__key=KEY, outcome="error")
    assert all("451" in a.error and "try again later" in a.error for a in errors)


def test_it_fails_visibly_after_the_last_try(smtp_server):  # noqa: F811
    """§17: after MAX_ATTEMPTS refusals the message is `failed` with its last error."""
    put()
    smtp_server.fail_next(MAX_ATTEMPTS + 10)
    now, failed = NOW, 0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        summary = send_round(now=now)
        assert row().attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert summary.retrying == 1
            assert row().next_attempt_at == now + BACKOFF[attempt - 1]
            now = row().next_attempt_at
        else:
            failed = summary.failed
    assert failed == 1
    stored = row()
    assert stored.status == OutboxMessage.FAILED and stored.attempts == MAX_ATTEMPTS
    assert "451" in stored.last_error and "try again later" in stored.last_error
    # No more tries, however late the next rounds are.
    assert deliver_due(now=now + timedelta(days=2)) == {}
    assert smtp_server.handler.refused == MAX_ATTEMPTS
    assert smtp_server.messages == []
    assert [o for o, _ in outcomes()] == ["error"] * MAX_ATTEMPTS

    # The ESP Manager decides to send it again: it goes once the server accepts.
    smtp_server.fail_next(0)
    later = now + timedelta(days=2, minutes=1)
    resend(stored, user=None, now=later)
    assert row().status == OutboxMessage.PENDING and row().attempts == 0
    assert deliver_due(now=later) == {OutboxMessage.SENT: 1}
    assert [m.key for m in smtp_server.messages] == [KEY]


# -- unknown outcomes ----------------------------------------------------------------------------


def test_it_marks_a_stale_send_uncertain_and_does_not_resend_it(smtp_server):  # noqa: F811
    """§17: a worker died while sending (the server may have accepted): uncertain, not resent."""
    put()
    assert claim(row().pk, now=NOW, worker="dead-worker") is True  # …and then it died

    # Another worker's round soon after: the send may still be in progress, leave it.
    assert deliver_due(now=NOW + STALE_AFTER - timedelta(minutes=1)) == {}
    assert row().status == OutboxMessage.SENDING

    stale = NOW + STALE_AFTER + timedelta(minutes=1)
    assert send_round(now=stale).sent == 0
    stored = row()
    assert stored.status == OutboxMessage.UNCERTAIN and stored.last_error
    assert outcomes() == [("uncertain", stale)]
    assert DeliveryAttempt.objects.get(message__key=KEY).worker == "dead-worker"
    for hours in (1, 24, 72):
        assert send_round(now=stale + timedelta(hours=hours)).sent == 0
    assert row().status == OutboxMessage.UNCERTAIN
    assert smtp_server.messages == []

    # The ESP Manager checked with a recipient and sends it again.
    later = stale + timedelta(days=3, minutes=1)
    resend(stored, user=None, now=later)
    assert send_round(now=later).sent == 1
    assert [m.key for m in smtp_server.messages] == [KEY]
    assert row().status == OutboxMessage.SENT


def test_it_confirms_an_uncertain_send_without_sending_it(smtp_server):  # noqa: F811
    put()
    claim(row().pk, now=NOW, worker="dead-worker")
    stale = NOW + STALE_AFTER + timedelta(seconds=1)
    deliver_due(now=stale)
    assert row().status == OutboxMessage.UNCERTAIN
    mark_sent(row(), user=None, now=stale + timedelta(hours=1))
    stored = row()
    assert stored.status == OutboxMessage.SENT and stored.sent_at == NOW  # when it was claimed
    assert deliver_due(now=stale + timedelta(days=1)) == {}
    assert smtp_server.messages == []
