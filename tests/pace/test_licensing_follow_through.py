"""Licensing follows through (issue 15 item 13; seed 002, SPEC R-N4a, R-B2): a proctored last
attempt is marked arranged with its day and leaves the "to arrange" list; a second attempt on
the same day as the previous one is recorded with a warning; a late carrier-cert proof stays in
Licensing's review queue after the class leaves the licensing phase.

The scenario of tests/test_write_matrix.py (Monday 11/30/2026): AET-A (started 11/02, past its
licensing phase) has tl.one / pm.one and agents E001 (Ann Able) and E002; LIC-B (licensing now)
has tl.two and E101 (Liz Lane).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.pace.models import ProctoredArrangement
from esp.pace.services import proctored_arrange
from esp.progress import services
from esp.progress.models import Proof
from esp.progress.services.proofs import proof_submit
from esp.roster.roles import LICENSING, TL
from esp.rules.exams import failed_twice_on, same_day_repeats
from esp.rules.records import Fact as RuleFact
from tests.access.test_write_matrix import (  # noqa: F401 - the autouse fixture: Monday 11/30, proofs apart
    NOW,
    build_world,
    monday_november_30,
)
from tests.web_support import messages_of, png

TODAY = NOW.date()


@pytest.fixture
def world(program, write, esp):
    return build_world(program, write, esp)


def fail_ahip_twice(world, employee_id="E101"):
    for day in (25, 27):
        services.fact_record(
            agent=world.agents[employee_id], day=date(2026, 11, day), kind="exam", item="ahip",
            value="failed", actor=world.users[LICENSING],
        )  # fmt: skip


# -- the proctored last attempt (R-N4a) ----------------------------------------------------------


def test_it_moves_a_proctored_attempt_from_to_arrange_to_arranged_for_its_day(world, client):
    """R-N4a: "second fail → written CAP due and a proctored third attempt to arrange
    (licensing)" — Licensing marks it arranged from their Today; it then shows "arranged for"."""
    fail_ahip_twice(world)
    client.force_login(world.users[LICENSING])
    today = client.get(reverse("web:today")).content.decode()
    assert "Proctored last attempts to arrange (1)" in today
    assert "Liz Lane</a> (E101): AHIP failed 2 times" in today
    response = client.post(
        reverse("pace:proctored_arrange", args=["E101"]),
        {"exam": "ahip", "arranged_for": "12/02/2026", "next": reverse("web:today")},
    )
    assert response["Location"] == reverse("web:today") + "#proctored"
    assert messages_of(response) == [
        "Proctored last attempt of Liz Lane (AHIP final exam) arranged for 12/02/2026."
    ]
    today = client.get(reverse("web:today")).content.decode()
    assert "Proctored last attempts to arrange (0)" in today
    assert "Liz Lane</a> (E101): AHIP final exam — arranged for 12/02/2026" in today
    page = client.get(reverse("progress:agent", args=["E101"])).content.decode()
    assert "of AHIP final exam (after 2 fails): arranged for 12/02/2026." in page
    row = ProctoredArrangement.objects.get()
    assert (row.exam, row.fails, row.arranged_by) == ("ahip", 2, world.users[LICENSING])
    audit = AuditEntry.objects.get(action="proctored_arranged")
    assert audit.changes["arranged_for"] == [None, "2026-12-02"]


def test_it_offers_the_arrangement_on_the_agent_page_and_moves_its_day(world, client):
    """R-N4a, from the agent page: "to arrange" with a form; arranging again moves the day."""
    fail_ahip_twice(world)
    client.force_login(world.users[LICENSING])
    page = client.get(reverse("progress:agent", args=["E101"])).content.decode()
    assert "of AHIP final exam (after 2 fails): to arrange." in page
    assert reverse("pace:proctored_arrange", args=["E101"]) in page
    agent, user = world.agents["E101"], world.users[LICENSING]
    proctored_arrange(agent=agent, exam="ahip", arranged_for=date(2026, 12, 1), today=TODAY,
                      actor=user)  # fmt: skip
    proctored_arrange(agent=agent, exam="ahip", arranged_for=date(2026, 12, 3), today=TODAY,
                      actor=user)  # fmt: skip
    assert ProctoredArrangement.objects.get().arranged_for == date(2026, 12, 3)
    page = client.get(reverse("progress:agent", args=["E101"])).content.decode()
    assert "arranged for 12/03/2026" in page


def test_it_refuses_an_arrangement_nobody_needs_a_past_day_and_the_tl(world):
    """R-N4a: only an exam failed attempts − 1 times and not passed has a last attempt to
    arrange, for today or later, by Licensing (the TL records no exam)."""
    agent, user = world.agents["E101"], world.users[LICENSING]
    with pytest.raises(ValidationError, match="has no proctored last attempt of ahip"):
        proctored_arrange(agent=agent, exam="ahip", arranged_for=TODAY, today=TODAY, actor=user)
    fail_ahip_twice(world)
    with pytest.raises(ValidationError, match="11/27/2026, a day already past"):
        proctored_arrange(agent=agent, exam="ahip", arranged_for=date(2026, 11, 27),
                          today=TODAY, actor=user)  # fmt: skip
    with pytest.raises(PermissionDenied):
        proctored_arrange(agent=agent, exam="ahip", arranged_for=TODAY, today=TODAY,
                          actor=world.users[TL])  # fmt: skip
    assert not ProctoredArrangement.objects.exists()


