"""Manager operations (issue 8 items 3 and 4): training-environment extensions (R-E1–R-E3)
and transfers to production (R-X1–R-X2).

Classes AET-A (5 agents) and AET-B (2 agents) start Monday 11/02/2026 at SLC; as of Monday
12/07/2026 they are well past ESP day 5 and nobody's call certification is done.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from esp.lib.display import clock_time
from esp.operations import selectors, services
from esp.operations.models import CLASS_SPIN_UP, UPTRAINING_CLASS, ExtensionStep, TransferStep
from esp.programs.models import Campaign, Site
from esp.progress.models import Fact
from esp.progress.services import task_status_set
from esp.progress.services.proofs import proof_review, proof_submit
from esp.reports.builders import build_report
from esp.reports.mailed import transferred_recently
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.roles import ESP_MANAGER, PM, TL
from tests.web_support import png, staff

CHICAGO = ZoneInfo("America/Chicago")
AS_OF = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 9, tzinfo=CHICAGO)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-B,esp-aetna,Aetna,PRV,2026-11-02,tl.two@cxp.example,pm.two@cxp.example
"""

ROSTER = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n" + (
    "\n".join(
        f"E00{i},Ann{i},Able,a{i}@cxp.example,a{i}@mail.example,AET-A,tl.one@cxp.example"
        for i in range(1, 6)
    )
    + "\nE101,Bea,Baker,b1@cxp.example,b1@mail.example,AET-B,tl.two@cxp.example"
    + "\nE102,Cal,Baker,b2@cxp.example,b2@mail.example,AET-B,tl.two@cxp.example"
)


