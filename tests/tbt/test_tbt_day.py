"""TBT work where the seeds put it (issue 15 items 3 and 4), on tests/tbt/test_tbt.py's
scenario: AET-A's ESP starts Wednesday 11/25/2026, the day before Thanksgiving."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import Workbook

from esp.progress.models import Fact
from esp.progress.services.facts import fact_record
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER, ESP_MANAGER, TBT_SME
from esp.tbt import selectors
from esp.tbt.models import TbtSme
from esp.tbt.services import tbt_access_record
from tests.tbt.test_tbt import scenario, sign_in  # noqa: F401  (the fixture)
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2026, 11, 30, 10, tzinfo=CHICAGO)


def requests_of(employee_id):
    return list(
        Fact.objects.filter(agent__employee_id=employee_id, kind="n_number").values_list(
            "date", "value"
        )
    )


def test_it_lists_for_the_help_desk_only_agents_whose_tbts_are_still_open(scenario):  # noqa: F811
    """Seed 000 / R-B5: "An agent without access 10 business days after their N-Number
    request date is listed for a call to the carrier's help desk" — only while their TBTs
    are open (issue 15 item 3: today it listed agents whose TBTs were done)."""
    bob = Agent.objects.get(employee_id="E002")  # TBT task done on 11/25
    fact_record(agent=bob, day=date(2026, 11, 13), kind="n_number", item="requested")
    lines = selectors.help_desk_escalations(scenario, date(2026, 11, 30))
    assert [line["employee_id"] for line in lines] == ["E004"]


def test_the_coordinator_pastes_the_n_number_request_dates_previews_and_records_them(
    scenario,  # noqa: F811
    client,
):
    """Seed 000: "Update the 'Date of N Number Request' column of the ESP Tracker for each
    class using info from the Aetna Master N Number Tracker." Rows pasted from the tracker,
    by employee ID or by name, previewed, then recorded; pasting them again records nothing."""
    pasted = (
        "Aetna Master N Number Tracker\n"
        "Agent Name\tEmployee ID\tN Number\tDate of N Number Request\n"
        "Ann Able\tE001\tN1111\t11/16/2026\n"
        "Fox, Flo\t\t\t11/17/2026\n"
    )
    url = reverse("tbt:n_numbers", args=["AET-A"])
    with time_machine.travel(MONDAY, tick=False):
        sign_in(client, "coordinator@cxp.example", CERT_COORDINATOR)
        page = client.post(url, {"rows": pasted}).content.decode()
        assert "Check before recording" in page
        assert "Ann Able" in page and "Flo Fox" in page
        assert requests_of("E001") == []  # a preview records nothing
        text = page.split('<textarea name="rows" hidden>')[1].split("</textarea>")[0]
        response = client.post(url, {"rows": text, "action": "record"})
        assert response.status_code == 302
        assert requests_of("E001") == [(date(2026, 11, 16), "N1111")]
        assert requests_of("E006")[-1][0] == date(2026, 11, 17)
        client.post(url, {"rows": text, "action": "record"})
        assert len(requests_of("E001")) == 1
        agent_page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Date of N-Number request" in agent_page and "11/16/2026" in agent_page


def test_it_rejects_the_whole_paste_naming_every_bad_row(scenario, client):  # noqa: F811
    """SPEC §15: all or nothing, the error names every bad row."""
    pasted = (
        "Employee ID\tDate\nE001\t11/16/2026\nE999\t11/16/2026\nE004\tnext week\nE006\t12/25/2026\n"
    )
    with time_machine.travel(MONDAY, tick=False):
        sign_in(client, "coordinator@cxp.example", CERT_COORDINATOR)
        response = client.post(reverse("tbt:n_numbers", args=["AET-A"]), {"rows": pasted})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3 (Agent): no agent of the class with employee ID &#x27;E999&#x27;" in page
    assert "Row 4 (Date)" in page and "Row 5 (Date): 12/25/2026 is after today" in page
    assert requests_of("E001") == []


def test_it_reads_the_request_dates_from_the_trackers_xlsx(scenario, client):  # noqa: F811
    """Seed 000: the master N-Number tracker as an Excel workbook, dates as dates."""
    book = Workbook()
    sheet = book.active
    sheet.append(["First Name", "Last Name", "Date Requested"])
    sheet.append(["Di", "Dunn", date(2026, 11, 18)])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "tracker.xlsx"
    url = reverse("tbt:n_numbers", args=["AET-A"])
    with time_machine.travel(MONDAY, tick=False):
        sign_in(client, "coordinator@cxp.example", CERT_COORDINATOR)
        page = client.post(url, {"file": data}).content.decode()
        assert "Di Dunn" in page and "11/18/2026" in page and "Changes the date" in page


def test_the_coordinator_reviews_tbt_proofs(db):
    """Seed 000: "Upload the completed TBTs to the TBT Tracking Form" — the Cert Coordinator
    reaches the TBT proof review (issue 15 item 4), not the licensing proofs."""
    from esp.access.writes import may_write

    coordinator = staff("coordinator@cxp.example", CERT_COORDINATOR)
    assert may_write(coordinator, "proof_review", "tbt:T100")
    assert may_write(coordinator, "proof_review", "searched_by_course")
    assert not may_write(coordinator, "proof_review", "ahip")


def test_the_coordinator_assigns_one_or_two_tbt_smes_per_class(scenario, client):  # noqa: F811
    """Seed 000: "Assign 1-2 Certifiers as TBT SMEs to ensure all agents are completing TBTs
    in a timely manner." A certifier assigned becomes a TBT SME; a third is refused."""
    certifiers = [staff(f"cert{n}@cxp.example", CERTIFIER) for n in (1, 2, 3)]
    url = reverse("tbt:smes")
    with time_machine.travel(datetime(2026, 11, 20, 10, tzinfo=CHICAGO), tick=False):
        sign_in(client, "coordinator@cxp.example", CERT_COORDINATOR)
        assert "AET-A" in client.get(url).content.decode()
        for user in certifiers:
            client.post(url, {"class": "AET-A", "user": user.pk})
        page = client.get(url, follow=True).content.decode()
    assert list(TbtSme.objects.values_list("user__email", flat=True)) == [
        "cert1@cxp.example",
        "cert2@cxp.example",
    ]
    assert certifiers[0].groups.filter(name=TBT_SME).exists()
    assert not certifiers[2].groups.filter(name=TBT_SME).exists()
    assert "AET-A already has 2 TBT SMEs: remove one first." in page


