"""Moved to esp.mailing.services.schedules (issue 13); this re-export keeps the callers of
other apps working until they import from there."""

from esp.mailing.services.schedules import (  # noqa: F401
    DEFAULT_SCHEDULES,
    LATE_AFTER,
    due_days,
    ensure_lists_and_schedules,
    plan_due,
    plan_schedule,
    send_moment,
)
