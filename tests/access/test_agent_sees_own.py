"""Agents see only what is addressed to them (issue 12 item 5; SPEC §1, R-N1, R-N4b, R-L5).

The scenario of tests/test_access_matrix.py, as of Monday 11/30/2026 noon (America/Chicago):
class AET-A is in its ESP phase (since 11/25) with TL tl.one; the agent account ann@ is
E001's. On E001 the TL wrote a staff-only note, a note to the agent, a staff remark with a
task status, raised a red flag with its details, delivered a coaching (the expectation is
the agent's), a termination review (a recommendation to the PM) and a written CAP dated
Wednesday 12/02 (not delivered yet as of today).

The agent page and the API, opened as the agent, show the note to the agent, the coaching's
expectation and the steps due, and never the others; staff see everything.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from esp.accountability.models import CapDocument
from esp.progress import services
from esp.progress.models import Fact
from esp.roster.models import Agent
from esp.roster.roles import AGENT, TL
from esp.roster.services.staff import create_esp_manager
from tests.access.test_access_matrix import CLASSES, NOW, ROSTER
from tests.web_support import staff

TODAY = NOW.date()  # Monday 11/30/2026

STAFF_NOTE = "Keeps leaving the room early; watch closely"
TO_AGENT = "Great progress today, finish the TBTs tomorrow"
TASK_REMARK = "TL remark: struggled with AHIP module 3"
FLAG_DETAIL = "Background check: county record under review"
EXPECTATION = "Finish the TBTs by Wednesday"
TERM_REVIEW = "Recommend termination: no progress in 5 days"
CAP_EXPECTATION = "Complete Call Certs by Thursday or a final CAP follows"
HIDDEN = [STAFF_NOTE, TASK_REMARK, FLAG_DETAIL, TERM_REVIEW, CAP_EXPECTATION]


@pytest.fixture(autouse=True)
def monday_november_30():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(program, esp, write):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    people = {
        "manager": create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1"),
        "tl": staff("tl.one@cxp.example", TL),
        "ann": staff("ann@cxp.example", AGENT),
    }
    Agent.objects.filter(employee_id="E001").update(user=people["ann"])
    agent = Agent.objects.select_related("training_class__program").get(employee_id="E001")
    tl = people["tl"]
    services.note_add(agent=agent, text=STAFF_NOTE, day=TODAY, actor=tl)
    services.note_add(agent=agent, text=TO_AGENT, day=TODAY, actor=tl, to_agent=True)
    services.task_status_set(
        agent=agent, task="tbt", status="in_progress", note=TASK_REMARK, day=TODAY, actor=tl
    )
    services.flag_raise(agent=agent, flag="background_check", day=TODAY, actor=tl, note=FLAG_DETAIL)
    services.step_deliver(
        agent=agent, ladder="esp", step="coaching", expectation=EXPECTATION, day=TODAY, actor=tl
    )
    services.step_deliver(
        agent=agent,
        ladder="esp",
        step="termination_review",
        expectation=TERM_REVIEW,
        day=TODAY,
        actor=tl,
    )
    services.step_deliver(
        agent=agent,
        ladder="esp",
        step="written_cap",
        expectation=CAP_EXPECTATION,
        day=date(2026, 12, 2),
        actor=tl,
    )
    people["agent"] = agent
    return people


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def agent_page(user, **query) -> str:
    response = signed_in(user).get(reverse("progress:agent", args=["E001"]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_agent_the_note_written_to_them_and_no_staff_matters(world):
    """Issue 12 item 5 (§1): on their own page the agent reads the note written to them and
    the expectation of the delivered coaching; never a staff-only note, a status remark, a red
    flag or its details, a termination review, nor the CAP dated after today."""
    page = agent_page(world["ann"])
    assert TO_AGENT in page
    assert EXPECTATION in page
    for text in HIDDEN:
        assert text not in page, text
    assert "Red flag" not in page
    assert "background check" not in page.lower()
    assert "Termination review" not in page
    # Choosing a later day to look at shows no more: the written CAP is still staff's.
    later = agent_page(world["ann"], as_of="12/03/2026")
    for text in HIDDEN:
        assert text not in later, text
    assert "/cap-documents/" not in page


def test_it_shows_the_agent_their_due_steps_but_never_a_termination_review(world):
    """Issue 12 item 5 (§1 "due steps", R-L5): the agent sees the coaching and CAPs owed on
    their ladders; a termination review owed is a recommendation to the PM, staff's only.

    Licensing started Wednesday 11/04 (timeframe 3): coaching fell due Monday 11/09; delivered
    11/09, 11/10 and Thursday 11/12 (Veterans Day 11/11 is a holiday) the written and final
    CAPs follow, and the termination review is overdue since Friday 11/13."""
    due = "</strong> on the licensing ladder — overdue"
    assert f"Coaching{due}" in agent_page(world["ann"])
    assert f"Coaching{due}" in agent_page(world["tl"])
    for step, day in (("coaching", 9), ("written_cap", 10), ("final_cap", 12)):
        services.step_deliver(
            agent=world["agent"],
            ladder="licensing",
            step=step,
            expectation=f"Licensing {step}",
            day=date(2026, 11, day),
            actor=world["tl"],
        )
    assert f"Termination review{due}" in agent_page(world["tl"])
    page = agent_page(world["ann"])
    assert "Termination review" not in page
    assert "Licensing final_cap" in page  # the final CAP delivered to them, with its document

    steps = api(world["ann"]).get("/api/v1/agents/E001/ladder-steps/").json()
    assert "termination_review" not in {s["step"] for s in steps["due"]}
    staff_steps = api(world["tl"]).get("/api/v1/agents/E001/ladder-steps/").json()
    assert "termination_review" in {s["step"] for s in staff_steps["due"]}
    report = api(world["ann"]).get("/api/v1/reports/actions/").json()
    assert {a["step"] for a in report["actions"] if a["employee_id"] == "E001"} <= {
        "coaching",
        "written_cap",
        "final_cap",
    }
    staff_report = api(world["tl"]).get("/api/v1/reports/actions/").json()
    assert ("E001", "termination_review") in {
        (a["employee_id"], a["step"]) for a in staff_report["actions"]
    }


def test_it_shows_staff_every_note_flag_and_step(world):
    """Issue 12 item 5: staff still see everything, each note marked when written to the
    agent."""
    page = agent_page(world["tl"])
    for text in [TO_AGENT, EXPECTATION, STAFF_NOTE, TASK_REMARK, FLAG_DETAIL, TERM_REVIEW]:
        assert text in page, text
    assert "(to the agent)" in page
    notes = api(world["manager"]).get("/api/v1/agents/E001/notes/").json()
    texts = {n["note"] for n in notes}
    assert {TO_AGENT, STAFF_NOTE, TASK_REMARK, FLAG_DETAIL, TERM_REVIEW} <= texts
    assert {n["note"]: n["to_agent"] for n in notes}[TO_AGENT] is True
    assert {n["note"]: n["to_agent"] for n in notes}[STAFF_NOTE] is False


def test_it_answers_the_agent_s_api_notes_with_the_notes_written_to_them_only(world):
    """Issue 12 item 5: /api/v1/agents/<id>/notes/ as the agent; the delivered steps too."""
    client = api(world["ann"])
    notes = client.get("/api/v1/agents/E001/notes/").json()
    texts = [n["note"] for n in notes]
    assert TO_AGENT in texts and EXPECTATION in texts
    for text in HIDDEN:
        assert text not in texts, text
    steps = client.get("/api/v1/agents/E001/ladder-steps/").json()
    assert [f["item"] for f in steps["delivered"]] == ["coaching"]
    body = str(client.get("/api/v1/agents/E001/tasks/").json())
    assert TASK_REMARK not in body


def test_it_refuses_the_agent_a_cap_document_not_yet_delivered(world):
    """Issue 12 item 5: the written CAP dated 12/02 is not the agent's on 11/30; the TL can
    open it. On 12/02 it is delivered and the agent can."""
    document = CapDocument.objects.get(fact__item="written_cap")
    url = reverse("accountability:cap_download", args=[document.pk])
    assert signed_in(world["ann"]).get(url).status_code == 404
    assert signed_in(world["tl"]).get(url).status_code == 200
    with time_machine.travel(NOW.replace(day=2, month=12), tick=False):
        assert signed_in(world["ann"]).get(url).status_code == 200


def test_it_writes_a_note_to_the_agent_from_the_page_checkbox(world):
    """Issue 12 item 5: the note form's "Visible to the agent" box; unticked is staff-only."""
    client = signed_in(world["tl"])
    url = reverse("progress:add_note", args=["E001"])
    client.post(url, {"note": "Shared with Ann", "to_agent": "on"})
    client.post(url, {"note": "Only for staff"})
    assert Fact.objects.get(note="Shared with Ann").to_agent is True
    assert Fact.objects.get(note="Only for staff").to_agent is False
    assert 'name="to_agent"' in agent_page(world["tl"])
    page = agent_page(world["ann"])
    assert "Shared with Ann" in page
    assert "Only for staff" not in page


