"""SPEC §17: the attendance day page reads a fixed number of queries whatever the number of
agents in the class — N agents or 3N, each with attendance facts recorded on the day."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.progress.models import Fact
from tests.attendance.test_attendance_pages import DAY, mark, world  # noqa: F401 - fixture

HEADER = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n"


def _page_queries(client) -> int:
    client.get(f"/classes/AET-A/attendance/?date={DAY}")  # the per-process caches warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/classes/AET-A/attendance/?date={DAY}")
    assert response.status_code == 200
    return len(captured)


def _add_agents(write, esp, first: int, count: int) -> list[str]:
    ids = [f"E{n:03}" for n in range(first, first + count)]
    rows = "".join(
        f"{employee_id},Al{employee_id},Extra,{employee_id.lower()}@cxp.example,"
        f"{employee_id.lower()}@mail.example,AET-A,tl.one@cxp.example\n"
        for employee_id in ids
    )
    assert esp("import", "roster", write(HEADER + rows, f"more-{first}.csv"))[0] == 0
    return ids


def test_it_reads_as_many_queries_for_3n_agents_as_for_n(world, client, write, esp):  # noqa: F811
    client.force_login(world["tl"])
    first = _add_agents(write, esp, 100, 4)
    for employee_id in first:
        mark(client, employee_id, kind="tardy", minutes="20", note="Bus")
    n = _page_queries(client)
    rows_n = Fact.objects.filter(kind="attendance").count()
    more = _add_agents(write, esp, 200, 2 * (len(first) + 6))
    for employee_id in more:
        mark(client, employee_id, kind="tardy", minutes="20", note="Bus")
    assert Fact.objects.filter(kind="attendance").count() == rows_n + len(more)
    assert _page_queries(client) == n
