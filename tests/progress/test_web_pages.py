"""The tracker pages through the Django test client (issue 4; SPEC §1, §17, R-N1, R-N3, R-N4,
R-N4b, R-L5, R-Q1, §15 tracker): the class board, the agent page and its actions, the five
tracking forms, sign-in, sessions and invitations.

The scenario of test_reports as of Wednesday 12/02/2026 noon (AET-A's ESP day 5): tl.one runs
AET-A (E001–E004, E006; E005 moved to AET-B); E004/E006 are at PRV, the others at the class's
site SLC, and E004's TL is tl.two, who runs AET-B.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from esp.mailing.models import OutboxMessage
from esp.mailing.services.lists import list_set
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.programs.models import Site
from esp.progress.models import CarrierTicket, Fact, Proof
from esp.progress.pages import agent_page, agent_row
from esp.progress.services.tracking import call_score_record
from esp.reports.builders import build_report
from esp.roster.models import Agent
from esp.roster.roles import AGENT, PM, TL
from esp.roster.services.staff import create_esp_manager, ensure_staff
from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER
from tests.web_support import PASSWORD, messages_of, png, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 2, 12, tzinfo=CHICAGO)
TODAY = NOW.date()
MANAGERS = ["esp.manager@cxp.example"]
OPS_MANAGEMENT = ["ops.director@cxp.example"]
LICENSING = ["licensing@cxp.example"]


@pytest.fixture(autouse=True)
def wednesday_december_2(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    prv = Site.objects.get(code="PRV")
    Agent.objects.filter(employee_id__in=["E004", "E006"]).update(site=prv)
    people = {
        "tl": staff("tl.one@cxp.example", TL),
        "other_tl": staff("tl.two@cxp.example", TL),
        "pm": staff("pm.one@cxp.example", PM),
        "manager": create_esp_manager(MANAGERS[0], PASSWORD),
    }
    Agent.objects.filter(employee_id="E004").update(tl=people["other_tl"])
    ensure_lists_and_schedules(program, active_from=TODAY)
    list_set("esp_managers", MANAGERS)
    list_set("ops_management", OPS_MANAGEMENT)
    list_set("licensing", LICENSING)
    OutboxMessage.objects.all().delete()  # the import's invitations: not ours
    return people


@pytest.fixture
def tl(client, people):
    client.force_login(people["tl"])
    return client


def row_html(page: str, employee_id: str) -> str:
    match = re.search(rf'<tr id="row-{employee_id}".*?</tr>', page, re.S)
    assert match, f"no row for {employee_id}"
    return match.group(0)


def row_ids(page: str) -> list[str]:
    return re.findall(r'<tr id="row-(E\d+)"', page)


def based_on(page: str, employee_id: str, task: str) -> str:
    """The `based_on` of the status form of one cell, as the page was loaded (the cell's
    link to its form carries it, issue 14)."""
    action = re.escape(reverse("progress:task_status", args=[employee_id, task]))
    match = re.search(rf'href="{action}\?[^"]*based_on=(\d*)', page)
    assert match, f"no form for {employee_id} {task}"
    return match.group(1)


def board(client, **query) -> str:
    response = client.get(reverse("progress:board", args=["AET-A"]), query)
    assert response.status_code == 200
    return response.content.decode()


def agent(employee_id: str) -> Agent:
    return Agent.objects.select_related("training_class__program").get(employee_id=employee_id)


def status_of(employee_id: str, task: str) -> str:
    return next(c.status for c in agent_row(agent(employee_id), TODAY).cells if c.task == task)


# -- the class board -------------------------------------------------------------------------------


def test_it_shows_one_row_per_agent_with_the_programs_tasks_chips_ages_and_late(
    tl, people, program
):
    page = board(tl)
    assert row_ids(page) == ["E001", "E002", "E003", "E004", "E006"]  # E005 moved to AET-B
    for task in program.tasks.all():
        assert f'<th scope="col">{task.name}</th>' in page
    bob = row_html(page, "E002")
    # Chips carry their text, never color alone; the age in business days; "late" (R-I1).
    assert (
        'aria-label="Producer World registration: In progress, 18 business days, late. Change"'
        in bob
    )
    assert ">In progress</summary>" in bob and "18 bd · late" in bob
    assert "Call certification: Failed, 4 business days, late" in bob
    assert "2/5 calls passed, 40%" in bob  # 100, 70, 70, 70, 90 with a pass mark of 80
    # The TL changes every status but the transfer (the ESP Manager's, issue 12 item 3).
    assert "Transferred to production: Not started, 1 business day. Change" not in bob
    assert reverse("progress:task_status", args=["E002", "transfer"]) not in bob
    ann = row_html(page, "E001")
    # E001 is ESP complete; the TL changes all but the transfer, AHIP and the carrier
    # certification (Licensing's: issue 12 follow-up item 1), shown done, read only
    assert ann.count(">Done</summary>") == 5 and ann.count(">Done</span>") == 2
    transfer = ann.rsplit('<td class="cell">', 1)[1]  # the last column: read only for a TL
    # Its age counts from ESP complete, as the "transfer needed" list's does (R-P4, issue 17).
    [needed] = [
        s
        for s in build_report("incompletions", as_of=TODAY)["sections"]
        if s["key"] == "transfer_needed"
    ]
    assert [(a["employee_id"], a["age_business_days"]) for a in needed["agents"]] == [("E001", 2)]
    assert '<span class="chip todo">Not started</span>' in transfer and "2 bd · late" in transfer
    assert "Termed" in row_html(page, "E003") and 'class="inactive"' in row_html(page, "E003")
    assert 'href="/classes/AET-A/tracker.xlsx?as_of=2026-12-02"' in page
    assert tl.get(reverse("progress:board", args=["AET-B"])).status_code == 404  # not tl.one's
    tl.force_login(people["other_tl"])
    other = tl.get(reverse("progress:board", args=["AET-B"]))
    assert other.status_code == 200 and row_ids(other.content.decode()) == ["E005"]  # moved in


def test_it_filters_by_site_tl_task_and_late_only_and_sorts(tl, client, people):
    assert row_ids(board(tl, site="PRV")) == ["E004", "E006"]
    assert row_ids(board(tl, site="SLC")) == ["E001", "E002", "E003"]  # the class's site
    assert row_ids(board(tl, tl="Tl Two")) == ["E004"]
    assert row_ids(board(tl, task="tbt")) == ["E003", "E004"]  # TBTs not done
    assert row_ids(board(tl, late="1")) == ["E001", "E002", "E004", "E006"]  # E003 is termed
    assert row_ids(board(tl, site="PRV", task="tbt")) == ["E004"]
    assert row_ids(board(tl, sort="site")) == ["E004", "E006", "E001", "E002", "E003"]
    assert row_ids(board(tl, sort="employee_id")) == ["E001", "E002", "E003", "E004", "E006"]
    by_age = row_ids(board(tl, sort="age"))
    assert by_age[:2] == ["E002", "E004"] and by_age[-1] == "E003"  # 18 days late first
    # E005 has moved to AET-B since: AET-B's TL's agent now, no longer on tl.one's board of
    # an earlier day (issue 12 items 1 and 2); the ESP Manager sees the class as it was
    before_the_move = row_ids(board(tl, as_of="2026-11-04"))
    assert before_the_move == ["E001", "E002", "E003", "E004", "E006"]
    client.force_login(people["manager"])
    before_the_move = row_ids(board(client, as_of="2026-11-04"))
    assert before_the_move == ["E001", "E002", "E003", "E004", "E005", "E006"]


def test_it_changes_a_status_in_place_with_htmx_and_returns_the_updated_row(tl, people):
    seen = based_on(board(tl), "E002", "producer_world")
    response = tl.post(
        reverse("progress:task_status", args=["E002", "producer_world"]),
        {"status": "done", "note": "Registered on the call", "based_on": seen},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    row = response.content.decode().strip()
    assert row.startswith('<tr id="row-E002"') and "<html" not in row
    assert 'aria-label="Producer World registration: Done. Change"' in row
    fact = Fact.objects.filter(agent__employee_id="E002", item="producer_world").last()
    assert (fact.value, fact.date, fact.by, fact.note, fact.recorded_by) == (
        "done",
        TODAY,
        "Tl One",
        "Registered on the call",
        people["tl"],
    )
    assert status_of("E002", "producer_world") == "done"


def test_it_refuses_a_change_based_on_an_older_fact_with_409_and_the_current_value(client, people):
    """§17 "no lost work": two people change the same agent from pages loaded earlier."""
    manager, tl = Client(), Client()
    manager.force_login(people["manager"])
    tl.force_login(people["tl"])
    seen = based_on(board(manager), "E002", "producer_world")
    assert based_on(board(tl), "E002", "producer_world") == seen
    url = reverse("progress:task_status", args=["E002", "producer_world"])
    first = manager.post(url, {"status": "done", "based_on": seen}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    facts = Fact.objects.count()

    second = tl.post(url, {"status": "failed", "based_on": seen}, HTTP_HX_REQUEST="true")
    assert second.status_code == 409
    message = (
        "The Producer World registration status was changed to &#x27;done&#x27; by Esp Manager on "
        "12/02/2026 since you loaded the page. Nothing was saved"
    )
    assert message in second.content.decode()
    assert 'aria-label="Producer World registration: Done. Change"' in second.content.decode()
    assert Fact.objects.count() == facts and status_of("E002", "producer_world") == "done"

    # The same without htmx: back to the page with the message; nothing saved either.
    third = tl.post(url, {"status": "failed", "based_on": seen})
    assert third.status_code == 302
    assert messages_of(third)[-1].startswith(
        "The Producer World registration status was changed to 'done'"
    )
    assert Fact.objects.count() == facts


def test_it_redirects_a_plain_post_back_to_the_page_it_came_from_and_only_there(tl):
    url = reverse("progress:task_status", args=["E004", "rts"])
    response = tl.post(url, {"status": "in_progress", "based_on": "", "next": "/classes/AET-A/"})
    assert response.status_code == 302 and response["Location"] == "/classes/AET-A/"
    assert messages_of(response) == [
        "RTS / No More Forms updated."
    ]  # issue 17: the task by its name
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example/"):
        response = tl.post(
            reverse("progress:add_note", args=["E004"]), {"note": "x", "next": elsewhere}
        )
        assert response["Location"] == "/agents/E004/#notes", elsewhere


# -- the agent page --------------------------------------------------------------------------------


def test_it_delivers_a_due_step_recording_who_when_and_the_expectation(tl, people):
    """R-L5; R-L3a: E006's written CAP on the esp ladder falls due today."""
    page = tl.get(reverse("progress:agent", args=["E006"])).content.decode()
    assert "<strong>Written CAP</strong> on the ESP ladder — due" in page
    due = [(s["ladder"], s["step"]) for s in agent_page(agent("E006"), TODAY).due_steps]
    assert ("esp", "written_cap") in due

    response = tl.post(
        reverse("progress:deliver", args=["E006"]),
        {"ladder": "esp", "step": "written_cap", "expectation": "Pass call cert by Friday"},
    )
    assert response.status_code == 302 and response["Location"] == "/agents/E006/#ladders"
    fact = Fact.objects.get(agent__employee_id="E006", kind="action", item="written_cap")
    assert (fact.value, fact.date, fact.by, fact.note, fact.recorded_by) == (
        "esp",
        TODAY,
        "Tl One",
        "Pass call cert by Friday",
        people["tl"],
    )
    due = [(s["ladder"], s["step"]) for s in agent_page(agent("E006"), TODAY).due_steps]
    assert ("esp", "written_cap") not in due
    page = tl.get(reverse("progress:agent", args=["E006"])).content.decode()
    assert "Deliver written CAP" not in page
    assert (
        "12/02/2026 — Written CAP for ESP timeframe (Call Certs + TBTs) by Tl One: "
        "“Pass call cert by Friday”"
    ) in page

    again = tl.post(
        reverse("progress:deliver", args=["E006"]),
        {"ladder": "esp", "step": "written_cap", "expectation": "Twice"},
    )
    assert "was changed to" in messages_of(again)[-1]
    assert Fact.objects.filter(agent__employee_id="E006", item="written_cap").count() == 1


