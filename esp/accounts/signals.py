"""API tokens end with the password that stood behind them (issue 12 item 8; SPEC §17); a
sign-in notes when the session started (issue 14).

Whenever a user is saved with a different password hash — the welcome page, the admin's
password form, `set_password` or `set_unusable_password` anywhere — or is deactivated, their
API tokens are deleted: a token must not outlive the password change or the account.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .middleware import REFRESHED_AT, SIGNED_IN_AT
from .selectors import stored_credentials
from .services import tokens_revoke

WATCHED = {"password", "is_active"}


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="esp_tokens_note_change")
def note_credential_change(sender, instance, update_fields=None, **kwargs):
    """Before the save: did the password hash change, or did the account become inactive?"""
    instance._esp_tokens_end = ""
    if instance.pk is None or (update_fields is not None and not WATCHED & set(update_fields)):
        return
    before = stored_credentials(sender, instance.pk)
    if before is None:
        return
    if before["password"] != instance.password:
        instance._esp_tokens_end = "password changed"
    elif before["is_active"] and not instance.is_active:
        instance._esp_tokens_end = "account deactivated"


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="esp_tokens_end")
def end_tokens(sender, instance, created=False, **kwargs):
    reason = getattr(instance, "_esp_tokens_end", "")
    instance._esp_tokens_end = ""
    if reason and not created:
        tokens_revoke(user=instance, reason=reason)


@receiver(user_logged_in, dispatch_uid="esp_session_signed_in_at")
def note_sign_in(sender, request, user, **kwargs):
    """The session's start, saved with the sign-in (esp.accounts.middleware: 12 hours in all),
    so the first page view after it writes nothing either (issue 14)."""
    if getattr(request, "session", None) is not None:
        request.session[SIGNED_IN_AT] = request.session[REFRESHED_AT] = time.time()
