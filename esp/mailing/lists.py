"""Moved to esp.mailing.services.lists and esp.mailing.selectors (issue 13); this re-export
keeps the callers of other apps working until they import from there."""

from esp.mailing.selectors import lists_show  # noqa: F401
from esp.mailing.services.lists import ListError, list_set  # noqa: F401
