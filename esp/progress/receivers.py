"""Signal receivers of the progress app, connected in AppConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import pre_save

from esp.accounts.services import invite
from esp.lib.textcheck import guard_text_fields
from esp.roster.services.staff import staff_account_created


def invite_new_staff(sender, user, **kwargs) -> None:
    """A staff account created inactive by esp.roster.staff.ensure_staff (a class import, the
    demo) is invited to set its password. Temporary home: esp.accounts connects it itself
    next (accounts sits above roster, below progress)."""
    invite(user)


def connect() -> None:
    # No row of the project's apps is written with text PostgreSQL cannot store
    # (issue 12 item 10); imports check the same earlier, per line and column.
    pre_save.connect(guard_text_fields, dispatch_uid="esp.lib.textcheck.guard_text_fields")
    staff_account_created.connect(
        invite_new_staff, weak=False, dispatch_uid="esp.progress.invite_new_staff"
    )