# -- a second attempt on the same day --------------------------------------------------------------


def test_it_names_an_attempt_on_the_same_day_as_the_previous_one():
    """Issue 15 item 13: "warn on a second attempt on the same day" — per exam."""
    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    facts = [
        RuleFact(monday, 1, "exam", "ahip", "failed"),
        RuleFact(monday, 2, "exam", "carrier_cert", "failed"),  # another exam: fine
        RuleFact(monday, 3, "exam", "ahip", "failed"),  # the same day: warned
        RuleFact(tuesday, 4, "exam", "ahip", "passed"),
    ]
    assert same_day_repeats(facts) == [facts[2]]


def test_it_warns_when_the_failed_exam_form_records_a_second_attempt_the_same_day(world, client):
    """Seed 002 (the Failed Carrier Cert Exams form): the attempt is recorded, with a warning
    to check the date; the agent page marks it."""
    client.force_login(world.users[LICENSING])
    url = reverse("progress:tracking_form", args=["failed-exam"])
    data = {"agent": "E101", "exam": "ahip", "note": "62%", "day": "11/30/2026"}
    first = client.post(url, data)
    assert not any("same day" in m for m in messages_of(first))
    second = client.post(url, {**data, "note": "65%"})
    assert (
        "Liz Lane already had an attempt at this exam on 11/30/2026: this is a second attempt "
        "on the same day. Check that the date is right."
    ) in messages_of(second)
    page = client.get(reverse("progress:agent", args=["E101"])).content.decode()
    assert page.count('class="chip late">second attempt on the same day') == 1


def test_it_warns_wherever_a_second_fail_the_same_day_is_recorded(world, client):
    """Seed 002 (a failed carrier-cert exam is recorded): the same-day warning is not the
    Failed Exams form's alone — setting AHIP to Failed on the agent page after the form
    recorded today's fail warns too, and so does the API's answer (a `warning` field)."""
    client.force_login(world.users[LICENSING])
    form = reverse("progress:tracking_form", args=["failed-exam"])
    client.post(form, {"agent": "E101", "exam": "ahip", "note": "62%", "day": "11/30/2026"})
    status = reverse("progress:task_status", args=["E101", "ahip"])
    response = client.post(status, {"status": "failed", "note": "", "based_on": ""})
    warning = (
        "Liz Lane already had an attempt at this exam on 11/30/2026: this is a second attempt "
        "on the same day. Check that the date is right."
    )
    assert warning in messages_of(response)
    based_on = str(services.latest_fact(world.agents["E101"], "task", "ahip").pk)
    answer = client.post(
        "/api/v1/agents/E101/tasks/ahip/",
        {"status": "failed", "note": "again", "based_on": based_on},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["warning"] == warning
    calm = client.post(
        "/api/v1/agents/E101/tasks/carrier_cert/",
        {"status": "failed", "note": "", "based_on": ""},
        content_type="application/json",
    )
    assert calm.status_code == 200 and "warning" not in calm.json()  # its first fail today


def test_it_counts_fails_from_the_form_and_the_task_status_alike():
    """The rule behind the warning: exam fails and the exam's task set to failed, per day."""
    monday, tuesday = date(2026, 11, 30), date(2026, 12, 1)
    facts = [
        RuleFact(monday, 1, "exam", "ahip", "failed"),
        RuleFact(monday, 2, "task", "carrier_cert", "failed"),
        RuleFact(tuesday, 3, "task", "ahip", "failed"),
    ]
    assert not failed_twice_on(facts, "ahip", monday)
    assert failed_twice_on([*facts, RuleFact(monday, 4, "task", "ahip", "failed")], "ahip", monday)
    assert not failed_twice_on(
        [*facts, RuleFact(monday, 4, "task", "ahip", "done")], "ahip", monday
    )


# -- a late carrier-cert proof (R-B2) --------------------------------------------------------------


def test_it_keeps_a_late_carrier_cert_proof_in_licensings_queue_after_the_licensing_phase(
    world, client
):
    """Seed 002: Licensing makes sure agents "complete AHIP and Aetna Certifications"; R-B2:
    "only an accepted proof completes a task" — AET-A left the licensing phase weeks ago, and
    Ann Able's Aetna screenshot still reaches Licensing, who decides it."""
    proof_submit(agent=world.agents["E001"], item="carrier_cert", name="checks.png",
                         data=png(), actor=world.users[TL])  # fmt: skip
    client.force_login(world.users[LICENSING])
    queue = client.get(reverse("progress:review_queue")).content.decode()
    assert "checks.png" in queue and "Ann Able" in queue
    assert "1 proof waiting for review" in client.get(reverse("web:today")).content.decode()
    proof = Proof.objects.get()
    response = client.post(
        reverse("progress:proof_decide", args=[proof.pk]), {"decision": "accept"}
    )
    assert messages_of(response) == ["checks.png accepted (Ann Able)."]
    assert Proof.objects.get().status == Proof.ACCEPTED
    client.get(reverse("web:today"))  # the message read
    assert "checks.png" not in client.get(reverse("progress:review_queue")).content.decode()
