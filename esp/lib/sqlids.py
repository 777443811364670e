"""A long list of ids as one SQL parameter (issue 14)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models.expressions import RawSQL


def ids_table(ids: Iterable[int]) -> RawSQL:
    """`ids` as a one-column subquery for a `field__in=` filter, bound as one parameter
    whatever their number: a JSON array on SQLite, an array on PostgreSQL. An inline list
    binds one parameter per id, which Django and psycopg prepare on every query: a PM's
    1,116 agents cost about 6 ms a query there against 2.5 ms here, over a dozen queries on
    their Today. The parameter is the array's text, written once here: psycopg quotes a list
    element by element on each query (1.4 ms for a Cert Coordinator's 1,391 agents, 16 times
    on their Today), a string at once."""
    text = ",".join(str(int(value)) for value in ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", ("{" + text + "}",))
    return RawSQL("SELECT value FROM json_each(%s)", ("[" + text + "]",))


def read_once(query, limit: int):
    """The ids of `query` (a query of rows) for a `pk__in=` filter used more than once, e.g.
    a page's count and its rows: read now and bound as one parameter (`ids_table`) when at most
    `limit`, else the query's ids as a subquery. A scope evaluated once instead of in each
    query, and a list whose size PostgreSQL knows instead of guessing what the scope keeps."""
    scope = query.order_by().values("pk")
    pks = list(scope.values_list("pk", flat=True)[: limit + 1])
    return ids_table(pks) if len(pks) <= limit else scope
