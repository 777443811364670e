"""Creating or migrating the database and loading what every installation needs.

programs sits low in the app layers, so it names no other app: each app that ships defaults
declares them on its AppConfig, `defaults = "<dotted path of a callable>"`, and `initialize`
runs them in INSTALLED_APPS order after loading the default program. A defaults callable
receives, by name, those of these keyword arguments its signature asks for:

- `program`: the default program;
- `active_from`: today in the program's time zone (when schedules start).

Every defaults callable is idempotent: it creates what is missing and leaves edited rows alone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from django.apps import apps
from django.core.management import call_command
from django.utils.module_loading import import_string

from esp.lib import clock

from .models import Program
from .services import load_default_program


def app_defaults() -> list[Callable]:
    """Each installed app's declared defaults callable, in INSTALLED_APPS order."""
    return [
        import_string(config.defaults)
        for config in apps.get_app_configs()
        if getattr(config, "defaults", None)
    ]


def _call_with(hook: Callable, available: dict):
    parameters = inspect.signature(hook).parameters
    return hook(**{name: value for name, value in available.items() if name in parameters})


def initialize(*, verbosity: int = 0) -> Program:
    call_command("migrate", interactive=False, verbosity=verbosity)
    program = load_default_program()
    available = {"program": program, "active_from": clock.today(program.time_zone)}
    for hook in app_defaults():
        _call_with(hook, available)
    return program
