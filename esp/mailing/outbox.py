"""Moved to esp.mailing.services.outbox (issue 13); this re-export keeps the callers of other
apps working until they import from there."""

from esp.mailing.services.outbox import (  # noqa: F401
    BACKOFF,
    MAX_ATTEMPTS,
    STALE_AFTER,
    Attachment,
    Message,
    build_email,
    claim,
    deliver_due,
    deliver_one,
    enqueue,
    mark_sent,
    mark_stale_uncertain,
    resend,
    worker_name,
)
