"""SPEC §17, issue 14 item 4: the extension board reads a fixed number of queries whatever
the number of classes needing an extension, with steps recorded or not (the world of
tests/operations/test_operations.py: AET-A spin-up, AET-B uptraining, as of 12/07/2026)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.operations import services
from esp.roster.models import Agent, TrainingClass
from tests.operations.test_operations import (  # noqa: F401 - fixtures
    AS_OF,
    NOW,
    monday_december_7,
    world,
)

MORE_CLASSES = "class_code,program,campaign,site,start_date,tl_emails,pm_email\n" + "\n".join(
    f"AET-{c},esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example" for c in "CDEF"
)
MORE_AGENTS = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n"
MORE_AGENTS += "\n".join(
    f"X{c}{i},Xi{i},{c}lass,x{c}{i}@cxp.example,x{c}{i}@mail.example,AET-{c},tl.one@cxp.example"
    for c, size in zip("CDEF", (6, 2, 5, 1), strict=True)
    for i in range(size)
)


def _page_queries(client) -> tuple[int, str]:
    client.get(f"/operations/extensions/?as_of={AS_OF.isoformat()}")  # the caches warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/operations/extensions/?as_of={AS_OF.isoformat()}")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _first_step(program, code: str, manager) -> None:
    """A recorded step in the class's checklist (its procedure and steps then read too)."""
    training_class = TrainingClass.objects.get(code=code)
    agent = Agent.objects.filter(training_class=training_class).order_by("employee_id").first()
    services.extension_step_record(
        program=program,
        training_class=training_class,
        step="extend_end",
        agent=agent,
        value="12/18/2026",
        note="",
        actor=manager,
        now=NOW,
        as_of=AS_OF,
    )


def test_it_reads_as_many_queries_for_six_classes_as_for_two(program, world, client, write, esp):  # noqa: F811
    client.force_login(world)
    _first_step(program, "AET-A", world)
    two, page = _page_queries(client)
    assert page.count('<section id="class-') == 2
    for kind, text in (("classes", MORE_CLASSES), ("roster", MORE_AGENTS)):
        code, _, err = esp("import", kind, write(text, f"more-{kind}.csv"))
        assert code == 0, err
    _first_step(program, "AET-C", world)
    _first_step(program, "AET-E", world)
    six, page = _page_queries(client)
    assert page.count('<section id="class-') == 6
    assert six == two
