"""Creating or migrating the database and loading what every installation needs."""

from __future__ import annotations

from django.core.management import call_command

from esp.programs.defaults import load_default_program
from esp.programs.models import Program
from esp.roster.staff import ensure_roles


def initialize(*, verbosity: int = 0) -> Program:
    call_command("migrate", interactive=False, verbosity=verbosity)
    ensure_roles()
    return load_default_program()
