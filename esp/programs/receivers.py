"""Signal receivers of the programs app, connected in AppConfig.ready()."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Campaign, Program, Site

#: Rows of the programs app that are not a program's settings.
NOT_SETTINGS = (Program, Site, Campaign)


def settings_written(sender, instance=None, action=None, **kwargs) -> None:
    """A settings row (task, ladder, step, section, closure, course, ...) saved, deleted or
    relinked: its program gets a new policy stamp (every program when the row does not name
    one), so no process reads a policy or calendar kept from before (issue 14)."""
    if action is not None and not action.startswith("post_"):
        return
    Program.stamp_changed(getattr(instance, "program_id", None))


def connect() -> None:
    for model in apps.get_app_config("programs").get_models():
        if model in NOT_SETTINGS:
            continue
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                settings_written, sender=model, dispatch_uid=f"esp.programs.stamp.{model}.{name}"
            )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                settings_written,
                sender=field.remote_field.through,
                dispatch_uid=f"esp.programs.stamp.{model}.{field.name}",
            )