def test_the_smes_today_lists_their_classes_tbts_and_those_over_eight_hours(
    scenario,  # noqa: F811
    client,
):
    """Seed 000: "TBTs should be completed and should take no longer than 8 hours" — from TBT
    access to completion (the program's `tbt_hours`), shown on the SME's Today and the board."""
    sme = staff("sme@cxp.example", TBT_SME)
    TbtSme.objects.create(
        training_class=TrainingClass.objects.get(code="AET-A"), user=sme, assigned_at=MONDAY
    )
    di = Agent.objects.get(employee_id="E004")  # one course of two, TBTs open
    tbt_access_record(agent=di, granted_on=date(2026, 11, 25))
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(sme)
        page = client.get(reverse("web:today")).content.decode()
        assert "TBTs of your classes: AET-A" in page
        assert "Over 8 h" in page and "Di Dunn" in page
        # issue 14: the first 20 on Today, all of them on the list's own page
        whole = client.get(reverse("web:today"), {"list": "sme_lines"}).content.decode()
        assert "TBTs of your classes (" in whole and "Di Dunn" in whole
        client.force_login(staff("manager@cxp.example", ESP_MANAGER))
        board = client.get(reverse("progress:board", args=["AET-A"]), {"late": "1"})
    assert "over 8 h" in board.content.decode()
    assert Group.objects.filter(name=TBT_SME).exists()


def test_the_smes_today_leaves_out_agents_whose_tbts_are_done(scenario, client):  # noqa: F811
    """Seed 000: SMEs "ensure all agents are completing TBTs in a timely manner": an agent
    whose TBTs are done, even past 8 hours, asks nothing of them (issue 17: "Done, over 8 h")."""
    sme = staff("sme@cxp.example", TBT_SME)
    TbtSme.objects.create(
        training_class=TrainingClass.objects.get(code="AET-A"), user=sme, assigned_at=MONDAY
    )
    bob = Agent.objects.get(employee_id="E002")  # TBT task done on 11/25
    tbt_access_record(agent=bob, granted_on=date(2026, 11, 20))  # done past the 8 hours
    di = Agent.objects.get(employee_id="E004")  # TBTs open
    tbt_access_record(agent=di, granted_on=date(2026, 11, 25))
    lines = selectors.sme_tbt_lines(sme, scenario, date(2026, 11, 30))
    assert "E002" not in [line["employee_id"] for line in lines]
    assert "E004" in [line["employee_id"] for line in lines]
    with time_machine.travel(MONDAY, tick=False):
        client.force_login(sme)
        page = client.get(reverse("web:today")).content.decode()
    section = page[page.index('id="sme-h"') :].split("</section>")[0]
    assert "Di Dunn" in section and bob.name not in section and "Done" not in section


