"""API tokens that end (issue 12 item 8; SPEC §17): a token older than `ESP_API_TOKEN_DAYS`
(default 90) is refused with 401, like an unknown one. Tokens are also deleted when their
user's password changes or the account is deactivated (esp/accounts/signals.py)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from esp.lib import clock

DEFAULT_TOKEN_DAYS = 90


def token_days() -> int:
    """How many days an API token works: settings.ESP_API_TOKEN_DAYS, else 90."""
    return int(getattr(settings, "ESP_API_TOKEN_DAYS", None) or DEFAULT_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token created more than `token_days()` ago."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        days = token_days()
        if token.created + timedelta(days=days) <= clock.now():
            raise AuthenticationFailed(
                f"This API token expired: tokens work for {days} days after they are created "
                f"(this one was created on {token.created:%m/%d/%Y}). Ask for a new token."
            )
        return user, token
