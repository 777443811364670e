"""Staff invitations: an e-mailed link to set a password, which activates the account.

A pending invitation (its link still sets a password: the account is inactive and the link's
token still checks) can be cancelled by the ESP Manager (issue 12 item 8): the account's
unusable password is renewed, which ends every link made for it, and an invitation e-mail
not yet sent is taken out of the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from esp.audit.services import audit_record
from esp.lib import clock
from esp.mailing.messages import make_message
from esp.mailing.models import OutboxMessage
from esp.mailing.outbox import enqueue

REPORT = "invitation"


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
        report=REPORT,
        list_key="invitation",
        to=[user.email],
        message=message,
        now=now,
    )


@dataclass(frozen=True)
class PendingInvitation:
    user: object
    sent_at: datetime | None  # None: still in the outbox
    created_at: datetime
    message: OutboxMessage


def _user_and_token(key: str) -> tuple[str, str]:
    _, user_id, token = (key.split("|") + ["", ""])[:3]
    return user_id, token


def pending_invitations() -> list[PendingInvitation]:
    """The invitations whose link still sets a password, newest first: one per account."""
    rows = list(OutboxMessage.objects.filter(report=REPORT).order_by("-created_at", "-pk"))
    ids = {_user_and_token(row.key)[0] for row in rows}
    users = {
        str(u.pk): u
        for u in get_user_model()
        .objects.filter(pk__in=[i for i in ids if i.isdigit()], is_active=False)
        .prefetch_related("groups")
    }
    pending, seen = [], set()
    for row in rows:
        user_id, token = _user_and_token(row.key)
        user = users.get(user_id)
        if user is None or user_id in seen or not default_token_generator.check_token(user, token):
            continue
        seen.add(user_id)
        pending.append(PendingInvitation(user, row.sent_at, row.created_at, row))
    return pending


class NoPendingInvitation(Exception):
    pass


class AlreadyHasAccount(Exception):
    pass


@transaction.atomic
def staff_invite(*, email: str, first_name: str, last_name: str, roles: list[str], actor):
    """Invite a person to ESP Tracker in `roles`: an inactive account (no password) and an
    e-mailed link to set one (the same path as a class import naming a new TL or PM).
    Refused, in plain words, for an address that already has an active account."""
    from esp.roster.staff import ensure_staff

    email = email.strip().lower()
    existing = get_user_model().objects.filter(email__iexact=email).first()
    if existing is not None and existing.is_active:
        raise AlreadyHasAccount(
            f"{existing.get_full_name() or email} already has an account: change their roles "
            "in the admin (Users) instead."
        )
    if not roles:
        raise ValueError("Choose at least one role.")
    user = None
    for role in roles:
        user = ensure_staff(email, role)
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    if existing is not None:  # invited before: a new link (the old one still works until used)
        invite(user)
    audit_record(
        actor=actor,
        action="invitation_sent",
        obj=user,
        changes={"email": email, "roles": sorted(roles)},
    )
    return user


@transaction.atomic
def invitation_cancel(*, user_id: int, actor) -> object:
    """End the pending invitation of account `user_id`: its links no longer set a password
    and the account stays inactive, so nobody can sign in with it. Returns the account."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    pending = {p.user.pk: p for p in pending_invitations()}
    if user is None or user.pk not in pending:
        who = (user.get_full_name() or user.email) if user else "This account"
        raise NoPendingInvitation(
            f"{who} has no pending invitation to cancel: it was already used, cancelled or "
            "has expired."
        )
    user.set_unusable_password()  # a new hash: every invitation token made for it fails
    user.is_active = False
    user.save(update_fields=["password", "is_active"])
    unsent = OutboxMessage.objects.filter(
        report=REPORT, key__startswith=f"invite|{user.pk}|", status=OutboxMessage.PENDING
    )
    withdrawn = list(unsent.values_list("pk", flat=True))
    unsent.delete()
    audit_record(
        actor=actor,
        action="invitation_cancelled",
        obj=user,
        changes={"email": user.email, "unsent_messages_withdrawn": len(withdrawn)},
    )
    return user
