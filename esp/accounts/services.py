"""The writes of accounts: invitations and API tokens, each audited.

Invitations (issue 12 item 8): a pending invitation (its link still sets a password: the
account is inactive and the link's token still checks) can be cancelled by the ESP Manager:
the account's unusable password is renewed, which ends every link made for it, and an
invitation e-mail not yet sent is taken out of the outbox.

API tokens (SPEC §17): issued to one account, ended on a password change or a deactivation
(esp/accounts/signals.py), refused after ESP_API_TOKEN_DAYS (esp/api/authentication.py).
"""

from __future__ import annotations

from datetime import datetime

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from rest_framework.authtoken.models import Token

from esp.access.writes import require_write
from esp.audit.services import HIDDEN, audit_record
from esp.lib import clock
from esp.mailing.messages import make_message
from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import enqueue
from esp.roster.models import Agent
from esp.roster.roles import AGENT
from esp.roster.services.staff import ensure_staff

from .links import REPORT, RESET_REPORT, invitation_key, invitation_link, reset_key, reset_link
from .selectors import pending_invitations, user_with_email


def link_days() -> int:
    """How many days an e-mailed link (invitation, password reset) works."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


class NoPendingInvitation(Exception):
    pass


class AlreadyHasAccount(Exception):
    pass


def invite(user, *, now: datetime | None = None, for_agent: bool = False):
    """Enqueue an invitation for `user` (once per token: a new one after a password change).
    `now` defaults to the clock only for callers that do not pass it yet; `for_agent` words
    it for an agent (issue 15 item 6)."""
    now = now or clock.now()
    link = invitation_link(user)
    message = make_message("invitation", {"user": user, "link": link, "for_agent": for_agent})
    return enqueue(
        key=invitation_key(user, link),
        report=REPORT,
        list_key="invitation",
        to=[user.email],
        message=message,
        now=now,
    )


def _refuse_an_active_account(email: str):
    """The account of `email`, if any; refused when it is active already."""
    existing = user_with_email(email)
    if existing is not None and existing.is_active:
        raise AlreadyHasAccount(
            f"{existing.get_full_name() or email} already has an account: change their roles "
            "in the admin (Users) instead."
        )
    return existing


@transaction.atomic
def staff_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    roles: list[str],
    actor,
    now: datetime | None = None,
):
    """Invite a person to ESP Tracker in `roles`: an inactive account (no password) and an
    e-mailed link to set one (the same path as a class import naming a new TL or PM).
    Refused, in plain words, for an address that already has an active account."""
    email = email.strip().lower()
    existing = _refuse_an_active_account(email)
    if not roles:
        raise ValueError("Choose at least one role.")
    user = None
    for role in roles:
        user = ensure_staff(email, role)
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    if existing is not None:  # invited before: a new link (the old one still works until used)
        invite(user, now=now)
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
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
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


@transaction.atomic
def account_activate(*, user, password: str):
    """The welcome link's write: `user` sets their first password and their account becomes
    active (the token-ending signals end any API token of the old hash). Audited, the account
    holder as the actor."""
    was_active = user.is_active
    user.set_password(password)
    user.is_active = True
    user.save()
    audit_record(
        actor=user,
        action="account_activated",
        obj=user,
        changes={"is_active": [was_active, True], "password": HIDDEN},
    )
    return user


@transaction.atomic
def password_reset_send(*, user, now: datetime) -> OutboxMessage | None:
    """Mail the active account `user` a link to set a new password, through the outbox like
    every mail (issue 17 item 9): at most one per quarter of an hour (None when one is
    already on its way). Audited, nobody signed in as the actor."""
    link = reset_link(user)
    message = make_message("password-reset", {"user": user, "link": link, "days": link_days()})
    row = enqueue(
        key=reset_key(user, now),
        report=RESET_REPORT,
        list_key="password reset",
        to=[user.email],
        message=message,
        now=now,
    )
    if row is not None:
        audit_record(
            actor=None,
            actor_label="password reset",
            action="password_reset_mailed",
            obj=user,
            changes={"email": user.email},
        )
    return row


@transaction.atomic
def password_reset(*, user, password: str):
    """The reset link's write: `user` sets a new password; any sign-in lock on their e-mail
    ends (they proved they hold the mailbox) and so does any API token of the old hash (the
    token-ending signals). Audited, the account holder as the actor."""
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.get_username())
    audit_record(actor=user, action="password_reset", obj=user, changes={"password": HIDDEN})
    return user


@transaction.atomic
def tokens_revoke(*, user, reason: str, actor=None) -> int:
    """Delete every API token of `user`; how many there were (audited when any)."""
    count, _ = Token.objects.filter(user=user).delete()
    if count:
        audit_record(
            actor=actor,
            actor_label="" if actor else "esp tracker",
            action="api_token_revoked",
            obj=user,
            changes={"reason": reason},
        )
    return count


@transaction.atomic
def token_issue(*, user, actor=None, actor_label: str = "") -> str:
    """A new API token for the active account `user` (its earlier token, if any, ends);
    the token's key, shown once."""
    if not user.is_active:
        raise ValueError(f"{user.email or user.get_username()} is not active: no API token")
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="api_token_issued",
        obj=user,
        changes={"token_created": token.created.isoformat()},
    )
    return token.key


