"""Staff invitations: an e-mailed link to set a password, which activates the account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from esp import clock
from esp.mailing.messages import make_message
from esp.mailing.outbox import enqueue


def invitation_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:welcome", kwargs={"uidb64": uid, "token": token})
    return f"{settings.ESP_BASE_URL.rstrip('/')}{path}"


def invite(user, *, now=None):
    """Enqueue an invitation for `user` (once per token: a new one after a password change)."""
    now = now or clock.now()
    link = invitation_link(user)
    message = make_message("invitation", {"user": user, "link": link})
    token = link.rstrip("/").rsplit("/", 1)[-1]
    return enqueue(
        key=f"invite|{user.pk}|{token}",
        report="invitation",
        list_key="invitation",
        to=[user.email],
        message=message,
        now=now,
    )
