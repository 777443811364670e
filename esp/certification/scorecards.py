"""Temporary re-exports (issue 13): the scorecard sheet moved to `scorecard_sheets` (pure) and
its writes to `services`. Callers outside certification (esp/programs/bootstrap.py, tests of
other apps) still import from here; point them at the new homes and delete this module."""

from __future__ import annotations

from .scorecard_sheets import (  # noqa: F401
    DEFAULT_NAME,
    HEADER,
    ItemRow,
    TemplateData,
    check_template,
    parse_template_xlsx,
    template_to_xlsx,
)
from .services import (  # noqa: F401
    current_template,
    load_default_scorecard,
    template_create,
    template_import_xlsx,
)
