"""Staff accounts and their roles (SPEC §1): roles are Django groups."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal

from esp.audit.services import audit_record

from ..roles import ESP_MANAGER, ROLES

#: Sent with `user` when `ensure_staff` creates an account: the accounts app (above roster)
#: connects the invitation to it (issue 13: roster imports no higher app).
staff_account_created = Signal()


def ensure_roles() -> None:
    for role in ROLES:
        Group.objects.get_or_create(name=role)


@transaction.atomic
def ensure_staff(email: str, role: str):
    """The account for `email`, created inactive (no password) when missing, in `role`.

    A new account stays inactive until its owner sets a password from an invitation (sent by
    the receiver of `staff_account_created`). The new account and the role added are audited.
    """
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        local = email.split("@")[0]
        first, _, last = local.partition(".")
        user = User(
            username=email,
            email=email,
            is_active=False,
            first_name=first.capitalize(),
            last_name=last.capitalize(),
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor_label="staff", action="staff_account_created", obj=user, changes={"role": role}
        )
        staff_account_created.send(sender=ensure_staff, user=user)
    group, _ = Group.objects.get_or_create(name=role)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        audit_record(actor_label="staff", action="role_added", obj=user, changes={"role": role})
    return user


def create_esp_manager(email: str, password: str):
    """An active ESP Manager account that can also use the admin."""
    user = ensure_staff(email, ESP_MANAGER)
    user.is_active = user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    return user
