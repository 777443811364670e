"""API tokens (issue 12 item 8; SPEC §17): issued to one account, ended on a password change
or a deactivation (esp/accounts/signals.py), refused after ESP_API_TOKEN_DAYS
(esp/api/authentication.py)."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from esp.audit.services import audit_record


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
