"""Refusing to run a server with the public development secret key; `esp check`'s own check."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
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


@register(Tags.security, deploy=True)
def check_base_url(app_configs, **kwargs) -> list[Warning]:
    """The links in e-mails (invitations, self-report links) must use HTTPS like the app."""
    if not getattr(settings, "ESP_SECURE", False) or settings.ESP_BASE_URL.startswith("https://"):
        return []
    return [
        Warning(
            f"ESP_BASE_URL is {settings.ESP_BASE_URL}, but the app is served over HTTPS only "
            "(ESP_SECURE=1): the links in e-mails would use plain HTTP.",
            hint="Set ESP_BASE_URL to the https:// address people use, e.g. "
            "https://esp.example.com.",
            id="esp.W001",
        )
    ]
