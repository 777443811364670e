"""Creating or migrating the database and loading what every installation needs."""

from __future__ import annotations

from django.core.management import call_command

from esp.accountability.defaults import load_default_cap_templates
from esp.certification.scorecards import load_default_scorecard
from esp.pace.defaults import load_default_pace
from esp.playbooks.defaults import load_default_playbooks
from esp.programs.defaults import load_default_program
from esp.programs.models import Program
from esp.roster.staff import ensure_roles


def initialize(*, verbosity: int = 0) -> Program:
    from esp.lib import clock
    from esp.mailing.schedules import ensure_lists_and_schedules

    call_command("migrate", interactive=False, verbosity=verbosity)
    ensure_roles()
    program = load_default_program()
    ensure_lists_and_schedules(program, active_from=clock.today(program.time_zone))
    load_default_cap_templates(program)
    load_default_scorecard()
    load_default_playbooks()
    load_default_pace(program)
    return program
