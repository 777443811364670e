"""The default pace table of the licensing phase (R-I1b), loaded with the default program.

`load_default_pace()` is idempotent: it adds missing rows and leaves edited ones alone.
"""

from __future__ import annotations

from decimal import Decimal

from esp.programs.models import Program

from .models import PaceModule

PACED_PHASE = "licensing"

MODULES = [
    # key, name, due by (business days into the phase), proof expected, satisfied by task
    ("ahip_1", "AHIP module 1", "1", "practice-quiz screenshot", "ahip"),
    ("ahip_2", "AHIP module 2", "1", "practice-quiz screenshot", "ahip"),
    ("ahip_3", "AHIP module 3", "2", "", "ahip"),
    ("ahip_4", "AHIP module 4", "2", "", "ahip"),
    ("ahip_5", "AHIP module 5", "3", "", "ahip"),
    ("ahip_final", "AHIP final", "3", "", "ahip"),
    (
        "carrier_cert",
        "Carrier certification",
        "3",
        "proof screenshot (13 green checks)",
        "carrier_cert",
    ),
    ("carrier_products", "Carrier product modules", "3.5", "", ""),
]

# Done only through their task, whose proof must be accepted (R-I1b "the carrier certification
# with its proof", R-B2): the grid shows them read-only. AHIP modules 1–5 stay hand-ticked:
# they are steps towards the AHIP certification, which is done only at the final.
TASK_ONLY = ("ahip_final", "carrier_cert")


def load_default_pace(program: Program) -> None:
    phase = program.phases.filter(key=PACED_PHASE).first()
    if phase is None:
        return
    tasks = set(program.tasks.values_list("key", flat=True))
    for order, (key, name, due_by, proof, task) in enumerate(MODULES, start=1):
        PaceModule.objects.get_or_create(
            phase=phase,
            key=key,
            defaults=dict(
                name=name,
                order=order,
                due_by=Decimal(due_by),
                proof=proof,
                satisfied_by_task=task if task in tasks else "",
                task_only=key in TASK_ONLY and task in tasks,
            ),
        )
