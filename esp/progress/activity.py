"""Temporary old path (issue 13) of the activity format: the checks live in
esp.progress.checks, the import and export in esp.progress.services.activity. esp/cli.py,
esp/demo/load.py and esp/api (FLAG_VALUES) import from there next."""

from .checks import (
    EMPLOYMENT_VALUES,
    EQUIPMENT_ITEMS,
    EXAM_ITEMS,
    EXAM_VALUES,
    FLAG_ITEMS,
    FLAG_VALUES,
    READINESS_TASKS,
    Vocabulary,
    check_fact,
)
from .services.activity import (
    ANALYZE_AFTER,
    COLUMNS,
    STAGE_BATCH,
    STALE_STAGING_AFTER,
    apply_facts,
    export_activity,
    import_activity,
    parse_activity,
)
from .services.facts import NOTIFYING_KINDS, notify_changed_agents

__all__ = [
    "ANALYZE_AFTER",
    "COLUMNS",
    "EMPLOYMENT_VALUES",
    "EQUIPMENT_ITEMS",
    "EXAM_ITEMS",
    "EXAM_VALUES",
    "FLAG_ITEMS",
    "FLAG_VALUES",
    "NOTIFYING_KINDS",
    "READINESS_TASKS",
    "STAGE_BATCH",
    "STALE_STAGING_AFTER",
    "Vocabulary",
    "apply_facts",
    "check_fact",
    "export_activity",
    "import_activity",
    "notify_changed_agents",
    "parse_activity",
]
