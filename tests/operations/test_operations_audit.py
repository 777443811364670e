"""Issue 13: every operations step is an audited write (STYLE §4): who, which step, when."""

from __future__ import annotations

from esp.audit.models import AuditEntry
from esp.operations import services
from esp.roster.models import Agent, TrainingClass
from tests.operations.test_operations import (  # noqa: F401
    AS_OF,
    NOW,
    esp_complete,
    monday_december_7,
    world,
)


def test_it_audits_each_extension_step(program, world):  # noqa: F811
    tc = TrainingClass.objects.get(code="AET-A")
    agent = Agent.objects.get(employee_id="E001")
    services.extension_step_record(
        program=program, training_class=tc, step="extend_end", agent=agent,
        value="12/10/2026", actor=world, now=NOW, as_of=AS_OF,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="extension_step")
    assert (entry.actor, entry.object_id) == (world, "E001")
    assert entry.changes == {"class": "AET-A", "step": [None, "extend_end"], "value": "2026-12-10"}


def test_it_audits_each_transfer_step(program, world):  # noqa: F811
    agent = Agent.objects.get(employee_id="E001")
    esp_complete(program, agent, world)  # issue 15 item 9: an ESP-complete agent's only
    services.transfer_step_record(
        program=program, agent=agent, step="cc_effective", actor=world, now=NOW, today=AS_OF
    )
    entry = AuditEntry.objects.get(action="transfer_step")
    assert (entry.actor, entry.object_id) == (world, "E001")
    assert entry.changes["step"] == [None, "cc_effective"]  # the seed's first step
