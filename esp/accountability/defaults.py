"""The CAP template shipped with ESP Tracker (R-N6), created for each program that has none.

`load_default_cap_templates()` is idempotent: it creates what is missing and leaves a template
the ESP Manager has edited alone.
"""

from __future__ import annotations

from django.db import transaction

from esp.programs.models import Program

from .models import CapTemplate

DEFAULT_CAP_TEMPLATE = """\
# Corrective Action Plan: $step

Agent: $agent_name (employee ID $employee_id)
Class: $class_code    Site: $site
Team lead: $tl_name    Program manager: $pm_name
Program: $program
Date: $today

# What this plan is about

Ladder: $ladder
Step: $step, due $due_date
Phase: $phase, started $phase_start

$facts

# Expectation

$expectation

# Next step

If the expectation is not met: $next_step.

# Signatures

By signing, the agent confirms having received and discussed this plan; signing does not
mean agreeing with it.

Agent ($agent_name): ________________________________    Date: ______________

Delivered by ($delivered_by): ________________________________    Date: ______________
"""


@transaction.atomic
def load_default_cap_templates(program: Program | None = None) -> list[CapTemplate]:
    """The template for every CAP step of `program` (of every program when None)."""
    programs = [program] if program is not None else list(Program.objects.all())
    return [
        CapTemplate.objects.get_or_create(
            program=each, step="", defaults={"text": DEFAULT_CAP_TEMPLATE}
        )[0]
        for each in programs
    ]
