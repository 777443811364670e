"""Reads whose SQL is built and compiled once per process (issue 14).

Building a queryset (`filter`, `annotate`: Django resolving each name) and compiling it to SQL
cost about a quarter of the ESP Manager's Today, for queries that differ from one page to the
next only in their parameters (the program, the day, a few class codes). `rows(key, build)`
runs the `values_list` queryset `build()` makes, built and compiled the first time `key` is
asked in the process and only run after: the rows are read on every call, converted as
Django converts them (a date read from SQLite is a date). `key` must name everything the SQL
and its parameters are made of (the program's pk, the day, the codes...): two calls with the
same key run the same SQL with the same parameters. Like esp.access.scopes `_read`, which
keys the scope's compiled SQL the same way; at most `_COMPILED_MAX` keys are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    converters: tuple  # (position, converter functions, expression) per converted column


#: (key, database alias) -> the SQL, its parameters and converters; None: known empty. A
#: plain dict, emptied when full: safe to read and fill from several threads at once.
_COMPILED: dict[tuple, _Compiled | None] = {}
_COMPILED_MAX = 1024


def _kept(key: tuple, make: Callable[[], _Compiled | None]) -> _Compiled | None:
    compiled = _COMPILED.get(key, _COMPILED)  # the mapping itself: not compiled yet
    if compiled is _COMPILED:
        compiled = make()
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled


def statement_rows(
    key: tuple, build: Callable[[], tuple[str, tuple]], *, using: str = "default"
) -> list:
    """The rows of the statement `build()` returns (SQL, parameters), as the cursor gives
    them: for a statement written around a compiled queryset (esp.web.selectors `_ranked`,
    a window then a join), which `rows` cannot hold. No value is converted: a statement of
    columns that need a conversion (a date on SQLite) does not belong here."""

    def make():
        sql, params = build()
        return _Compiled(sql, tuple(params), ())

    compiled = _kept(("statement", *key, using), make)
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        return cursor.fetchall()


def rows(key: tuple, build: Callable[[], QuerySet], *, using: str = "default") -> list[tuple]:
    """The rows of `build()` (a `values_list` queryset, not flat) as tuples, in its order."""
    compiled = _kept((*key, using), lambda: _compile(build(), using))
    if compiled is None:
        return []
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params)
        found = cursor.fetchall()
    if not compiled.converters:
        return [tuple(row) for row in found]
    converted = []
    for row in found:
        row = list(row)
        for position, functions, expression in compiled.converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def _compile(queryset: QuerySet, using: str) -> _Compiled | None:
    compiler = queryset.query.get_compiler(using=using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # a query Django knows to be empty: nothing to run
        return None
    columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = compiler.get_converters(columns)
    return _Compiled(
        sql,
        tuple(params),
        tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in sorted(converters.items())
        ),
    )


def forget() -> None:
    """Forget every compiled query (tests that change the schema under a running process)."""
    _COMPILED.clear()
