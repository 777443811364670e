"""The outbox: enqueue a message once per key, deliver each message at most once.

- `enqueue` inserts a message under its unique key; a second enqueue of the same key (another
  worker, a re-run) changes nothing.
- `deliver_one` claims a due message with a conditional UPDATE (pending → sending) and goes on
  only if that changed exactly one row, so two workers never both send it.
- A send that raised is retried with backoff; after the last try it is `failed`.
- A message left `sending` longer than `STALE_AFTER` (its worker died mid-send, perhaps after
  the server accepted it) becomes `uncertain`: shown to the ESP Manager, never resent blindly.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import date, datetime, timedelta
from email import charset as charsets
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.timezone import localtime

from esp.audit.services import audit_record
from esp.lib import clock

from ..messages import Attachment, Message
from ..models import DeliveryAttempt, OutboxAttachment, OutboxMessage

QUOTED_PRINTABLE_UTF8 = charsets.Charset("utf-8")
QUOTED_PRINTABLE_UTF8.body_encoding = charsets.QP

__all__ = ["Attachment", "Message"]  # re-exported: the outbox's callers build these

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1))
MAX_ATTEMPTS = len(BACKOFF) + 1
STALE_AFTER = timedelta(minutes=15)

# The logger keeps the name operators know (the module moved into services/, issue 13).
log = logging.getLogger("esp.mailing.outbox")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(
    *,
    key: str,
    report: str,
    list_key: str,
    to: list[str],
    message: Message,
    now: datetime,
    business_day: date | None = None,
    schedule=None,
    late: bool = False,
) -> OutboxMessage | None:
    """Insert the message under `key`; None when that key is already in the outbox."""
    if OutboxMessage.objects.filter(key=key).exists():
        return None
    status = OutboxMessage.PENDING if to else OutboxMessage.NO_RECIPIENTS
    try:
        with transaction.atomic():
            row = OutboxMessage.objects.create(
                key=key,
                report=report,
                list_key=list_key,
                business_day=business_day,
                schedule=schedule,
                late=late,
                to=sorted(set(to)),
                subject=message.subject,
                text=message.text,
                html=message.html,
                status=status,
                next_attempt_at=now,
            )
            OutboxAttachment.objects.bulk_create(
                [
                    OutboxAttachment(
                        message=row,
                        filename=a.filename,
                        content_type=a.content_type,
                        content=a.content,
                    )
                    for a in message.attachments
                ]
            )
    except IntegrityError:
        return None  # another worker enqueued the same key first
    return row


class _Email(EmailMultiAlternatives):
    """Text parts that are not plain ASCII go out quoted-printable, not as 8-bit lines."""

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        for part in message.walk():
            if (
                part.get_content_maintype() == "text"
                and part["Content-Transfer-Encoding"] == "8bit"
            ):
                text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                del part["Content-Transfer-Encoding"]
                part.set_payload(text, charset=QUOTED_PRINTABLE_UTF8)
        return message


def build_email(
    row: OutboxMessage, connection=None, *, now: datetime | None = None
) -> EmailMultiAlternatives:
    """The message as mail clients expect (issue 16 item 13): the Date with the program's
    offset, a Message-ID on the site's own domain, quoted-printable text."""
    sent_at = localtime(now or clock.now())
    email = _Email(
        subject=row.subject,
        body=row.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(row.to),
        connection=connection,
        headers={
            "X-ESP-Outbox-Key": row.key,
            "Date": format_datetime(sent_at),
            "Message-ID": make_msgid(
                domain=urlsplit(settings.ESP_BASE_URL).hostname or "localhost"
            ),
        },
    )
    if row.html:
        email.attach_alternative(row.html, "text/html")
    for attachment in row.attachments.all():
        content = bytes(attachment.content)
        if attachment.content_type.startswith("text/calendar"):
            # a calendar invitation is also an alternative body, as mail clients expect to
            # offer accept/decline and to apply updates and cancellations (RFC 6047)
            email.attach_alternative(content.decode("utf-8"), attachment.content_type)
        email.attach(attachment.filename, content, attachment.content_type)
    return email


def claim(row_id: int, *, now: datetime, worker: str) -> bool:
    """Pending → sending, only if still pending and due: True for exactly one claimant."""
    return (
        OutboxMessage.objects.filter(
            pk=row_id, status=OutboxMessage.PENDING, next_attempt_at__lte=now
        ).update(
            status=OutboxMessage.SENDING,
            claimed_at=now,
            claimed_by=worker,
            attempts=F("attempts") + 1,
        )
        == 1
    )


