"""Refusing to run a server with the public development secret key; `esp check`'s own check."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_KEY_PROBLEM = (
    "ESP_SECRET_KEY is not set, so the secret key is the development key, which is public "
    "(it is in esp/settings.py): anyone could forge sessions and CSRF tokens."
)
DEVELOPMENT_KEY_FIX = (
    "Set ESP_SECRET_KEY to a long random string, e.g. the output of "
    "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` (the same for the web "
    "app and the worker), or ESP_DEBUG=1 on a development machine."
)


def uses_development_key() -> bool:
    return settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


def refuse_development_key() -> None:
    """Raise ImproperlyConfigured when serving with the development key and DEBUG off."""
    if uses_development_key() and not settings.DEBUG:
        raise ImproperlyConfigured(
            f"Refusing to start: {DEVELOPMENT_KEY_PROBLEM} {DEVELOPMENT_KEY_FIX}"
        )


def random_key() -> str:
    return secrets.token_urlsafe(50)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    if not uses_development_key():
        return []
    return [Error(DEVELOPMENT_KEY_PROBLEM, hint=DEVELOPMENT_KEY_FIX, id="esp.E001")]
