"""Temporary old path (issue 13): the immediate notifications live in
esp.progress.notifications now (progress is above mailing and uses its outbox). Remove this
file once tests/mailing/test_notifications.py imports from there."""

from esp.progress.notifications import notify_after_facts, notify_termination_review

__all__ = ["notify_after_facts", "notify_termination_review"]
