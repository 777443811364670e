"""The read model's reads on every page and report (issue 14), written out: the freshness
check of the built days, and the lines made from their rows. Each is a query the ORM took
longer to build than the database to run (0.3 ms each)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

from django.db import connection
from django.db.models.query import RawQuerySet

from esp.programs.models import Program
from esp.rules.report_lines import Line

from .models import AgentsVersion, ReportDay

LINE_FIELDS = tuple(field.name for field in dataclasses.fields(Line))
PAYLOAD = LINE_FIELDS.index("payload")


def _version_sql() -> str:
    """The agents' version (`AgentsVersion`, 0 before the first agent) as a scalar subquery:
    one primary-key lookup, whatever the number of agents."""
    quote = connection.ops.quote_name
    return (
        f"SELECT COALESCE(MAX(version), 0) FROM {quote(AgentsVersion._meta.db_table)} "
        f"WHERE id = {int(AgentsVersion.ROW)}"
    )


def agents_version() -> int:
    """The version of the set of agents, which every insert or delete of agents moves (by
    database triggers, whoever writes): a day built at another version may miss agents
    added in bulk (no signal) and is built again. Of every program, not only one's: another
    program's new agents rebuild this one's days once."""
    with connection.cursor() as cursor:
        cursor.execute(_version_sql())
        return cursor.fetchone()[0]


def report_days(program: Program, as_of: date, reports) -> tuple[int, dict]:
    """The agents' version (`agents_version`) and the built days of `reports` as of D by
    report, in one query: the freshness check of every read, one round trip in one snapshot.
    Written out (a raw query): the ORM spent 0.35 ms building it, thirty times its run."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"day.{quote(f.column)}" for f in ReportDay._meta.concrete_fields)
    reports = list(reports)
    if not reports:
        return agents_version(), {}
    sql = (
        f"SELECT ({_version_sql()}) AS current_version, {columns} "
        f"FROM (SELECT 1 AS one) AS version LEFT JOIN {quote(ReportDay._meta.db_table)} AS day "
        "ON day.program_id = %s AND day.as_of = %s "
        f"AND day.report IN ({', '.join(['%s'] * len(reports))})"
    )
    params = [program.pk, connection.ops.adapt_datefield_value(as_of), *reports]
    found = list(RawQuerySet(sql, model=ReportDay, params=params))
    return found[0].current_version, {day.report: day for day in found if day.pk is not None}


def lines_from_rows(rows) -> list[Line]:
    """Rows of `LINE_FIELDS` as lines, their payloads decoded as one JSON array (a tenth of
    the time of one `json.loads` per line)."""
    payloads = json.loads(f"[{','.join(row[PAYLOAD] for row in rows)}]")
    return [
        Line(employee_id, code, payload, *rest)
        for (employee_id, code, _, *rest), payload in zip(rows, payloads, strict=True)
    ]
