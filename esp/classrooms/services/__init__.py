"""The virtual classroom planner's writes (SPEC §10, R-S1–R-S3), by concern: the rooms
(`rooms`), the invitations sent as .ics through the outbox (`invitations`) and the ESP invite
ladder (`ladder`). Each is keyword-only, atomic, takes `now` and `actor` and writes its audit
row. The reads are in `esp.classrooms.selectors`."""

from ..models import KIND_NAMES
from ..selectors import (
    DEFAULT_SIDE_ROOMS,
    SIDE_ROOMS,
    esp_ladder,
    invites_due,
    lifetime,
    phase_spans,
)
from .invitations import (
    REPORT,
    invitations_after_move,
    invites_send,
    leave_rooms_on_move,
)
from .ladder import invitation_extend, invitation_move
from .rooms import room_cancel, room_create, room_update

# Besides the writes, temporary re-exports of reads and constants that moved (issue 13): the
# Today template tag (esp/classrooms/templatetags) and esp/demo/classrooms.py still reach
# them here; they belong to esp.classrooms.selectors (KIND_NAMES to esp.classrooms.models).
__all__ = [
    "REPORT",
    "DEFAULT_SIDE_ROOMS",
    "KIND_NAMES",
    "SIDE_ROOMS",
    "esp_ladder",
    "invitation_extend",
    "invitation_move",
    "invitations_after_move",
    "invites_due",
    "invites_send",
    "leave_rooms_on_move",
    "lifetime",
    "phase_spans",
    "room_cancel",
    "room_create",
    "room_update",
]
