"""Issue 13: a walk-through's writes are audited services taking the caller's `now`."""

from __future__ import annotations

from datetime import UTC, datetime

from esp.audit.models import AuditEntry
from esp.playbooks.models import StepOutcome, Walkthrough
from esp.playbooks.services import outcome_record, walkthrough_start
from tests.playbooks.test_playbooks import playbook, world  # noqa: F401

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)


def test_it_audits_the_start_and_each_outcome_at_the_callers_now(world):  # noqa: F811
    tl, ann = world["tl"], world["ann"]
    walk = walkthrough_start(agent=ann, playbook=playbook("dialer"), actor=tl, now=NOW)
    outcome_record(walkthrough=walk, outcome=StepOutcome.SOLVED, note="Rebooted", actor=tl, now=NOW)
    walk.refresh_from_db()
    assert walk.started_at == NOW and walk.ended_at == NOW
    start, outcome = AuditEntry.objects.filter(action__startswith="walkthrough_").order_by("pk")
    assert (start.action, start.actor) == ("walkthrough_start", tl)
    assert start.changes == {"walkthrough": walk.pk, "playbook": "dialer"}
    assert outcome.action == "walkthrough_outcome"
    assert outcome.changes == {
        "walkthrough": walk.pk,
        "step": 1,
        "outcome": "solved",
        "note": "Rebooted",
        "status": Walkthrough.SOLVED,
        "result": "solved at step 1",
    }
