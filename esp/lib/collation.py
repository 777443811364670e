"""Whether the database orders text as Python does (issue 14).

Pages that sort text in SQL must give Python's order (code points: the whole report's, the
rules'). On PostgreSQL a COLLATE "C" gives it whatever the database's collation, but keeps an
index of the column's own collation from serving the order: a report's first page then sorted
the day's 15,000 lines. Where the database's collation is bytewise already (C, POSIX,
C.UTF-8), the column's own order is Python's, and the index serves it.
"""

from __future__ import annotations

from django.db import connection

#: Whether a PostgreSQL database's own collation orders text as Python does, by database.
_BYTEWISE: dict[tuple, bool] = {}
BYTEWISE_COLLATIONS = frozenset({"c", "posix", "c.utf8", "c.utf-8"})


def sorts_bytewise() -> bool:
    """Whether the PostgreSQL database's default collation compares text bytewise. Asked
    once per process, on the driver's own cursor: no page counts it among its queries."""
    settings = connection.settings_dict
    key = (settings["HOST"], settings["PORT"], settings["NAME"])
    if key not in _BYTEWISE:
        provider = "datlocprovider" if connection.pg_version >= 150000 else "'c'"
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {provider}, datcollate FROM pg_database "  # noqa: S608 - no input
                "WHERE datname = current_database()"
            )
            kind, collation = cursor.fetchone()
        _BYTEWISE[key] = kind == "c" and collation.lower() in BYTEWISE_COLLATIONS
    return _BYTEWISE[key]