def test_it_refuses_a_delivery_without_the_expectation(tl):
    response = tl.post(
        reverse("progress:deliver", args=["E006"]),
        {"ladder": "esp", "step": "written_cap", "expectation": ""},
    )
    assert messages_of(response) == ["Write the expectation set with the agent, then deliver."]
    assert not Fact.objects.filter(agent__employee_id="E006", item="written_cap").exists()


def test_it_adds_a_note_shown_as_date_name_note(tl):
    """R-N1: `MM/DD/YYYY - Author Name - Note`."""
    response = tl.post(
        reverse("progress:add_note", args=["E002"]), {"note": "Called about the portal"}
    )
    assert response.status_code == 302 and response["Location"] == "/agents/E002/#notes"
    page = tl.get(reverse("progress:agent", args=["E002"])).content.decode()
    assert "<li>12/02/2026 - Tl One - Called about the portal</li>" in page
    assert "<li>11/04/2026 - Tl One - Portal locked</li>" in page  # imported, by name (issue 17)


def test_a_scored_call_is_no_note_and_a_self_report_names_the_agent(tl, people):
    """Issue 17 item 4: a call's remark stays with its score (Call certification), not one
    note per call; an agent's self-report prints with the agent's name, not their e-mail."""
    agent = Agent.objects.get(employee_id="E002")
    call_score_record(
        agent=agent, call=2, score=91, notes="Good rebuttals", day=TODAY, actor=people["manager"]
    )
    Fact.objects.create(
        agent=agent, date=TODAY, kind="self_report", by="bob@cxp.example", note="TBTs done"
    )
    page = tl.get(reverse("progress:agent", args=["E002"])).content.decode()
    notes = page[page.index('id="notes"') :]
    assert "Good rebuttals" in page and "Good rebuttals" not in notes
    assert "<li>12/02/2026 - Bob Baker - TBTs done <em>(self-report)</em></li>" in notes