# -- agents sign in too (issue 15 item 6; SPEC §1 Agent: "signs in (or uses a personal link)") --


def _account_for_agent(agent: Agent, email: str):
    """The agent's account: theirs already, or the inactive account of `email` when it is
    nobody else's, or a new inactive one (no password) in the Agent role."""
    user = agent.user
    if user is None:
        user = user_with_email(email)
        if user is not None and (user.is_active or Agent.objects.filter(user=user).exists()):
            raise AlreadyHasAccount(
                f"{email} already belongs to {user.get_full_name() or 'another account'}: "
                f"{agent.name} cannot be invited with it."
            )
    if user is None:
        user = get_user_model()(username=email, email=email, is_active=False)
        user.set_unusable_password()
    user.first_name, user.last_name = agent.first_name, agent.last_name
    user.save()
    user.groups.add(Group.objects.get_or_create(name=AGENT)[0])
    return user


@transaction.atomic
def agent_invite(*, agent: Agent, actor, now: datetime):
    """Invite `agent` to sign in (issue 15 item 6): an account in the Agent role linked to the
    agent record, inactive until they set a password from the e-mailed link (sent to their
    work e-mail, else their personal one). Whoever may send the agent a self-report link may
    invite them (esp.access.writes). Refused for an agent who already signs in, or whose
    address is another person's account."""
    require_write(actor, "self_report_link", None, agent)
    email = (agent.work_email or agent.personal_email or "").strip().lower()
    if not email:
        raise ValueError(f"{agent.name} has no e-mail address to send the invitation to.")
    if agent.user is not None and agent.user.is_active:
        raise AlreadyHasAccount(
            f"{agent.name} already signs in as {agent.user.email}: if they forgot the password, "
            "they can set a new one from the sign-in page."
        )
    user = _account_for_agent(agent, email)
    Agent.objects.filter(pk=agent.pk).update(user=user)
    agent.user = user
    row = invite(user, now=now, for_agent=True)
    audit_record(
        actor=actor,
        action="agent_invited",
        obj=agent,
        changes={"email": email, "account": user.pk},
    )
    return row


@transaction.atomic
def agent_account_open(*, agent: Agent, password: str):
    """The agent sets a password from their personal self-report link (issue 15 item 6: the
    link was mailed to their own addresses, like an invitation): their account in the Agent
    role, linked to the agent record, active with `password`. Refused once they sign in."""
    if agent.user is not None and agent.user.is_active:
        raise AlreadyHasAccount(f"You already sign in as {agent.user.email}.")
    email = (agent.work_email or agent.personal_email or "").strip().lower()
    if not email:
        raise ValueError("No e-mail address is on file for you: ask your TL to add one.")
    user = _account_for_agent(agent, email)
    Agent.objects.filter(pk=agent.pk).update(user=user)
    agent.user = user
    user.set_password(password)
    user.is_active = True
    user.save()
    audit_record(
        actor=user,
        action="agent_account_opened",
        obj=agent,
        changes={"email": email, "password": HIDDEN, "from": "self-report link"},
    )
    return user
