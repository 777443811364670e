"""The classes import in bulk (issue 14 item 4: row by row it saved 8-33 classes a second):
new classes take a number of queries that does not grow with their number, and come out as
the row-by-row import made them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.audit.models import AuditEntry
from esp.roster.models import TrainingClass
from esp.roster.services import import_classes

HEADER = "class_code,program,campaign,site,start_date,tl_emails,pm_email"


def classes(prefix: str, count: int) -> str:
    return "\n".join(
        [HEADER]
        + [
            f"{prefix}{n},esp-aetna,Aetna,SLC;PRV,2026-11-02,"
            "tl.one@cxp.example;TL.two@cxp.example,pm.one@cxp.example"
            for n in range(count)
        ]
    )


def queries_to_import(text: str, write) -> int:
    with CaptureQueriesContext(connection) as queries:
        summary = import_classes(write(text))
    assert summary.created == summary.rows
    return len(queries)


def test_new_classes_take_the_same_queries_for_3_or_40(program, write):
    """One INSERT per table and batch (SQLite's batches hold a few hundred rows: 60 classes'
    180 phase starts take two), no query per class."""
    import_classes(write(classes("FIRST-", 1)))  # the staff accounts exist from here on
    assert queries_to_import(classes("A-", 3), write) == queries_to_import(classes("B-", 40), write)
    assert TrainingClass.objects.count() == 44


def test_a_class_created_in_bulk_has_its_sites_people_phases_and_audit_row(program, write):
    import_classes(write(classes("AET-", 2)))
    created = TrainingClass.objects.get(code="AET-1")
    assert sorted(s.code for s in created.sites.all()) == ["PRV", "SLC"]
    assert sorted(u.email for u in created.tls.all()) == [
        "tl.one@cxp.example",
        "tl.two@cxp.example",
    ]
    assert [u.email for u in created.pms.all()] == ["pm.one@cxp.example"]
    starts = {p.phase.key: p.start_date.isoformat() for p in created.phase_starts.all()}
    assert starts and all(not p.given for p in created.phase_starts.all())
    entry = AuditEntry.objects.get(object_type="trainingclass", object_id="AET-1")
    assert entry.action == "create" and entry.actor_label.startswith("import ")
    assert entry.changes["before"] is None
    assert entry.changes["after"]["phase_starts"] == starts
    assert entry.changes["after"]["tl_emails"] == ["tl.one@cxp.example", "tl.two@cxp.example"]
    again = import_classes(write(classes("AET-", 2)))
    assert (again.created, again.unchanged) == (0, 2)
