"""Sessions end after 30 idle minutes (SESSION_COOKIE_AGE) and after 12 hours in all.

The idle expiry is renewed by saving the session, which a request does at most every
ESP_SESSION_REFRESH_SECONDS rather than on every request (issue 14): a plain page view reads
the session and writes nothing, so it answers even while an import holds SQLite's write lock.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

SIGNED_IN_AT = "esp_signed_in_at"
REFRESHED_AT = "esp_refreshed_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            started = session.get(SIGNED_IN_AT)
            now = time.time()
            if started is None:
                session[SIGNED_IN_AT] = session[REFRESHED_AT] = now
            elif now - started > settings.ESP_SESSION_MAX_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            elif now - session.get(REFRESHED_AT, started) >= settings.ESP_SESSION_REFRESH_SECONDS:
                session[REFRESHED_AT] = now  # saved: the 30 idle minutes count from now
        return self.get_response(request)