@pytest.fixture(autouse=True)
def monday_december_7(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    manager = staff("esp.manager@cxp.example", ESP_MANAGER)
    return manager


def board_class(program, code, as_of=AS_OF, now=NOW):
    report = build_report("extensions", as_of=as_of, program=program)
    board = selectors.extension_board(program, as_of, report, now=now)
    return next(c for c in board["classes"] if c["class"].code == code)


# -- extensions ------------------------------------------------------------------------------------


def record_step(program, code, step, actor, now=NOW, **more):
    return services.extension_step_record(
        program=program, training_class=TrainingClass.objects.get(code=code), step=step,
        actor=actor, now=now, as_of=AS_OF, **more,
    )  # fmt: skip


def test_a_class_with_5_late_agents_gets_the_spin_up_checklist(program, world):
    """Seed 003, "How to extend 5 or more agents": "Extend the ESP date ... go to Black
    Dashboard. Click "Training Environment" followed by "Classes." ... Verify all agents
    needing the extension are listed. This may take up to 10 minutes. Email NOC to have this
    class 'Spun Up' ... Once NOC confirms the class has been 'Spun Up,' agents must log out
    and back in for their environment to change." """
    entry = board_class(program, "AET-A")
    assert entry["method"] == CLASS_SPIN_UP
    steps = [(i.step, i.agent.employee_id if i.agent else None) for i in entry["items"]]
    assert steps == [
        ("extend_end", "E001"),
        ("extend_end", "E002"),
        ("extend_end", "E003"),
        ("extend_end", "E004"),
        ("extend_end", "E005"),
        ("dashboard_check", None),
        ("class_listed", None),
        ("email_platform", None),
        ("confirmation", None),
        ("agents_relog", None),
    ]
    assert "Please 'Spin Up' the training environment class of AET-A" in entry["email"]
    tc = TrainingClass.objects.get(code="AET-A")
    with pytest.raises(ValidationError):  # the agents' end dates first
        record_step(program, "AET-A", "dashboard_check", world)
    first = Agent.objects.filter(training_class=tc).order_by("pk").first()
    current = next(i for i in entry["items"] if i.step == "extend_end").extra["esp_end"]
    with pytest.raises(
        ValidationError, match=f"must come after the current one, {current:%m/%d/%Y}"
    ):
        record_step(program, "AET-A", "extend_end", world, agent=first, value=current.isoformat())
    for agent in Agent.objects.filter(training_class=tc):
        record_step(program, "AET-A", "extend_end", world, agent=agent, value="2026-12-10")
    record_step(program, "AET-A", "dashboard_check", world, note="ok")
    with pytest.raises(ValidationError, match="Wait 10 minutes: from 9:10 AM"):
        record_step(program, "AET-A", "class_listed", world, now=NOW + timedelta(minutes=4))
    later = NOW + timedelta(minutes=10)
    for step in ("class_listed", "email_platform", "confirmation", "agents_relog"):
        record_step(program, "AET-A", step, world, now=later, note="ok")
    entry = board_class(program, "AET-A")
    assert all(i.done for i in entry["items"])
    assert {i.done.done_by_name for i in entry["items"]} == {"Esp Manager"}
    assert entry["items"][0].done.value_text == "12/10/2026"  # as the page shows it
    assert "ESP end 12/10/2026" in entry["email"]


def test_the_esp_end_date_is_the_training_environments_day_5(program, world, client):
    """Seed 003: "ESP agents, by default, are scheduled to automatically transition from the
    training environment in ADP to production after 5 days." AET-B's ESP days: 11/25, 11/27
    (after Thanksgiving), 11/30, 12/01 and 12/02."""
    entry = board_class(program, "AET-B")
    assert entry["items"][0].extra["esp_end"] == date(2026, 12, 2)
    client.force_login(world)
    page = client.get(reverse("operations:extensions") + "?as_of=2026-12-07").content.decode()
    assert "ESP end date 12/02/2026 (ESP day 5)" in page
    assert "Current ESP end date 12/02/2026" in page
    assert "If &quot;Training Environment&quot; is not in your Black Dashboard" in page


def test_a_class_with_2_late_agents_gets_the_uptraining_checklist(program, world, client):
    """Seed 003, "How to extend 1-4 agents": "Type "Aetna" into the "Uptraining Class" field.
    Note - this is case-sensitive ... Find the Aetna class ... Verify all agents needing the
    extension are listed. This may take up to 10 minutes. The agents must log out and log back
    in before their environment is updated." """
    entry = board_class(program, "AET-B")
    assert entry["method"] == UPTRAINING_CLASS
    steps = [(i.step, i.agent.employee_id) for i in entry["items"]]
    assert steps == [
        ("uptraining_set", "E101"),
        ("dashboard_verify", "E101"),
        ("agent_relog", "E101"),
        ("uptraining_set", "E102"),
        ("dashboard_verify", "E102"),
        ("agent_relog", "E102"),
    ]
    starts = dict(
        ClassPhase.objects.filter(training_class__code="AET-B").values_list(
            "phase__key", "start_date"
        )
    )
    first = entry["items"][0]
    assert first.extra == {
        "graduation": starts["esp"],
        "esp_end": date(2026, 12, 2),
        "value": "Aetna",
    }
    assert not first.blocked  # both dates passed by 12/07
    assert entry["items"][1].blocked  # verify after setting
    bea = Agent.objects.get(employee_id="E101")
    record_step(program, "AET-B", "uptraining_set", world, agent=bea)
    verify = board_class(program, "AET-B", now=NOW + timedelta(minutes=3))["items"][1]
    assert verify.blocked == "Wait 10 minutes: from 9:10 AM."
    assert "find the Aetna class" in verify.label
    client.force_login(world)
    page = client.get(reverse("operations:extensions") + "?as_of=2026-12-07").content.decode()
    assert "Class AET-B: Uptraining class (2 agents)" in page
    assert "<code>Aetna</code>" in page
    assert "Wait 10 minutes: from 9:10 AM." in page
    assert "Class AET-A: Class spin-up (5 agents)" in page
    record_step(
        program, "AET-B", "dashboard_verify", world, agent=bea, now=NOW + timedelta(minutes=10)
    )
    record_step(program, "AET-B", "agent_relog", world, agent=bea, now=NOW + timedelta(minutes=12))
    assert all(i.done for i in board_class(program, "AET-B")["items"][:3])


def test_the_uptraining_class_is_the_campaigns_as_data(program, world):
    """Seed 003 types "Aetna" for the Aetna campaign; another campaign's class is its own
    (issue 15 item 8): the campaign's setting, else its name."""
    anthem = Campaign.objects.get(name="Anthem")
    TrainingClass.objects.filter(code="AET-B").update(campaign=anthem)
    item = board_class(program, "AET-B")["items"][0]
    assert 'type "Anthem" in "Uptraining Class"' in item.label
    anthem.uptraining_class = "Anthem Uptraining"
    anthem.save()
    record_step(
        program, "AET-B", "uptraining_set", world, agent=Agent.objects.get(employee_id="E101")
    )
    assert ExtensionStep.objects.get(step="uptraining_set").value == "Anthem Uptraining"


def test_uptraining_is_refused_before_the_esp_end_date_passed(program, world):
    """Extended to 12/09, the ESP end date has not passed on 12/07."""
    tc = TrainingClass.objects.get(code="AET-B")
    agent = Agent.objects.get(employee_id="E101")
    procedure = tc.extensionprocedure_set.create(method=UPTRAINING_CLASS, started_on=AS_OF)
    ExtensionStep.objects.create(
        procedure=procedure, step="extend_end", agent=agent, value="2026-12-09", done_at=NOW
    )
    item = board_class(program, "AET-B")["items"][0]
    assert "the ESP end date (12/09/2026)" in item.blocked
    with pytest.raises(ValidationError):
        services.extension_step_record(
            program=program, training_class=tc, step="uptraining_set", agent=agent,
            actor=world, now=NOW, as_of=AS_OF,
        )  # fmt: skip


def test_an_agent_passing_call_certs_is_in_undo_uptraining_until_the_undo(program, world, client):
    tc = TrainingClass.objects.get(code="AET-B")
    agent = Agent.objects.get(employee_id="E101")
    step = services.extension_step_record(
        program=program, training_class=tc, step="uptraining_set", agent=agent,
        actor=world, now=NOW, as_of=AS_OF,
    )  # fmt: skip
    assert step.value == "Aetna"
    assert selectors.undo_uptraining(program, AS_OF) == []  # call cert not passed yet
    task_status_set(
        agent=agent, task=program.policy().call_task, status="done", day=AS_OF, actor=world
    )
    assert [r["agent"].employee_id for r in selectors.undo_uptraining(program, AS_OF)] == ["E101"]
    later = AS_OF + timedelta(days=1)
    assert [r["agent"].employee_id for r in selectors.undo_uptraining(program, later)] == ["E101"]
    client.force_login(world)
    response = client.post(
        reverse("operations:undo", kwargs={"employee_id": "E101"}),
        {"as_of": "2026-12-08", "note": "cleared the field"},
    )
    assert response.status_code == 302
    assert selectors.undo_uptraining(program, later) == []
    undo = ExtensionStep.objects.get(step="undo", agent=agent)
    assert undo.done_by == world and undo.note == "cleared the field"


def test_the_undo_uptraining_list_holds_agents_who_failed_certification_on_today_and_in_mail(
    program, world, client
):
    """Seed 003: "The ESP Manager must remember to 'undo' this process by erasing "Aetna" and
    selecting "Done" when the agent has finished all Call Certs." Bea failed her calls (the
    coached first, then four at 80): she has finished them too. The list is on the ESP Manager's Today, a section of its
    own (shown whenever it is not empty), and in the daily mail (issue 15 item 8)."""
    from types import SimpleNamespace

    from esp.progress.services import fact_record
    from esp.reports.mailed import daily_incompletions

    bea = Agent.objects.get(employee_id="E101")
    record_step(program, "AET-B", "uptraining_set", world, agent=bea)
    assert selectors.undo_uptraining(program, AS_OF) == []
    for number in range(1, 6):
        score = "100" if number == 1 else "80"  # the first call is coached
        fact_record(agent=bea, day=AS_OF, kind="call", item=str(number), value=score, actor=world)
    [row] = selectors.undo_uptraining(program, AS_OF)
    assert (row["agent"], row["reason"], row["value"]) == (bea, "failed", "Aetna")

    client.force_login(world)
    page = client.get(reverse("web:today") + "?as_of=2026-12-08").content.decode()
    assert '<h2 id="undo-uptraining">Undo uptraining (1)</h2>' in page
    assert 'Bea Baker</a> (E101): erase "Aetna" — call certification failed' in page

    mail_list = SimpleNamespace(key="esp-managers", addresses=["esp.manager@cxp.example"])
    [outgoing] = daily_incompletions(program, AS_OF, distribution_list=mail_list)
    assert 'Bea Baker (E101): erase "Aetna", call certification failed' in outgoing.message.text
    assert "Undo uptraining (1)" in outgoing.message.html


# -- transfers -------------------------------------------------------------------------------------


def test_the_home_department_for_each_site_and_campaign_of_the_default_program(program):
    expected = {
        ("SLC", "Aetna"): "SLC — 510 Aetna Contact Center",
        ("PRV", "Aetna"): "PRV — 510 Aetna Contact Center",
        ("MEM", "Aetna"): "MEM — 510 Aetna Contact Center",
        ("SAT", "Aetna"): "SAT — 510 Aetna Contact Center",
        ("SLC", "CareSource"): "SLC — 511 CareSource Contact Center",
        ("PRV", "CareSource"): "PRV — 511 CareSource Contact Center",
        ("MEM", "CareSource"): "MEM — 511 CareSource Contact Center",
        ("SAT", "CareSource"): "SAT — 511 CareSource Contact Center",
        ("SLC", "Anthem"): "SLC — 520 Anthem Contact Center",
        ("PRV", "Anthem"): "PRV — 520 Anthem Contact Center",
        ("MEM", "Anthem"): "MEM — 520 Anthem Contact Center",
        ("SAT", "Anthem"): "SAT — 520 Anthem Contact Center",
        ("SLC", "Assurance"): "SLC — 544 Assurance Contact Center",
        ("PRV", "Assurance"): "PRV — 544 Assurance Contact Center",
        ("MEM", "Assurance"): "MEM — 544 Assurance Contact Center",
        ("SAT", "Assurance"): "SAT — 544 Assurance Contact Center",
    }
    actual = {
        (site.code, campaign.name): campaign.home_department(site)
        for site in Site.objects.all()
        for campaign in Campaign.objects.all()
    }
    assert actual == expected


def esp_complete(program, agent, actor, day=AS_OF):
    """Every task but the transfer done; AHIP and the carrier certification through their
    accepted proofs (issue 12 item 4)."""
    policy = program.policy()
    needs_proof = set(program.tasks.filter(needs_proof=True).values_list("key", flat=True))
    for key in policy.task_keys:
        if key in needs_proof:
            proof = proof_submit(agent=agent, item=key, name="checks.png", data=png(), actor=actor)
            proof_review(proof=proof, accept=True, actor=actor, day=day)
        elif key != policy.transfer_task:
            task_status_set(agent=agent, task=key, status="done", day=day, actor=actor)


BOTH_SYSTEMS = ("cc_effective", "cc_department", "cc_done", "hc_effective", "hc_department")


def save_both_systems(program, agent, actor, now=NOW):
    """The Contact Center then the Headcount steps, and the refresh (seed 003)."""
    for step in (*BOTH_SYSTEMS, "hc_done", "refresh"):
        services.transfer_step_record(
            program=program, agent=agent, step=step, actor=actor, now=now, today=AS_OF
        )


def test_the_transfer_checklist_rechecks_the_contact_center_then_calls_it(program, world):
    """Seed 003: "If yes, go back to ADP and check you have completed all the steps above for
    Contact Center. Wait another 10 minutes and have agent restart their computer. If they are
    still showing in BlackDash in the training ENV, contact IT and see if there is something
    wrong on the backend." """
    agent = Agent.objects.get(employee_id="E001")
    esp_complete(program, agent, world)
    items = selectors.transfer_checklist(agent, AS_OF, NOW)
    assert items[0].label == "Contact Center: enter today's date, 12/07/2026"
    assert "select SLC — 510 Aetna Contact Center" in items[1].label
    assert items[3].label.startswith("Headcount")
    save_both_systems(program, agent, world)
    record = services.transfer_step_record
    with pytest.raises(ValidationError, match="Wait 10 minutes") as refused:
        record(program=program, agent=agent, step="verify_1", outcome="failed", actor=world,
               now=NOW + timedelta(minutes=9), today=AS_OF)  # fmt: skip
    ready = (NOW + timedelta(minutes=10)).astimezone(ZoneInfo(program.time_zone))
    assert str(refused.value) == f"['Wait 10 minutes: from {clock_time(ready)}.']"  # 9:10 AM
    later = NOW + timedelta(minutes=10)
    for step, outcome, at in (
        ("verify_1", "failed", later),
        ("recheck", "", later),
        ("restart_2", "", later + timedelta(minutes=10)),
        ("verify_2", "failed", later + timedelta(minutes=10)),
    ):
        record(program=program, agent=agent, step=step, outcome=outcome, actor=world,
               now=at, today=AS_OF)  # fmt: skip
    items = selectors.transfer_checklist(agent, AS_OF, later)
    assert [i.step for i in items][-2:] == ["it_ticket", "verify_3"]
    with pytest.raises(ValidationError):  # the ticket's number
        record(program=program, agent=agent, step="it_ticket", actor=world, now=later, today=AS_OF)
    record(program=program, agent=agent, step="it_ticket", note="INC-4711", actor=world,
           now=later, today=AS_OF)  # fmt: skip
    assert selectors.transfer_checklist(agent, AS_OF, later)[-2].done.note == "INC-4711"
    assert not selectors.transfer_passed(agent)
    assert program.policy().transfer_task not in {
        f.item for f in Fact.objects.filter(agent=agent, kind="task", value="done")
    }


def test_the_recheck_waits_another_10_minutes_before_the_restart(program, world):
    """Seed 003: "Wait another 10 minutes and have agent restart their computer." """
    agent = Agent.objects.get(employee_id="E001")
    esp_complete(program, agent, world)
    save_both_systems(program, agent, world)
    later = NOW + timedelta(minutes=10)
    for step, outcome in (("verify_1", "failed"), ("recheck", "")):
        services.transfer_step_record(program=program, agent=agent, step=step, outcome=outcome,
                                      actor=world, now=later, today=AS_OF)  # fmt: skip
    with pytest.raises(ValidationError, match="Wait 10 minutes: from 9:20 AM"):
        services.transfer_step_record(program=program, agent=agent, step="restart_2",
                                      actor=world, now=later + timedelta(minutes=3), today=AS_OF)  # fmt: skip


def test_the_transfer_is_done_when_the_agent_restarts_after_a_clean_check(program, world, client):
    """Seed 003: "check BlackDash to see if the agent shows in any training ENV classrooms ...
    If no, have agent restart their computer." Then "Update the ESP tracker in the Transfer to
    Production column"."""
    agent = Agent.objects.get(employee_id="E001")
    esp_complete(program, agent, world)
    report = build_report("incompletions", as_of=AS_OF, program=program)
    section = next(s for s in report["sections"] if s["key"] == "transfer_needed")
    assert "E001" in [a["employee_id"] for a in section["agents"]]
    client.force_login(world)
    assert "E001" in client.get(reverse("operations:transfers")).content.decode()
    save_both_systems(program, agent, world)
    services.transfer_step_record(
        program=program, agent=agent, step="verify_1", outcome="passed", actor=world,
        now=NOW + timedelta(minutes=12), today=AS_OF,
    )  # fmt: skip
    assert not Fact.objects.filter(agent=agent, kind="task", item="transfer").exists()
    page = client.get(reverse("operations:transfer", kwargs={"employee_id": "E001"}))
    assert "Have Ann1 Able restart their computer" in page.content.decode()
    services.transfer_step_record(
        program=program, agent=agent, step="restart_1", actor=world,
        now=NOW + timedelta(minutes=14), today=AS_OF,
    )  # fmt: skip
    fact = Fact.objects.get(agent=agent, kind="task", item=program.policy().transfer_task)
    assert fact.value == "done" and fact.date == AS_OF
    assert "SLC — 510 Aetna Contact Center" in fact.note and "9:14 AM" in fact.note
    assert [a["employee_id"] for a in transferred_recently(program, date(2026, 12, 8))] == ["E001"]
    page = client.get(reverse("operations:transfer", kwargs={"employee_id": "E001"}))
    assert "the transfer to production is recorded in the tracker" in page.content.decode()


def test_it_refuses_the_transfer_of_an_agent_who_is_not_esp_complete(program, world, client):
    """Seed 003: "After confirming agents are complete with everything ESP from the ESP
    Tracker, agents must be transferred"."""
    agent = Agent.objects.get(employee_id="E002")
    with pytest.raises(ValidationError, match="Ann2 Able is not ESP complete yet"):
        services.transfer_step_record(
            program=program, agent=agent, step="cc_effective", actor=world, now=NOW, today=AS_OF
        )
    client.force_login(world)
    page = client.get(reverse("operations:transfer", kwargs={"employee_id": "E002"}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Ann2 Able is not ESP complete yet: " in text and "Call certification" in text
    assert "RTS / No More Forms" in text and '<form method="post" class="inline">' not in text


def test_the_pm_told_to_transition_the_agent_runs_the_transfer(program, world, client):
    """Seed 003 (mentors, transfers): the PM is told to transition the agent; they open the
    transfer checklist from their Today and record its steps (issue 15 item 9)."""
    pm = staff("pm.one@cxp.example", PM)
    agent = Agent.objects.get(employee_id="E001")
    esp_complete(program, agent, world)
    client.force_login(pm)
    today = client.get(reverse("web:today")).content.decode()
    url = reverse("operations:transfer", kwargs={"employee_id": "E001"})
    assert url in today
    assert client.get(reverse("operations:transfers")).status_code == 200
    response = client.post(url, {"step": "cc_effective"})
    assert response.status_code == 302
    step = TransferStep.objects.get(agent=agent, step="cc_effective")
    assert step.done_by == pm
    # PM two's classes hold neither agent: 404
    client.force_login(staff("pm.two@cxp.example", PM))
    assert client.get(url).status_code == 404


def test_only_the_esp_manager_opens_the_operations_pages(program, world, client):
    tl = staff("tl.one@cxp.example", TL)
    urls = [
        reverse("operations:extensions"),
        reverse("operations:transfers"),
        reverse("operations:transfer", kwargs={"employee_id": "E001"}),
    ]
    client.force_login(tl)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    client.force_login(world)
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    client.logout()
    assert all(client.get(u).status_code == 302 for u in urls)


def test_the_managers_today_links_to_the_checklists(program, world, client):
    esp_complete(program, Agent.objects.get(employee_id="E001"), world)
    client.force_login(world)
    page = client.get(reverse("web:today")).content.decode()
    assert reverse("operations:transfer", kwargs={"employee_id": "E001"}) in page
    assert reverse("operations:transfers") in page
    assert reverse("operations:extensions") + "?as_of=2026-12-07" in page


def test_the_extension_board_pages_its_classes(program, world, client, monkeypatch):
    """Issue 14 item 2: a season's classes needing extensions, a page at a time, each class
    once over the pages (the whole report is what the pages split)."""
    from esp.operations import views

    monkeypatch.setattr(views, "EXTENSIONS_PER_PAGE", 1)
    codes = [
        c["class_code"] for c in build_report("extensions", as_of=AS_OF, program=program)["classes"]
    ]
    assert len(codes) >= 2
    client.force_login(world)
    url = reverse("operations:extensions")
    shown = []
    for page in range(1, len(codes) + 1):
        text = client.get(url, {"as_of": AS_OF.isoformat(), "page": page}).content.decode()
        shown += [code for code in codes if f'id="class-{code}"' in text]
        assert f"Page {page} of {len(codes)}" in text
    assert shown == codes


def test_the_checklist_says_when_a_step_was_done_in_the_programs_time_zone(program, world, client):
    """Seed 003's waits are read on the program's clock, so is "Done by … at …": a program in
    Los Angeles reads a step recorded at 9:00 AM Chicago as done at 7:00 AM, not at the
    server's 9:00 AM (issue 15 walk, leftover b)."""
    program.time_zone = "America/Los_Angeles"
    program.save()
    agent = Agent.objects.get(employee_id="E001")
    esp_complete(program, agent, world)
    services.transfer_step_record(
        program=program, agent=agent, step=BOTH_SYSTEMS[0], actor=world, now=NOW, today=AS_OF
    )
    client.force_login(world)
    page = client.get(reverse("operations:transfer", kwargs={"employee_id": "E001"}))
    assert "at 12/07/2026 7:00 AM" in page.content.decode()
    record_step(
        program, "AET-B", "uptraining_set", world, agent=Agent.objects.get(employee_id="E101")
    )
    board = client.get(reverse("operations:extensions") + "?as_of=2026-12-07").content.decode()
    assert "at 12/07/2026 7:00 AM" in board and "9:00 AM" not in board
