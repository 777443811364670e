"""Is the database there and initialised? Asked by the `esp` commands that read it before they
touch it (issue 17 item 13): a never-initialised database is one line saying so and how to fix
it, not a traceback, and an absent SQLite file is not created empty by asking.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db import DatabaseError, connections

# A table of the oldest migration of the app every command reads (programs); `esp init`
# creates it, with the others.
MARK_TABLE = "programs_program"


class DatabaseProblem(Exception):
    """The database cannot be used: `bad_input` when the user fixes it (exit 2), otherwise a
    failure (exit 1)."""

    def __init__(self, message: str, *, bad_input: bool):
        super().__init__(message)
        self.bad_input = bad_input


def _shown(path: Path) -> str:
    """`path` relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _sqlite_file(name: str) -> Path | None:
    """The file of a SQLite database name, None for an in-memory one."""
    text = str(name)
    if not text or text == ":memory:" or "mode=memory" in text:
        return None
    return Path(text.removeprefix("file:").split("?", 1)[0])


def _how_to_fix(where: str, file: Path | None) -> str:
    fix = "run `esp init` first"
    demo = file.with_name("demo.sqlite3") if file is not None else None
    if demo is not None and demo != file and demo.exists():
        fix += f", or use the demo's: ESP_DATABASE_URL=sqlite:///{demo.resolve()} esp ..."
    elif not os.environ.get("ESP_DATABASE_URL"):
        fix += " (or set ESP_DATABASE_URL to the database to use)"
    return f"the database {where} was never initialised: {fix}"


def check_initialised(alias: str = "default") -> None:
    """Raise DatabaseProblem unless the database of `alias` has the app's tables. An absent
    SQLite file is reported without connecting (which would create it)."""
    connection = connections[alias]
    settings = connection.settings_dict
    file = None
    if connection.vendor == "sqlite":
        file = _sqlite_file(settings["NAME"])
        if file is not None and not file.exists():
            raise DatabaseProblem(_how_to_fix(_shown(file), file), bad_input=True)
        where = _shown(file) if file is not None else "(in memory)"
    else:
        where = f"{settings.get('NAME')} on {settings.get('HOST') or 'localhost'}"
    try:
        tables = connection.introspection.table_names()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseProblem(
            f"cannot open the database {where}: {reason}", bad_input=False
        ) from None
    if MARK_TABLE not in tables:
        raise DatabaseProblem(_how_to_fix(where, file), bad_input=True)
