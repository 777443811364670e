"""The former home of the default program (kept while other apps and tests still import it
from here): its values are data in esp/programs/default_program.py, its loading a service,
esp.programs.services.load_default_program."""

from __future__ import annotations

from .default_program import DEFAULT_PROGRAM_KEY, TASKS
from .services import load_default_program

__all__ = ["DEFAULT_PROGRAM_KEY", "TASKS", "load_default_program"]
