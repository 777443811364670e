"""Invitation links: an e-mailed link to set a password, which activates the account.

A link carries the account's id and a token made from its password hash: setting a password
(or renewing the unusable one) ends every link made before. The outbox keys an invitation
as `invite|<user id>|<token>`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

REPORT = "invitation"
RESET_REPORT = "password-reset"


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:welcome", kwargs={"uidb64": uid, "token": token})
    return f"{settings.ESP_BASE_URL.rstrip('/')}{path}"


def invitation_key(user, link: str) -> str:
    """The outbox key of the invitation `link` of `user` (once per token)."""
    token = link.rstrip("/").rsplit("/", 1)[-1]
    return f"invite|{user.pk}|{token}"


def key_user_and_token(key: str) -> tuple[str, str]:
    """The user id and token of an invitation's outbox key."""
    _, user_id, token = (key.split("|") + ["", ""])[:3]
    return user_id, token


def link_still_works(user, token: str) -> bool:
    return default_token_generator.check_token(user, token)


def reset_link(user) -> str:
    """The e-mailed link that sets a new password for the active account `user` (issue 17
    item 9): the same kind of token as an invitation's, on the reset page."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.ESP_BASE_URL.rstrip('/')}{path}"


def reset_key(user, now) -> str:
    """The outbox key of a reset e-mail: one per account and quarter of an hour, so asking
    again and again mails one link, not one per click."""
    return f"reset|{user.pk}|{now:%Y%m%d%H}{now.minute // 15}"