def test_the_agent_pages_forms_have_ids_of_their_own_and_start_on_the_current_equipment(tl):
    """Issue 17 (found in issue 13's walk): each label points at its own form's field, and the
    equipment form opens on the agent's current status, so a quick "Record" changes nothing."""
    url = reverse("progress:equipment", args=["E002"])
    tl.post(url, {"status": "verified", "ticket": "", "based_on": ""})
    page = tl.get(reverse("progress:agent", args=["E002"])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert [i for i in set(ids) if ids.count(i) > 1] == []
    for label in re.findall(r'<label for="([^"]+)"', page):
        assert label in ids, label
    assert re.search(r'<option value="verified" selected>', page)


def test_the_class_links_to_its_board_only_for_those_who_may_open_it(people, client):
    """Issue 17 (found by the issue-13 walk): the class code on the agent page was a link that
    answered 404 to those who may not open the class's board (the agent, licensing past its
    phase, a certifier)."""
    board = reverse("progress:board", args=["AET-A"])
    client.force_login(people["tl"])
    assert (
        f'href="{board}"' in client.get(reverse("progress:agent", args=["E002"])).content.decode()
    )
    bob = staff("bob@cxp.example", AGENT)
    Agent.objects.filter(employee_id="E002").update(user=bob)
    client.force_login(bob)
    page = client.get(reverse("progress:agent", args=["E002"])).content.decode()
    assert "Class AET-A" in page and f'href="{board}"' not in page
    assert client.get(board).status_code == 404


def test_it_refuses_an_equipment_issue_without_its_ticket(tl):
    """R-Q1: an issue carries its IT ticket number."""
    url = reverse("progress:equipment", args=["E002"])
    response = tl.post(url, {"status": "issue", "ticket": "", "based_on": ""})
    assert messages_of(response) == ["An equipment issue needs its IT ticket number."]
    assert not Fact.objects.filter(agent__employee_id="E002", kind="equipment").exists()
    response = tl.post(url, {"status": "issue", "ticket": "INC-4411", "based_on": ""})
    assert messages_of(response)[-1] == "Equipment status recorded."
    page = tl.get(reverse("progress:agent", args=["E002"])).content.decode()
    assert "12/02/2026 — issue (ticket INC-4411) by Tl One" in page


def test_it_notifies_a_red_flag_raised_on_the_agent_page(
    tl, people, django_capture_on_commit_callbacks
):
    """R-N4b, R-N3: ESP Managers, ops management and the PM, through the outbox, once."""
    with django_capture_on_commit_callbacks(execute=True):
        response = tl.post(
            reverse("progress:flag", args=["E002"]),
            {"action": "raised", "flag": "background_check", "note": "Finding on the report"},
        )
    assert messages_of(response) == ["Red flag recorded."]
    [row] = OutboxMessage.objects.all()
    assert row.report == "red_flag" and row.status == OutboxMessage.PENDING
    assert row.to == sorted([*MANAGERS, *OPS_MANAGEMENT, "pm.one@cxp.example"])
    assert "Bob Baker (E002)" in row.subject
    page = tl.get(reverse("progress:agent", args=["E002"])).content.decode()
    assert "<strong>Red flag:</strong> Background check (raised 12/02/2026 by Tl One)" in page


# -- the five tracking forms (R-N4) -----------------------------------------------------------------


def send_form(client, name: str, **data):
    data.setdefault("day", "12/02/2026")
    return client.post(reverse("progress:tracking_form", args=[name]), data)


def test_it_records_a_carrier_cert_completion_as_a_submitted_proof_and_in_progress(client, people):
    client.force_login(people["manager"])  # not the TL's: Licensing's (issue 12 follow-up 1)
    screenshot = SimpleUploadedFile("13 checks.png", png(), "image/png")
    response = send_form(
        client, "carrier-cert", agent="E004", certification="carrier_cert", screenshot=screenshot
    )
    assert response.status_code == 302 and response["Location"] == "/agents/E004/"
    proof = Proof.objects.get()
    assert (proof.agent.employee_id, proof.item, proof.status) == (
        "E004",
        "carrier_cert",
        "submitted",
    )
    fact = Fact.objects.filter(agent__employee_id="E004", item="carrier_cert").last()
    assert (fact.value, fact.source) == ("in_progress", "carrier_cert_form")
    assert status_of("E004", "carrier_cert") == "in_progress"  # done once accepted (R-B2)


def test_it_records_a_tbt_completion_as_all_tbts_done(tl):
    response = send_form(tl, "tbt", agent="E004", all_done="on")
    assert response.status_code == 302
    fact = Fact.objects.filter(agent__employee_id="E004", item="tbt").last()
    assert (fact.value, fact.date, fact.source) == ("done", TODAY, "tbt_form")
    assert status_of("E004", "tbt") == "done"


def test_it_records_a_certification_call_with_call_1_always_100(client, people):
    """The ESP Manager records calls here (a TL does not: issue 12 item 3; the coordinator's
    scope, the ESP phase, is over for AET-A on 12/02)."""
    client.force_login(people["manager"])
    response = send_form(client, "call-cert", agent="E006", call="1", score="55", notes="Coached")
    assert response.status_code == 302
    fact = Fact.objects.filter(agent__employee_id="E006", kind="call").last()
    assert (fact.item, fact.value, fact.note, fact.by) == ("1", "100", "Coached", "Esp Manager")
    response = send_form(client, "call-cert", agent="E006", call="3", score="")
    assert response.status_code == 400 and "Calls 2–5 need a score." in response.content.decode()
    assert Fact.objects.filter(agent__employee_id="E006", kind="call", item="3").count() == 0


def test_it_records_a_failed_exam_and_notifies_tl_pm_and_licensing(
    client, people, django_capture_on_commit_callbacks
):
    """R-N4a: every fail notifies the agent's TL, PM and the licensing list. (Recorded by the
    ESP Manager: exams are Licensing's, whose scope is the licensing phase, and AET-A is in
    ESP; a TL records no exam, issue 12 item 3.)"""
    client.force_login(people["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = send_form(client, "failed-exam", agent="E006", exam="carrier_cert", note="68%")
    assert response.status_code == 302
    fact = Fact.objects.get(agent__employee_id="E006", kind="exam")
    assert (fact.item, fact.value, fact.date, fact.note) == ("carrier_cert", "failed", TODAY, "68%")
    [row] = OutboxMessage.objects.filter(report="exam_failed")
    assert row.to == sorted(["tl.one@cxp.example", "pm.one@cxp.example", *LICENSING])


def test_it_records_a_carrier_ticket_and_its_note(tl):
    response = send_form(
        tl, "carrier-ticket", agent="E002", ticket_number="CT-778", issue="Producer World locked"
    )
    assert response.status_code == 302
    ticket = CarrierTicket.objects.get()
    assert (ticket.agent.employee_id, ticket.ticket_number, ticket.date) == (
        "E002",
        "CT-778",
        TODAY,
    )
    assert Fact.objects.filter(
        agent__employee_id="E002", kind="note", note="Carrier ticket CT-778: Producer World locked"
    ).exists()


def test_it_refuses_a_date_in_the_future(tl):
    facts = Fact.objects.count()
    response = send_form(tl, "tbt", agent="E004", all_done="on", day="12/03/2026")
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert Fact.objects.count() == facts


def test_it_refuses_an_agent_outside_the_users_scope_with_a_clear_message(client, people):
    """§17 access on the object: tl.two runs AET-B, not AET-A: neither E001 nor E004, whose
    roster TL field names tl.two (that field grants nothing, issue 12 item 1)."""
    client.force_login(people["other_tl"])
    facts = Fact.objects.count()
    response = send_form(client, "tbt", agent="E001", all_done="on")
    assert response.status_code == 400
    assert "No agent E001 among the agents you work with." in response.content.decode()
    response = send_form(client, "tbt", agent="E004", all_done="on")
    assert response.status_code == 400
    assert "No agent E004 among the agents you work with." in response.content.decode()
    assert Fact.objects.count() == facts
    client.force_login(people["tl"])
    assert send_form(client, "tbt", agent="E004", all_done="on").status_code == 302


def test_it_enforces_csrf_on_every_change(people):
    """A page's forms carry the token; a cross-site POST without it is refused (403)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["tl"])
    url = reverse("progress:add_note", args=["E002"])
    assert browser.post(url, {"note": "forged"}).status_code == 403
    assert not Fact.objects.filter(note="forged").exists()
    page = browser.get(reverse("progress:agent", args=["E002"])).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(url, {"note": "genuine", "csrfmiddlewaretoken": token}).status_code == 302
    assert Fact.objects.filter(note="genuine").exists()
    # htmx sends the token in a header (base.html's hx-headers).
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    response = browser.post(
        reverse("progress:task_status", args=["E004", "rts"]),
        {"status": "in_progress", "based_on": ""},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


# -- the tracker download (§15) ----------------------------------------------------------------------


def test_it_downloads_the_board_as_the_tracker_xlsx_for_who_may_see_the_class(client, people):
    url = reverse("progress:tracker", args=["AET-A"])
    client.force_login(people["tl"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="tracker-AET-A-2026-12-02.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["Employee ID", "Agent", "Site", "TL", "Status"]
    assert [r[0] for r in rows[1:]] == ["E001", "E002", "E003", "E004", "E006"]
    client.force_login(people["other_tl"])
    assert client.get(url).status_code == 404
    client.force_login(people["manager"])
    assert client.get(url).status_code == 200


# -- sign-in, sessions, invitations -------------------------------------------------------------------


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:sign_in"), {"username": email, "password": password})


def test_it_ends_a_session_after_30_idle_minutes(client, people):
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is False  # renewed every 5 min (issue 14)
    classes = reverse("progress:classes")
    with time_machine.travel(NOW, tick=False) as clock:
        assert sign_in(client, "tl.one@cxp.example").status_code == 302
        for _ in range(3):
            clock.shift(timedelta(minutes=29))
            assert client.get(classes).status_code == 200  # each request renews the 30 min
        clock.shift(timedelta(minutes=31))
        response = client.get(classes)
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/classes/"


def test_it_ends_a_session_after_12_hours_even_in_use(client, people):
    assert django_settings.ESP_SESSION_MAX_SECONDS == 12 * 60 * 60
    classes = reverse("progress:classes")
    with time_machine.travel(NOW, tick=False) as clock:
        assert sign_in(client, "tl.one@cxp.example").status_code == 302
        assert client.get(classes).status_code == 200
        for _ in range(28):  # every 25 minutes: 11 h 40 min
            clock.shift(timedelta(minutes=25))
            assert client.get(classes).status_code == 200
        for _ in range(3):  # 12 h 55 min: 13 hours
            clock.shift(timedelta(minutes=25))
            response = client.get(classes)
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/classes/"
    assert "_auth_user_id" not in client.session


def test_it_locks_a_user_name_after_5_failed_sign_ins(client, people):
    """django-axes: the 5th failure locks the name; then even the right password is refused."""
    for _ in range(4):
        response = sign_in(client, "tl.one@cxp.example", "wrong-password")
        assert response.status_code == 200 and "didn't match" in response.content.decode()
    assert sign_in(client, "tl.one@cxp.example", "wrong-password").status_code == 429
    locked = sign_in(client, "tl.one@cxp.example")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "pm.one@cxp.example").status_code == 302  # another name is not locked


def test_it_activates_an_invited_account_from_its_link_once(client, program):
    """§15: staff named in classes.csv get an inactive account and an invitation link."""
    user = ensure_staff("new.tl@cxp.example", TL)
    assert not user.is_active
    [invitation] = OutboxMessage.objects.filter(report="invitation", to=["new.tl@cxp.example"])
    path = urlsplit(re.search(r"https?://\S+/welcome/\S+/", invitation.text).group(0)).path

    response = client.get(path)
    assert response.status_code == 302 and response["Location"].endswith("/set-password/")
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200 and "Choose a password for new.tl@cxp.example" in (
        page.content.decode()
    )
    new = "A-long-Password-2026"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302 and response["Location"] == "/sign-in/"
    user.refresh_from_db()
    assert user.is_active and user.check_password(new)

    used = Client()
    response = used.get(path, follow=True)
    assert "This invitation link is not valid any more" in response.content.decode()
    other = "Other-pass-4242"
    used.post(form_url, {"new_password1": other, "new_password2": other})
    user.refresh_from_db()
    assert user.check_password(new)

    assert sign_in(client, "new.tl@cxp.example", new).status_code == 302
    assert client.get(reverse("progress:classes")).status_code == 200


def test_a_page_outside_the_users_scope_says_not_found_in_the_sites_look(client, people):
    """Issue 12: a refused page is a 404 that says so in plain words, with the navigation."""
    client.force_login(people["other_tl"])
    response = client.get(reverse("progress:agent", args=["E001"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page and "Go to your start page" in page
    assert "Ann" not in page  # nothing about the agent
