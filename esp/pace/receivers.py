"""Signal receivers of the pace app, connected in PaceConfig.ready()."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from esp.programs.models import Phase
from esp.progress.services import projection

from .models import PaceModule


def drop_program_days(sender, instance, raw=False, **kwargs) -> None:
    """A row of the pace table saved or removed (the admin, `esp init`, a program copy): every
    agent's pace line may change (R-I1b); the program's days of the read model are built
    again on next use, as for the program's other settings (esp.progress.receivers)."""
    if raw:
        return
    program_id = Phase.objects.filter(pk=instance.phase_id).values_list("program_id", flat=True)
    projection.drop(program_id=program_id.first())


def connect() -> None:
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(
            drop_program_days, sender=PaceModule, dispatch_uid=f"esp.pace.days.module.{name}"
        )
