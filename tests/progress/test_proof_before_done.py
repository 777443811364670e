"""Proof before done (issue 12 item 4; SPEC §2, §3, R-B2, R-P4): AHIP and the carrier
certification (13 green checks) become done only through an accepted proof; a direct "mark
done" is refused with a message saying to upload the screenshot — in the service, so on the
board, the agent page, the forms and the API alike — and accepting the proof still completes
the task.

The scenario of tests/test_write_matrix.py (Monday 11/30/2026): LIC-B is in its licensing
phase with agent E101 (Liz Lane); Licensing and tl.two work it.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from esp.progress import services
from esp.progress.models import Fact, Proof
from esp.progress.pages import agent_row
from esp.progress.services.proofs import proof_review, proof_submit
from esp.roster.roles import ESP_MANAGER, LICENSING
from tests.access.test_write_matrix import (  # noqa: F401 - the autouse fixture: Monday 11/30, proofs apart
    NOW,
    build_world,
    monday_november_30,
)
from tests.web_support import messages_of, png

TODAY = NOW.date()
UPLOAD = "upload the completion screenshot under Proofs on the agent's page"
CHECKS = "upload the screenshot showing the 13 green checks under Proofs"


@pytest.fixture
def world(program, write, esp):
    return build_world(program, write, esp)


def task_facts(task: str) -> int:
    return Fact.objects.filter(kind="task", item=task).count()


def status_of(agent, task: str) -> str:
    return next(c.status for c in agent_row(agent, TODAY).cells if c.task == task)


def test_it_refuses_a_direct_done_for_ahip_and_the_carrier_certification(world):
    """Issue 12 item 4 in the service: whoever asks, the command line included."""
    liz = world.agents["E101"]
    for actor in (world.users[ESP_MANAGER], world.users[LICENSING], None):
        with pytest.raises(ValidationError, match=UPLOAD):
            services.task_status_set(agent=liz, task="ahip", status="done", day=TODAY, actor=actor)
        with pytest.raises(ValidationError, match=CHECKS):
            services.task_status_set(
                agent=liz, task="carrier_cert", status="done", day=TODAY, actor=actor
            )
    assert task_facts("ahip") == task_facts("carrier_cert") == 0
    licensing = world.users[LICENSING]
    for status in ("in_progress", "not_applicable", "failed"):  # only "done" needs the proof
        services.task_status_set(agent=liz, task="ahip", status=status, day=TODAY, actor=licensing)
    services.task_status_set(
        agent=liz, task="producer_world", status="done", day=TODAY, actor=licensing
    )  # a task without a proof is marked done directly
    assert status_of(liz, "producer_world") == "done"


def test_it_completes_the_task_when_its_proof_is_accepted(world):
    liz, licensing = world.agents["E101"], world.users[LICENSING]
    proof = proof_submit(
        agent=liz, item="carrier_cert", name="checks.png", data=png(), actor=licensing
    )
    assert status_of(liz, "carrier_cert") == "not_started"
    proof_review(proof=proof, accept=True, actor=licensing, day=TODAY)
    fact = Fact.objects.get(kind="task", item="carrier_cert")
    assert (fact.value, fact.proof, fact.source) == ("done", proof, "proof")
    assert status_of(liz, "carrier_cert") == "done"


def test_it_says_to_upload_the_screenshot_on_the_board_and_the_agent_page(world, client):
    client.force_login(world.users[LICENSING])
    url = reverse("progress:task_status", args=["E101", "ahip"])
    row = client.post(url, {"status": "done", "based_on": ""}, HTTP_HX_REQUEST="true")
    assert row.status_code == 409
    assert UPLOAD in row.content.decode().replace("&#x27;", "'")
    page = client.post(url, {"status": "done", "based_on": ""})
    assert page.status_code == 302
    assert any(UPLOAD in m for m in messages_of(page))
    response = client.post(
        reverse("progress:task_status", args=["E101", "carrier_cert"]), {"status": "done"}
    )
    assert any(CHECKS in m for m in messages_of(response))
    assert task_facts("ahip") == task_facts("carrier_cert") == 0


def test_it_says_to_upload_the_screenshot_in_the_api(world):
    client = APIClient()
    client.force_authenticate(world.users[LICENSING])
    for task, text in (("ahip", UPLOAD), ("carrier_cert", CHECKS)):
        response = client.post(
            f"/api/v1/agents/E101/tasks/{task}/", {"status": "done", "based_on": ""}, format="json"
        )
        assert response.status_code == 400, task
        assert text in response.json()["detail"], task
    assert task_facts("ahip") == task_facts("carrier_cert") == 0


def test_the_carrier_cert_form_submits_the_screenshot_and_waits_for_its_acceptance(world, client):
    client.force_login(world.users[LICENSING])
    response = client.post(
        reverse("progress:tracking_form", args=["carrier-cert"]),
        {
            "agent": "E101",
            "day": "11/30/2026",
            "certification": "ahip",
            "screenshot": SimpleUploadedFile("ahip.png", png(), "image/png"),
        },
    )
    assert response.status_code == 302
    proof = Proof.objects.get(item="ahip")
    assert status_of(world.agents["E101"], "ahip") == "in_progress"
    client.post(reverse("progress:proof_decide", args=[proof.pk]), {"decision": "accept"})
    assert status_of(world.agents["E101"], "ahip") == "done"


def test_the_board_offers_no_direct_done_for_a_task_that_needs_its_proof(world, client):
    """Issue 12 item 4: the status menu of AHIP and the carrier certification has no "Done"
    (the proof's acceptance sets it) and says how it gets done; other tasks keep it."""
    client.force_login(world.users[LICENSING])
    page = client.get(reverse("progress:board", args=["LIC-B"])).content.decode()

    def menu(task: str) -> str:  # the form the chip's link brings (issue 14)
        action = reverse("progress:task_status", args=["E101", task])
        link = re.search(rf'href="({re.escape(action)}\?[^"]*)"', page).group(1)
        form = client.get(html.unescape(link), HTTP_HX_REQUEST="true").content.decode()
        return form.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]

    for task in ("ahip", "carrier_cert"):
        assert '<option value="done"' not in menu(task), task
        assert '<option value="not_applicable"' in menu(task), task
        assert "Done when its proof is accepted: upload the screenshot under Proofs." in menu(task)
    assert '<option value="done"' in menu("producer_world")


def test_the_agent_page_offers_no_direct_done_for_a_task_that_needs_its_proof(world, client):
    """The agent page's status forms (built in Python, issue 14) say the same as the board's:
    no "Done" for AHIP and the carrier certification, the current status selected."""
    client.force_login(world.users[LICENSING])
    page = client.get(reverse("progress:agent", args=["E101"])).content.decode()

    def menu(task: str) -> str:
        action = reverse("progress:task_status", args=["E101", task])
        return page.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]

    for task in ("ahip", "carrier_cert"):
        assert '<option value="done"' not in menu(task), task
        assert '<option value="not_applicable"' in menu(task), task
        assert "Done when its proof is accepted: upload the screenshot under Proofs." in menu(task)
    assert '<option value="done"' in menu("producer_world")
    assert menu("producer_world").count(" selected>") == 1
