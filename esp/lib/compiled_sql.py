"""Statements written out around a compiled queryset, kept once per process (issue 14).

`esp.lib.compiled.rows` keeps a `values_list` queryset's SQL; some reads are a statement
written around one (esp.web.selectors `_ranked`: the lines numbered by a window, then joined
to their payloads and names), which it cannot hold. `rows(key, build)` runs the statement
and parameters `build()` returns, made the first time `key` is asked in the process and only
run after. As there: `key` names everything the SQL and its parameters are made of, at most
`_MADE_MAX` keys are kept, and the rows are the database's own (text, numbers: no
conversion is made, so a statement of columns that need one does not belong here).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections

#: (key, database alias) -> (SQL, parameters). A plain dict, emptied when full.
_MADE: dict[tuple, tuple[str, tuple]] = {}
_MADE_MAX = 1024


def rows(key: tuple, build: Callable[[], tuple[str, tuple]], *, using: str = "default") -> list:
    """The rows of the statement `build()` returns (SQL, parameters), as the cursor gives them."""
    found_key = (*key, using)
    made = _MADE.get(found_key)
    if made is None:
        sql, params = build()
        made = (sql, tuple(params))
        if len(_MADE) >= _MADE_MAX:
            _MADE.clear()
        _MADE[found_key] = made
    with connections[using].cursor() as cursor:
        cursor.execute(*made)
        return cursor.fetchall()


def forget() -> None:
    """Forget every statement kept (tests that change the schema under a running process)."""
    _MADE.clear()