def deliver_one(row_id: int, *, now: datetime, worker: str | None = None) -> str | None:
    """Claim and send one message; returns its new status, or None if another took it."""
    worker = worker or worker_name()
    if not claim(row_id, now=now, worker=worker):
        return None
    row = OutboxMessage.objects.get(pk=row_id)
    try:
        sent = build_email(row, connection=get_connection(), now=now).send(fail_silently=False)
        if sent != 1:
            raise RuntimeError("the mail backend accepted no message")
    except Exception as exc:  # any failure to get the server's acceptance is retried
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            status, next_at = OutboxMessage.FAILED, row.next_attempt_at
        else:
            status, next_at = OutboxMessage.PENDING, now + BACKOFF[row.attempts - 1]
        OutboxMessage.objects.filter(pk=row.pk, status=OutboxMessage.SENDING).update(
            status=status, next_attempt_at=next_at, last_error=error
        )
        DeliveryAttempt.objects.create(
            message=row, at=now, worker=worker, outcome="error", error=error
        )
        what = (
            f"Sending outbox message {row.pk} ({row.report} to {row.list_key or ', '.join(row.to)}, "
            f"key {row.key}) failed on try {row.attempts} of {MAX_ATTEMPTS}"
        )
        if status == OutboxMessage.FAILED:
            log.error("%s; no more tries, it is marked failed: %s", what, error, exc_info=exc)
        else:
            log.warning(
                "%s; trying again at %s: %s", what, next_at.isoformat(), error, exc_info=exc
            )
        return status
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.SENT, sent_at=now, last_error=""
    )
    DeliveryAttempt.objects.create(message=row, at=now, worker=worker, outcome="sent")
    return OutboxMessage.SENT


def mark_stale_uncertain(*, now: datetime) -> int:
    """Messages left `sending` by a worker that died: their outcome is unknown."""
    stale = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.SENDING, claimed_at__lt=now - STALE_AFTER
        ).values_list("pk", "claimed_by")
    )
    count = 0
    for pk, claimed_by in stale:
        if OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.SENDING).update(
            status=OutboxMessage.UNCERTAIN,
            last_error="The worker stopped while sending: the server may or may not have "
            "accepted it. Check with a recipient, then send again or mark as sent.",
        ):
            DeliveryAttempt.objects.create(
                message_id=pk, at=now, worker=claimed_by, outcome="uncertain"
            )
            log.warning(
                "Outbox message %s was left sending by worker %s: marked uncertain, not resent",
                pk,
                claimed_by,
            )
            count += 1
    return count


def deliver_due(*, now: datetime, worker: str | None = None) -> dict[str, int]:
    """Send every due pending message once; returns counts by outcome."""
    mark_stale_uncertain(now=now)
    counts: dict[str, int] = {}
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.PENDING, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")
    for row_id in list(due.values_list("pk", flat=True)):
        status = deliver_one(row_id, now=now, worker=worker)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


@transaction.atomic
def resend(row: OutboxMessage, *, user, now: datetime) -> None:
    """The ESP Manager decided an uncertain or failed message should go (again)."""
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.PENDING, next_attempt_at=now, resolved_by=user, attempts=0
    )
    audit_record(
        actor=user,
        action="outbox_resend",
        obj=row,
        changes={"status": [row.status, OutboxMessage.PENDING]},
    )


@transaction.atomic
def mark_sent(row: OutboxMessage, *, user, now: datetime) -> None:
    """The ESP Manager confirmed an uncertain message did arrive."""
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.SENT, sent_at=row.claimed_at or now, resolved_by=user
    )
    audit_record(
        actor=user,
        action="outbox_arrived",
        obj=row,
        changes={"status": [row.status, OutboxMessage.SENT]},
    )


# -- a pending message replaced or withdrawn (issue 15 item 2) -----------------------------------


@transaction.atomic
def replace_pending(
    row: OutboxMessage, *, key: str, to: list[str], message: Message, send_at: datetime
) -> bool:
    """Put `message` in place of `row` while it is still pending and untried (a corrected
    workbook replaces the one waiting to go): True when replaced; False when a worker claimed
    it meanwhile (the caller then enqueues a new one). The conditional UPDATE locks the row, so
    a worker's claim waits for the new content."""
    replaced = OutboxMessage.objects.filter(
        pk=row.pk, status=OutboxMessage.PENDING, attempts=0
    ).update(
        key=key,
        to=sorted(set(to)),
        subject=message.subject,
        text=message.text,
        html=message.html,
        next_attempt_at=send_at,
    )
    if not replaced:
        return False
    row.attachments.all().delete()
    OutboxAttachment.objects.bulk_create(
        [
            OutboxAttachment(
                message_id=row.pk,
                filename=a.filename,
                content_type=a.content_type,
                content=a.content,
            )
            for a in message.attachments
        ]
    )
    audit_record(
        actor=None,
        actor_label="outbox",
        action="outbox_replaced",
        obj=row,
        changes={"key": [row.key, key]},
    )
    return True


@transaction.atomic
def withdraw(row: OutboxMessage, *, reason: str) -> bool:
    """A message that is no longer true and has not gone out (pending, or failed after its
    last try) is not sent (a failed-certification notice after a re-score that passes): True
    when withdrawn, False when it went out or is being sent."""
    unsent = (OutboxMessage.PENDING, OutboxMessage.FAILED)
    withdrawn = OutboxMessage.objects.filter(pk=row.pk, status__in=unsent).update(
        status=OutboxMessage.WITHDRAWN, last_error=reason
    )
    if withdrawn:
        audit_record(
            actor=None,
            actor_label="outbox",
            action="outbox_withdrawn",
            obj=row,
            changes={"status": [row.status, OutboxMessage.WITHDRAWN], "reason": reason},
        )
    return bool(withdrawn)