def test_the_smes_today_narrows_through_the_days_lines_to_the_same_answer(scenario):  # noqa: F811
    """Issue 14: the SME's section runs the TBT rules only for the agents the day's built
    lines show in flight without the TBT task done; the lines are those of every agent of
    the classes."""
    from esp.lib import clock
    from esp.web.sections import basis
    from esp.web.sections.smes import _open

    sme = staff("sme@cxp.example", TBT_SME)
    TbtSme.objects.create(
        training_class=TrainingClass.objects.get(code="AET-A"), user=sme, assigned_at=MONDAY
    )
    tbt_access_record(agent=Agent.objects.get(employee_id="E004"), granted_on=date(2026, 11, 25))
    with time_machine.travel(MONDAY, tick=False):
        for day in (date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 30)):
            base = basis(sme, scenario, day, clock.now(scenario.time_zone))
            among = _open(base, ["AET-A"])
            whole = selectors.sme_tbt_lines(sme, scenario, day)
            assert selectors.sme_tbt_lines(sme, scenario, day, ["AET-A"], among=among) == whole
            assert {line["employee_id"] for line in whole} <= set(
                Agent.objects.filter(pk__in=among).values_list("employee_id", flat=True)
            )


def test_it_compiles_a_classs_searched_screenshots_and_sends_them_to_the_leaders_once(
    scenario,  # noqa: F811
    client,
    settings,
    tmp_path,
):
    """Seed 000: "Agent should capture a screenshot showing they searched for TBTs by course
    number and course name ... Compile and send to Torrey, Amanda, and Danielle." — the
    program's named leaders, R-B4's carrier-leadership list, through the outbox."""
    from esp.mailing.models import OutboxMessage
    from esp.mailing.services.lists import list_set
    from esp.mailing.services.schedules import ensure_lists_and_schedules
    from esp.progress.services.proofs import proof_review, proof_submit
    from tests.web_support import png

    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    ensure_lists_and_schedules(scenario, active_from=date(2026, 11, 2))
    list_set("carrier_leadership", ["torrey@carrier.example", "amanda@carrier.example"])
    with time_machine.travel(MONDAY, tick=False):
        sme = sign_in(client, "tbt.sme@cxp.example", TBT_SME)
        proof = proof_submit(
            agent=Agent.objects.get(employee_id="E001"),
            item="searched_by_course",
            name="search.png",
            data=png(),
            actor=sme,
        )
        proof_review(proof=proof, accept=True, actor=sme, day=date(2026, 11, 30))
        coordinator = sign_in(client, "coordinator@cxp.example", CERT_COORDINATOR)
        assert coordinator
        url = reverse("tbt:searched")
        assert "Compile and send" in client.get(url).content.decode()
        client.post(url, {"class": "AET-A"})
        again = client.post(url, {"class": "AET-A"}, follow=True).content.decode()
    message = OutboxMessage.objects.get(report="tbt_searched")
    assert message.to == ["amanda@carrier.example", "torrey@carrier.example"]
    assert "class AET-A" in message.subject
    assert [a.filename for a in message.attachments.all()] == ["Able_Ann_searched.png"]
    assert "already sent" in again


def test_the_review_queue_says_when_a_proof_came_in_the_programs_time_zone(
    scenario,  # noqa: F811
    client,
    settings,
    tmp_path,
):
    """Issue 17 item 3: "8:05 AM in the program's time zone", not the server's (Chicago): a
    proof submitted at 10:00 AM Chicago reads 8:00 AM for a program in Los Angeles."""
    from esp.progress.services.proofs import proof_submit
    from tests.web_support import png

    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    scenario.time_zone = "America/Los_Angeles"
    scenario.save()
    with time_machine.travel(MONDAY, tick=False):
        sme = sign_in(client, "tbt.sme@cxp.example", TBT_SME)
        proof_submit(
            agent=Agent.objects.get(employee_id="E001"),
            item="searched_by_course",
            name="search.png",
            data=png(),
            actor=sme,
        )
        page = client.get(reverse("progress:review_queue")).content.decode()
    assert "11/30/2026 8:00 AM by" in page and "10:00 AM" not in page


def test_todays_escalation_count_leaves_out_agents_granted_access_by_the_day(scenario):  # noqa: F811
    """R-B5 on Today (issue 14: counted over the day's built lines, the access looked up by
    the line's agent): an agent granted TBT access after the day is still counted, one
    granted by the day no longer is."""
    from esp.lib import clock
    from esp.web.sections import basis, sources

    manager = staff("manager@cxp.example", ESP_MANAGER)
    day = date(2026, 11, 30)
    di = Agent.objects.get(employee_id="E004")
    with time_machine.travel(MONDAY, tick=False):
        now = clock.now(scenario.time_zone)
        assert sources.escalations(basis(manager, scenario, day, now)) == 1
        tbt_access_record(agent=di, granted_on=date(2026, 12, 1))
        assert sources.escalations(basis(manager, scenario, day, now)) == 1
        tbt_access_record(agent=di, granted_on=date(2026, 11, 27))
        assert sources.escalations(basis(manager, scenario, day, now)) == 0
    assert [line["employee_id"] for line in selectors.help_desk_escalations(scenario, day)] == []
