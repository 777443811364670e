"""Signal receivers of the progress app, connected in AppConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import pre_save

from esp.accounts.invitations import invite

# TEMPORARY (issue 13): until esp.classrooms connects its own receiver of agent_moved in its
# AppConfig.ready(), this one keeps a move cancelling the old class's invitations (R-S2).
# Remove it, and this import of a higher app, when classrooms has it.
from esp.classrooms.services import invitations_after_move
from esp.lib.textcheck import guard_text_fields
from esp.roster.services.staff import staff_account_created
from esp.roster.signals import agent_moved


def invite_new_staff(sender, user, **kwargs) -> None:
    """A staff account created inactive by esp.roster.staff.ensure_staff (a class import, the
    demo) is invited to set its password. Temporary home: esp.accounts connects it itself
    next (accounts sits above roster, below progress)."""
    invite(user)


def leave_old_rooms(sender, *, agent, new_class, day, actor, now, **kwargs) -> None:
    """TEMPORARY, see the import above: R-S2 after a move (esp.roster.signals.agent_moved)."""
    invitations_after_move(agent=agent, to_class=new_class.code, day=day, actor=actor, now=now)


def connect() -> None:
    # No row of the project's apps is written with text PostgreSQL cannot store
    # (issue 12 item 10); imports check the same earlier, per line and column.
    pre_save.connect(guard_text_fields, dispatch_uid="esp.lib.textcheck.guard_text_fields")
    staff_account_created.connect(
        invite_new_staff, weak=False, dispatch_uid="esp.progress.invite_new_staff"
    )
    agent_moved.connect(leave_old_rooms, weak=False, dispatch_uid="esp.progress.leave_old_rooms")
