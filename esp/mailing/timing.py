"""When an outbox message goes, in words for the outbox page (issue 17 item 10). Pure: the
message's fields and `now` in, a line out; times in the site's time zone, like 8:05 AM."""

from __future__ import annotations

from datetime import datetime

from django.utils.timezone import localtime

from esp.lib.display import clock_time, day_and_time

from .models import OutboxMessage
from .services.outbox import MAX_ATTEMPTS


def moment(at: datetime, *, now: datetime) -> str:
    """`today 6:00 PM`, `tomorrow 6:00 PM` or `12/04/2026 6:00 PM`."""
    local, today = localtime(at), localtime(now).date()
    if local.date() == today:
        return f"today {clock_time(local)}"
    if (local.date() - today).days == 1:
        return f"tomorrow {clock_time(local)}"
    return day_and_time(local)


def when_sent(message: OutboxMessage, *, now: datetime) -> str:
    """When `message` was or will be sent."""
    status = message.status
    if status == OutboxMessage.SENT:
        return f"Sent {moment(message.sent_at, now=now)}" if message.sent_at else "Sent"
    if status == OutboxMessage.PENDING:
        retry = (
            f" (try {message.attempts + 1} of {MAX_ATTEMPTS}, after an error)"
            if message.attempts
            else ""
        )
        if message.next_attempt_at <= now:
            return f"Due now: on the worker's next round{retry}"
        return f"Will be sent {moment(message.next_attempt_at, now=now)}{retry}"
    if status == OutboxMessage.SENDING:
        since = moment(message.claimed_at, now=now) if message.claimed_at else "now"
        return f"Being sent (since {since})"
    if status in (OutboxMessage.FAILED, OutboxMessage.UNCERTAIN):
        return "Waits for your decision"
    if status == OutboxMessage.WITHDRAWN:
        return "Never: withdrawn before it was sent"
    return "Never: no recipients" if status == OutboxMessage.NO_RECIPIENTS else "Never"