def test_it_writes_a_note_to_the_agent_through_the_api(world):
    """Issue 12 item 5: POST /notes/ takes `to_agent` (default: staff-only)."""
    client = api(world["tl"])
    made = client.post(
        "/api/v1/agents/E001/notes/", {"note": "API to Ann", "to_agent": True}, format="json"
    )
    assert made.status_code == 201 and made.json()["to_agent"] is True
    client.post("/api/v1/agents/E001/notes/", {"note": "API staff only"}, format="json")
    texts = [n["note"] for n in api(world["ann"]).get("/api/v1/agents/E001/notes/").json()]
    assert "API to Ann" in texts
    assert "API staff only" not in texts


def notes_timeline(page: str) -> dict[str, bool]:
    """The Notes timeline of a page: each note's text → whether it is marked "(to the agent)"."""
    import re

    timeline = page.split('<h2 id="notes">', 1)[1].split('<ul class="timeline">', 1)[1]
    timeline = timeline.split("</ul>", 1)[0]
    return {
        re.sub(r"^\d\d/\d\d/\d{4} - [^-]+ - ", "", item.split(" <em>")[0]): "(to the agent)" in item
        for item in re.findall(r"<li>(.*?)</li>", timeline)
    }


def test_it_marks_for_staff_every_note_the_agent_reads(world):
    """Issue 12 item 2 (follow-up of item 5; SPEC §1, R-N1): the staff page marks "(to the
    agent)" on each note the agent's own view shows — the note written to them and the
    coaching's expectation (printed on what they sign) — computed by facts_for_agent, and on
    none of the staff remarks, the termination review or a step dated after today."""
    marked = notes_timeline(agent_page(world["tl"], as_of="12/02/2026"))
    assert marked[TO_AGENT] and marked[EXPECTATION]
    for text in HIDDEN:
        assert marked.get(text) is False, text  # shown to staff, not marked
    assert marked[CAP_EXPECTATION] is False  # dated 12/02: not the agent's yet on 11/30


def test_it_puts_the_visible_to_the_agent_box_beside_its_label(world):
    """Issue 12 item 2: the checkbox sits in a row with its label (label.check), not alone in
    the middle of a column; the note form's ids are its own (the other forms have a "note"
    field too) and the help text is the one the box is described by."""
    page = agent_page(world["tl"])
    assert (
        '<label class="check" for="add-note-to_agent"><input type="checkbox" name="to_agent" '
        'aria-describedby="add-note-to_agent_helptext" id="add-note-to_agent"> Visible to the '
        'agent</label><span class="detail" id="add-note-to_agent_helptext">'
    ) in page
