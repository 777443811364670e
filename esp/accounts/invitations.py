"""The former home of invitations, kept while other apps still import from here: the link is
in esp/accounts/links.py, the reads in selectors.py, the writes in services.py."""

from __future__ import annotations

from .links import REPORT, invitation_link
from .selectors import PendingInvitation, pending_invitations
from .services import (
    AlreadyHasAccount,
    NoPendingInvitation,
    invitation_cancel,
    invite,
    staff_invite,
)

__all__ = [
    "REPORT",
    "AlreadyHasAccount",
    "NoPendingInvitation",
    "PendingInvitation",
    "invitation_cancel",
    "invitation_link",
    "invite",
    "pending_invitations",
    "staff_invite",
]
