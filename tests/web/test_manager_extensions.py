"""The ESP Manager's Today lists the classes needing a training-environment extension as the
extensions report does (R-E1, R-E2), putting together and naming the classes shown only
(issue 14): the world of tests/operations/test_operations.py, AET-A's five agents a spin-up,
AET-B's an uptraining class, as of Monday 12/07/2026."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.lib.urls import page_url
from esp.reports.builders import build_report
from esp.roster.models import Agent
from esp.web import sections
from esp.web.sections import glance
from tests.operations.test_operations import (  # noqa: F401 - fixtures
    AS_OF,
    NOW,
    monday_december_7,
    world,
)


def _extensions(program, manager, first):
    return glance.extensions(sections.basis(manager, program, AS_OF, NOW, first=first))


def test_it_lists_the_classes_of_the_extensions_report_with_their_agents(program, world):  # noqa: F811
    found = _extensions(program, world, None)
    report = build_report("extensions", as_of=AS_OF, program=program)["classes"]
    assert [c["class_code"] for c in report] == ["AET-A", "AET-B"]
    assert [{k: v for k, v in c.items() if k != "agents"} for c in found.items] == report
    assert found.total == 2 and not found.more
    names = {a.employee_id: f"{a.first_name} {a.last_name}" for a in Agent.objects.all()}
    for c in found.items:
        assert c["agents"] == [
            (page_url("progress:agent", eid), names[eid]) for eid in c["employee_ids"]
        ]


def test_it_shows_the_first_classes_each_by_its_whole_class(program, world):  # noqa: F811
    report = build_report("extensions", as_of=AS_OF, program=program)["classes"]
    found = _extensions(program, world, 1)
    assert found.total == 2 and found.more
    assert [{k: v for k, v in c.items() if k != "agents"} for c in found.items] == report[:1]
    assert found.items[0]["method"] == report[0]["method"]  # R-E2: the five agents counted
    assert len(found.items[0]["agents"]) == 5


def test_it_reads_two_queries_however_many_classes(program, world):  # noqa: F811
    base = sections.basis(world, program, AS_OF, NOW, first=1)
    with CaptureQueriesContext(connection) as one:
        glance.extensions(base)
    base = sections.basis(world, program, AS_OF, NOW, first=None)
    with CaptureQueriesContext(connection) as every:
        glance.extensions(base)
    assert len(one) == len(every) == 2  # the classes counted, the lines of those shown
