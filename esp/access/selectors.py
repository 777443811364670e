"""Reads the access layer needs besides the scopes (esp.access.scopes)."""

from __future__ import annotations


def task_name(program, key: str) -> str | None:
    """The name of the program's task `key` (None when it has none)."""
    return program.tasks.filter(key=key).values_list("name", flat=True).first()
