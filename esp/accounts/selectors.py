"""The reads of accounts: pending invitations, the account behind a link, a user's
credentials as stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils.http import urlsafe_base64_decode

from esp.mailing.models import OutboxMessage
from esp.roster.models import Agent

from .links import REPORT, key_user_and_token, link_still_works


@dataclass(frozen=True)
class PendingInvitation:
    user: object
    sent_at: datetime | None  # None: still in the outbox
    created_at: datetime
    message: OutboxMessage


def pending_invitations() -> list[PendingInvitation]:
    """The invitations whose link still sets a password, newest first: one per account."""
    rows = list(OutboxMessage.objects.filter(report=REPORT).order_by("-created_at", "-pk"))
    ids = {key_user_and_token(row.key)[0] for row in rows}
    users = {
        str(u.pk): u
        for u in get_user_model()
        .objects.filter(pk__in=[i for i in ids if i.isdigit()], is_active=False)
        .prefetch_related("groups")
    }
    pending, seen = [], set()
    for row in rows:
        user_id, token = key_user_and_token(row.key)
        user = users.get(user_id)
        if user is None or user_id in seen or not link_still_works(user, token):
            continue
        seen.add(user_id)
        pending.append(PendingInvitation(user, row.sent_at, row.created_at, row))
    return pending


def user_with_email(email: str):
    """The account of `email` (any case), or None."""
    return get_user_model().objects.filter(email__iexact=email).first()


def user_of_link(uidb64: str):
    """The account an invitation link names (active or not), or None."""
    User = get_user_model()
    try:
        uid = urlsafe_base64_decode(uidb64).decode()
        return User._default_manager.get(pk=uid)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None


def active_user_of_link(uidb64: str):
    """The active account a password-reset link names, or None (an invitation's account is
    inactive: its own link sets its first password)."""
    user = user_of_link(uidb64)
    return user if user is not None and user.is_active else None


def sign_in_locked_until(username: str, ip_address: str | None, *, cool_off: timedelta):
    """When the sign-in lock of `username` from `ip_address` ends (django-axes keeps the
    failures): `cool_off` after the last failure, or None when nothing is recorded."""
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        .aggregate(last=Max("attempt_time"))
        .get("last")
    )
    return last + cool_off if last else None


def stored_credentials(model, pk) -> dict | None:
    """The password hash and active flag of account `pk` as stored (before a save)."""
    return model._default_manager.filter(pk=pk).values("password", "is_active").first()


def has_active_manager() -> bool:
    """Whether an active superuser (the first ESP Manager) exists."""
    return get_user_model().objects.filter(is_superuser=True, is_active=True).exists()


def account_by_email(email: str):
    """The account with this e-mail (case-insensitive), or None."""
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


def agent_named(text: str):
    """The agent whose employee ID, work or personal e-mail is `text` (any case), or None."""
    text = text.strip()
    if not text:
        return None
    return (
        Agent.objects.select_related("user", "training_class__program")
        .filter(Q(employee_id=text) | Q(work_email__iexact=text) | Q(personal_email__iexact=text))
        .order_by("employee_id")
        .first()
    )
