"""Reads whose SQL is built and compiled once per process (issue 14).

Building a queryset (`filter`, `annotate`: Django resolving each name) and compiling it to SQL
cost about a quarter of the ESP Manager's Today, for queries that differ from one page to the
next only in their parameters (the program, the day, a few class codes). `rows(key, build)`
runs the `values_list` queryset `build()` makes, built and compiled the first time `key` is
asked in the process and only run after: the rows are read on every call, converted as
Django converts them (a date read from SQLite is a date). `key` must name everything the SQL
and its parameters are made of (the program's pk, the day, the codes...): two calls with the
same key run the same SQL with the same parameters. `objects(key, build)` does the same for
a queryset of model instances (its `select_related` followed), `statement_rows` for a
statement written around one. At most `_COMPILED_MAX` keys are kept.

A parameter that changes from call to call without changing the SQL (a user's agents, bound
as one parameter: esp.lib.sqlids) is named in the key by a `Bound`: the query is compiled
once for all users and each run binds the call's value where the first call's stood.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Func, QuerySet
from django.db.models.query import ModelIterable, get_related_populators


@dataclass(frozen=True)
class Bound:
    """A part of a key standing for a parameter of the query: equal to any other `Bound` of
    the same `shape` (what the parameter changes in the SQL, e.g. whether the list is short),
    whatever its `value`, the parameter itself (the very object the query was built with)."""

    shape: object
    value: object = field(compare=False)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    converters: tuple  # (position, converter functions, expression) per converted column
    instances: _Instances | None = None  # a queryset of model instances: how a row makes one
    bound: tuple = ()  # (position in params, position in the key) of each Bound's value

    def params_for(self, key: tuple) -> tuple:
        """The parameters of a run for `key`: each Bound's value where it stood."""
        if not self.bound:
            return self.params
        params = list(self.params)
        for position, part in self.bound:
            params[position] = key[part].value
        return tuple(params)


@dataclass(frozen=True)
class _Instances:
    """How a row makes a model instance, as Django's ModelIterable does (`objects`): worked
    out once from the compiler (its klass_info, select and annotation_col_map)."""

    model: type
    start: int  # the model's own columns: row[start:end]
    end: int
    names: tuple[str, ...]
    related: tuple  # get_related_populators: the select_related objects
    annotations: tuple[tuple[str, int], ...]  # (attribute, position)

    def made(self, row: tuple, using: str):
        instance = self.model.from_db(using, self.names, row[self.start : self.end])
        for populator in self.related:
            populator.populate(row, instance)
        for name, position in self.annotations:
            setattr(instance, name, row[position])
        return instance


#: (key, database alias) -> the SQL, its parameters and converters; None: known empty. A
#: plain dict, emptied when full: safe to read and fill from several threads at once.
_COMPILED: dict[tuple, _Compiled | None] = {}
_COMPILED_MAX = 1024


def _kept(key: tuple, make: Callable[[], _Compiled | None]) -> _Compiled | None:
    compiled = _COMPILED.get(key, _COMPILED)  # the mapping itself: not compiled yet
    if compiled is _COMPILED:
        compiled = _bind(key, make())
        if compiled is None and any(isinstance(part, Bound) for part in key):
            return None  # known empty for this value: not kept for the others
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[key] = compiled
    return compiled


def _bind(key: tuple, compiled: _Compiled | None) -> _Compiled | None:
    """`compiled` knowing where each Bound of `key` stands in its parameters (the very object:
    an equal parameter of another origin is not taken for it). A Bound the query does not
    hold is refused: the query would be run for every value with the first one's SQL, which
    may hold that value some other way."""
    parts = [(at, part) for at, part in enumerate(key) if isinstance(part, Bound)]
    if not parts or compiled is None:
        return compiled
    bound = []
    for at, part in parts:
        found = [i for i, param in enumerate(compiled.params) if param is part.value]
        if not found:
            raise ValueError(f"the query of {key!r} has no parameter for its Bound {at}")
        bound += [(i, at) for i in found]
    return dataclasses.replace(compiled, bound=tuple(bound))


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

    full = ("statement", *key, using)
    compiled = _kept(full, make)
    with connections[using].cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params_for(full))
        return cursor.fetchall()


def rows(key: tuple, build: Callable[[], QuerySet], *, using: str = "default") -> list[tuple]:
    """The rows of `build()` (a `values_list` queryset, not flat) as tuples, in its order."""
    full = (*key, using)
    compiled = _kept(full, lambda: _compile(build(), using))
    return [] if compiled is None else _run(compiled, full, using)


def count(key: tuple, build: Callable[[], QuerySet], *, using: str = "default") -> int:
    """How many rows the queryset `build()` has (its `count()`), compiled once for `key`."""
    counted = Func("pk", function="COUNT")  # not an aggregate to Django: no GROUP BY added
    found = rows(("count", *key), lambda: build().order_by().values_list(counted), using=using)
    return found[0][0] if found else 0  # no row: a query Django knew empty


def _run(compiled: _Compiled, key: tuple, using: str) -> list[tuple]:
    """The rows of a compiled query run for `key`, converted as Django converts them."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params_for(key))
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
        _instances(compiler, using),
    )


def _instances(compiler, using: str) -> _Instances | None:
    info, select = compiler.klass_info, compiler.select
    if info is None:  # a values_list queryset: rows, not instances
        return None
    fields = info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    return _Instances(
        info["model"],
        start,
        end,
        tuple(column[0].target.attname for column in select[start:end]),
        tuple(get_related_populators(info, select, using)),
        tuple(compiler.annotation_col_map.items()),
    )


def objects(key: tuple, build: Callable[[], QuerySet], *, using: str = "default") -> list:
    """The model instances `build()` (a queryset of a model, sliced or not, its
    `select_related` objects and annotations set on each) gives, in its order: each made as
    Django's ModelIterable makes it from the row, the query built and compiled once for `key`
    (the ORM took 0.7 to 1.3 ms to build and compile queries of the ESP Manager's Today that
    ran in 0.3: issue 14)."""

    def make():
        queryset = build()
        if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:
            raise ValueError("compiled.objects reads a plain queryset of model instances")
        return _compile(queryset, using)

    full = ("objects", *key, using)
    compiled = _kept(full, make)
    if compiled is None:
        return []
    return [compiled.instances.made(row, using) for row in _run(compiled, full, using)]


def forget() -> None:
    """Forget every compiled query (tests that change the schema under a running process)."""
    _COMPILED.clear()
