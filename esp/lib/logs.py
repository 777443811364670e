"""Logging helpers (settings.LOGGING): who and where, on every request error."""

from __future__ import annotations

import logging


class RequestContextFilter(logging.Filter):
    """Add the request's path and the signed-in user's id to django.request records.

    Django logs a 500 as "Internal Server Error: /path" with the traceback; the user is not
    named. This adds `path` and `user_id` attributes and ends the message with both, so the
    log line alone says which page failed for whom ("user -" when nobody was signed in).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is None or hasattr(record, "user_id"):
            return True
        try:
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
        except Exception:  # the session could not be read (e.g. the database is down)
            user_id = None
        record.path = request.path  # without the query string, which may hold names
        record.user_id = user_id
        record.msg = (
            f"{record.getMessage()} [{request.method} {record.path}, user {user_id or '-'}]"
        )
        record.args = ()
        return True
