"""Access follows the agent's current class, and the as-of picker never widens scope
(issue 12 items 1 and 2; SPEC §1, §17 "Access", R-T3).

The scenario, as of Monday 11/30/2026 noon (America/Chicago):

- AET-A started 11/02: licensing 11/04–11/09, ESP since 11/25; TL tl.one, PM pm.one; agents
  E001 (the TL and PM removal cases) and E002 (the certifier's);
- AET-M started 11/02 like AET-A, TL tl.old: its agent E005 was moved on 11/27 to AET-N
  (started 11/09, TL tl.new) (R-T3);
- LIC-B started 11/25: licensing since 11/30 (Licensing's class today), agent E101;
- OLD-Z: ESP from 11/10, in production today (no longer the Cert Coordinator's), agent E201.

Each removal case checks that the person reached the agent before, and after it: the agent
page, the class board, the proof file, the CAP PDF, the tracker .xlsx, the reports (page, CSV,
.xlsx, JSON, API), the API's lists and reads, and every write (pages and API) — all refused
(404) or without the agent, and nothing written.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from esp.access import scopes
from esp.access.writes import may_write
from esp.accountability.services import step_deliver
from esp.audit.models import AuditEntry
from esp.callqueue import services as callqueue
from esp.callqueue.models import CertifierConnection
from esp.pace.defaults import load_default_pace
from esp.progress.models import Fact, Proof
from esp.progress.services import agent_move, fact_record
from esp.progress.services.proofs import proof_submit
from esp.reports.builders import REPORTS
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER, LICENSING, PM, TL
from esp.roster.services.staff import create_esp_manager
from tests.web_support import png, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 12, tzinfo=CHICAGO)
D = date.fromisoformat

CLASSES = """
class_code,program,campaign,site,start_date,licensing_start,training_start,esp_start,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,,,,tl.one@cxp.example,pm.one@cxp.example
AET-M,esp-aetna,Aetna,SLC,2026-11-02,,,,tl.old@cxp.example,pm.old@cxp.example
AET-N,esp-aetna,Aetna,SLC,2026-11-09,,,,tl.new@cxp.example,pm.new@cxp.example
LIC-B,esp-aetna,Aetna,PRV,2026-11-25,,,,tl.two@cxp.example,pm.two@cxp.example
OLD-Z,esp-aetna,Aetna,SLC,2026-10-19,2026-10-21,2026-10-27,2026-11-10,tl.two@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E005,Eve,Eden,eve@cxp.example,eve@mail.example,AET-M,tl.old@cxp.example
E101,Liz,Lane,liz@cxp.example,liz@mail.example,LIC-B,tl.two@cxp.example
E201,Zed,Zane,zed@cxp.example,zed@mail.example,OLD-Z,tl.two@cxp.example
"""

NAMES = {"E001": "Ann Able", "E002": "Bob Baker", "E005": "Eve Eden", "E201": "Zed Zane"}


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


def certify(agent, day: date, tasks=("ahip", "carrier_cert")) -> None:
    """AHIP and the carrier certification "not applicable" (R-P4: satisfied) from `day`: an
    agent past the licensing phase is Licensing's only while one of them is not done (issue 12
    follow-up item 4)."""
    for task in tasks:
        fact_record(
            agent=agent, day=day, kind="task", item=task, value="not_applicable", actor=None
        )


@pytest.fixture
def world(program, write, esp, settings, tmp_path):
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    load_default_pace(program)  # the licensing pace table (R-I1b)
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    manager = create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1")
    people = {
        "tl_one": staff("tl.one@cxp.example", TL),
        "pm_one": staff("pm.one@cxp.example", PM),
        "tl_old": staff("tl.old@cxp.example", TL),
        "tl_new": staff("tl.new@cxp.example", TL),
        "licensing": staff("licensing@cxp.example", LICENSING),
        "coordinator": staff("cert.coordinator@cxp.example", CERT_COORDINATOR),
        "certifier": staff("certifier@cxp.example", CERTIFIER),
    }
    agents = {a.employee_id: a for a in Agent.objects.all()}
    proofs, caps = {}, {}
    for employee_id, agent in agents.items():
        proofs[employee_id] = proof_submit(
            agent=agent, item="carrier_cert", name="checks.png", data=png(), actor=manager
        ).pk
        caps[employee_id] = step_deliver(
            agent=agent,
            ladder="licensing",
            step="written_cap",
            expectation="Finish the licensing tasks",
            day=D("2026-11-09"),
            actor=manager,
        ).cap_document.pk
        # an occurrence in every report's window, so the attendance report names everyone
        fact_record(
            agent=agent, day=D("2026-11-05"), kind="attendance", item="tardy", value="20",
            actor=manager,
        )  # fmt: skip
    agent_move(agents["E005"], "AET-N", D("2026-11-27"), "Joins the later class", manager)
    for employee_id in ("E001", "E002", "E005", "E201"):
        certify(agents[employee_id], D("2026-11-27"))  # past licensing and done with AHIP/Aetna
    # OLD-Z is past its ESP days and done with them: no longer the coordinator's or an SME's
    # (an agent with Call Certs or TBTs still open would stay theirs: the extended agents).
    certify(agents["E201"], D("2026-11-27"), tasks=("call_cert", "tbt"))
    return SimpleNamespace(manager=manager, agents=agents, proofs=proofs, caps=caps, **people)


def state():
    """Everything a refused request could have written."""
    return (
        Fact.objects.count(),
        sorted(Proof.objects.values_list("pk", "status")),
        AuditEntry.objects.count(),
        CertifierConnection.objects.count(),
        sorted(Agent.objects.values_list("employee_id", "version")),
    )


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def report_texts(client, name: str, query: str = "") -> list[str]:
    """The report `name` as the signed-in user reads it: page, CSV, .xlsx, JSON and API."""
    base = f"/reports/{name}/?{query}"
    texts = []
    for fmt in ("", "&format=csv", "&format=json"):
        response = client.get(base + fmt)
        assert response.status_code == 200, (name, fmt, response.status_code)
        texts.append(response.content.decode())
    response = client.get(base + "&format=xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    texts.append(xlsx_text(response.content))
    response = client.get(f"/api/v1/reports/{name}/?{query}")
    assert response.status_code == 200, (name, "api", response.status_code)
    texts.append(response.content.decode())
    return texts


def api_write_urls(employee_id: str) -> dict[str, dict]:
    base = f"/api/v1/agents/{employee_id}"
    return {
        f"{base}/tasks/producer_world/": {"status": "done", "note": "scope test"},
        f"{base}/notes/": {"note": "scope test"},
        f"{base}/calls/": {"call": 2, "score": 90, "notes": "scope test"},
        f"{base}/ladder-steps/": {
            "ladder": "licensing",
            "step": "coaching",
            "expectation": "scope test",
        },
        f"{base}/flags/": {"action": "raised", "flag": "other", "note": "scope test"},
    }


def page_writes(employee_id: str, proof: int) -> dict[str, dict]:
    base = f"/agents/{employee_id}"
    return {
        f"{base}/notes/": {"note": "scope test"},
        f"{base}/tasks/producer_world/": {"status": "done", "note": "scope test"},
        f"{base}/employment/": {"status": "termed", "date": "2026-11-30", "note": "scope test"},
        f"{base}/deliver/": {"ladder": "licensing", "step": "coaching", "expectation": "x"},
        f"{base}/equipment/": {"status": "received"},
        f"{base}/flags/": {"action": "raised", "flag": "other", "note": "scope test"},
        f"{base}/move/": {"to_class": "LIC-B", "date": "2026-11-30", "reason": "scope test"},
        f"{base}/calls/2/score/": {},
        f"/proofs/{proof}/decide/": {"decision": "accept"},
    }


def reaches(client, world, employee_id: str) -> bool:
    """Whether the signed-in user can open the agent page (the positive control)."""
    return client.get(f"/agents/{employee_id}/").status_code == 200


def assert_refused(client, world, employee_id: str, *, class_code: str | None = None):
    """Every read of the agent refused (404) or without them, every write refused, and
    nothing written."""
    before = state()
    problems = []

    def expect_404(method: str, url: str, data=None):
        if method == "GET":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data)
        if response.status_code != 404:
            problems.append(f"{method} {url} → {response.status_code}")

    reads = [
        f"/agents/{employee_id}/",
        f"/proofs/{world.proofs[employee_id]}/file",
        reverse("accountability:cap_download", args=[world.caps[employee_id]]),
        f"/agents/{employee_id}/calls/2/score/",
        f"/api/v1/agents/{employee_id}/",
        f"/api/v1/agents/{employee_id}/tasks/",
        f"/api/v1/agents/{employee_id}/notes/",
        f"/api/v1/agents/{employee_id}/calls/",
        f"/api/v1/agents/{employee_id}/ladder-steps/",
        f"/api/v1/agents/{employee_id}/attendance/",
    ]
    if class_code:
        reads += [
            f"/classes/{class_code}/",
            f"/classes/{class_code}/tracker.xlsx",
            f"/classes/{class_code}/attendance/",
            f"/api/v1/classes/{class_code}/",
        ]
        reads += [f"/reports/{name}/?class={class_code}&format=csv" for name in REPORTS]
        reads += [f"/reports/{name}/?class={class_code}&format=xlsx" for name in REPORTS]
        reads += [f"/api/v1/reports/{name}/?class={class_code}" for name in REPORTS]
    for url in reads:
        expect_404("GET", url)
    for url, data in page_writes(employee_id, world.proofs[employee_id]).items():
        expect_404("POST", url, data)
    upload = {"item": "carrier_cert", "file": SimpleUploadedFile("c.png", png(), "image/png")}
    expect_404("POST", f"/agents/{employee_id}/proofs/", upload)
    for url, data in api_write_urls(employee_id).items():
        expect_404("POST", url, data)
    listed = client.get("/api/v1/agents/?page_size=1000").json()["results"]
    if employee_id in {a["employee_id"] for a in listed}:
        problems.append(f"{employee_id} in the API's agent list")
    for name in REPORTS:
        for text in report_texts(client, name):
            if employee_id in text or NAMES[employee_id] in text:
                problems.append(f"{employee_id} in the {name} report")
                break
    today = client.get("/today/").content.decode()
    if NAMES[employee_id] in today:
        problems.append(f"{employee_id} on the Today page")
    assert problems == []
    assert state() == before, "a refused request wrote something"


# -- item 1: access follows the class ------------------------------------------------------------


def test_it_refuses_a_tl_taken_off_the_class_by_a_class_import(world, client, write, esp):
    """Issue 12 item 1 (SPEC §1, §17): a class import naming other TLs takes the class's
    agents away from the TL; the agents' own TL field follows the class (issue 12 item 4
    follow-up: it named the removed TL before)."""
    client.force_login(world.tl_one)
    assert reaches(client, world, "E001")
    assert client.get("/classes/AET-A/").status_code == 200
    replaced = CLASSES.replace(
        "2026-11-02,,,,tl.one@cxp.example", "2026-11-02,,,,tl.other@cxp.example"
    )
    code, _, err = esp("import", "classes", write(replaced, "classes2.csv"))
    assert code == 0, err
    assert Agent.objects.get(employee_id="E001").tl.email == "tl.other@cxp.example"
    assert_refused(client, world, "E001", class_code="AET-A")
    assert not scopes.visible_agents(world.tl_one).filter(training_class__code="AET-A").exists()


def test_it_refuses_a_pm_removed_from_the_class(world, client):
    """Issue 12 item 1 (SPEC §1): a PM removed from a class (the admin) keeps nothing of it,
    although the agents' PM field still names them."""
    Agent.objects.filter(training_class__code="AET-A").update(pm=world.pm_one)
    client.force_login(world.pm_one)
    assert reaches(client, world, "E001")
    TrainingClass.objects.get(code="AET-A").pms.remove(world.pm_one)
    assert_refused(client, world, "E001", class_code="AET-A")


def test_it_refuses_a_certifier_once_the_connection_is_released(world, client):
    """Issue 12 item 1 (R-C2, SPEC §1): the certifier sees an agent while connected; once the
    Cert Coordinator releases the connection, the agent is out of the certifier's scope."""
    connection = callqueue.connection_open(
        certifier=world.certifier, agent=world.agents["E002"], now=NOW, actor=world.coordinator
    )
    client.force_login(world.certifier)
    assert reaches(client, world, "E002")
    assert client.get("/agents/E002/calls/2/score/").status_code == 200
    assert may_write(world.certifier, "call", "2", world.agents["E002"])
    callqueue.connection_close(connection=connection, now=NOW, actor=world.coordinator)
    assert_refused(client, world, "E002")
    assert "Bob Baker" not in client.get("/classes/").content.decode()
    # the services refuse the score too, by the same rule (issue 12 item 3, R-C2)
    assert not may_write(world.certifier, "call", "2", world.agents["E002"])


def test_it_gives_a_reconnected_certifier_the_agent_back(world, client):
    """Issue 12 item 1: a release ends the certifier's access to that agent, not for ever:
    a new connection of the same pair opens it again."""
    first = callqueue.connection_open(
        certifier=world.certifier, agent=world.agents["E002"], now=NOW, actor=world.coordinator
    )
    callqueue.connection_close(connection=first, now=NOW, actor=world.coordinator)
    assert not scopes.visible_agents(world.certifier).filter(employee_id="E002").exists()
    callqueue.connection_open(
        certifier=world.certifier, agent=world.agents["E002"], now=NOW, actor=world.coordinator
    )
    assert scopes.visible_agents(world.certifier).filter(employee_id="E002").exists()


def test_it_refuses_the_old_class_tl_after_a_move(world, client):
    """Issue 12 item 1 (R-T3): after a move the agent belongs to the new class's TL; the old
    class's TL (whose roster TL field still names them) no longer reaches the agent."""
    assert Agent.objects.get(employee_id="E005").tl == world.tl_old
    client.force_login(world.tl_new)
    assert reaches(client, world, "E005")
    client.force_login(world.tl_old)
    assert client.get("/classes/AET-M/").status_code == 200  # still their class
    assert_refused(client, world, "E005")
    assert "Eve Eden" not in client.get("/classes/AET-M/").content.decode()


def test_it_keeps_a_moved_agent_off_the_old_class_lists_on_a_day_before_the_move(world, client):
    """Issue 12 items 1 and 2 (R-T3): the old class's board, tracker .xlsx and attendance day
    picked on a day before the move would list the agent as of that day; they list only the
    agents the TL sees today. The ESP Manager still sees the class as it was."""
    client.force_login(world.manager)
    assert "Eve Eden" in client.get("/classes/AET-M/?as_of=2026-11-20").content.decode()
    client.force_login(world.tl_old)
    pages = [
        client.get("/classes/AET-M/?as_of=2026-11-20").content.decode(),
        xlsx_text(client.get("/classes/AET-M/tracker.xlsx?as_of=2026-11-20").content),
        client.get("/classes/AET-M/attendance/?date=2026-11-20").content.decode(),
    ]
    for text in pages:
        assert "Eve Eden" not in text and "E005" not in text


def test_it_counts_a_move_only_from_its_date(world):
    """Issue 12 item 1 (R-T3): a move dated after today has not happened yet: until then the
    agent stays with the old class's TL."""
    agent_move(world.agents["E001"], "AET-N", D("2026-12-02"), "Next week", world.manager)
    assert scopes.visible_agents(world.tl_one).filter(employee_id="E001").exists()
    assert not scopes.visible_agents(world.tl_new).filter(employee_id="E001").exists()
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=CHICAGO), tick=False):
        assert not scopes.visible_agents(world.tl_one).filter(employee_id="E001").exists()
        assert scopes.visible_agents(world.tl_new).filter(employee_id="E001").exists()


def test_it_follows_the_latest_move_back_to_the_roster_class(world):
    """Issue 12 item 1 (R-T3): the latest move on or before today decides the class, also a
    move back to the roster class."""
    agent_move(world.agents["E005"], "AET-M", D("2026-11-30"), "Back again", world.manager)
    assert scopes.visible_agents(world.tl_old).filter(employee_id="E005").exists()
    assert not scopes.visible_agents(world.tl_new).filter(employee_id="E005").exists()


def test_it_takes_the_later_entry_of_two_moves_on_one_day(world):
    """R-T3 (latest: by date, then entry order; issue 14: the latest move found once, by an
    anti-join of the moves): two moves dated the same day, the one entered last decides, in
    the list, the list's pks (Today) and the one-agent check alike."""
    agent = world.agents["E001"]
    agent_move(agent, "AET-N", D("2026-11-30"), "Moved", world.manager)
    agent_move(agent, "AET-A", D("2026-11-30"), "Moved back the same day", world.manager)
    for user, sees in ((world.tl_one, True), (world.tl_new, False)):
        assert scopes.visible_agents(user).filter(pk=agent.pk).exists() is sees
        assert (agent.pk in scopes.visible_agent_pks(user, 100)) is sees
        assert scopes.sees_agent(user, Agent.objects.get(pk=agent.pk)) is sees


# -- item 2: the as-of picker never widens scope -------------------------------------------------


def phase_day(code: str, phase: str) -> date:
    return ClassPhase.objects.get(training_class__code=code, phase__key=phase).start_date


@pytest.mark.parametrize("name", REPORTS)
def test_it_keeps_licensing_to_todays_classes_on_a_past_report_day(world, client, name):
    """Issue 12 item 2 (SPEC §1, R-T2): Licensing sees the classes in licensing today; a report
    as of a day when AET-A was in licensing shows none of AET-A's agents (page, CSV, .xlsx,
    JSON, API), while today's class stays in."""
    day = phase_day("AET-A", "licensing")
    assert day == D("2026-11-04")
    query = "as_of=2026-11-09"  # AET-A's licensing day 4: late and due steps for everyone
    manager_view = client
    manager_view.force_login(world.manager)
    if name in ("incompletions", "actions", "attendance"):
        assert any("E001" in text for text in report_texts(manager_view, name, query))
    client.force_login(world.licensing)
    for text in report_texts(client, name, query):
        for employee_id in ("E001", "E002", "E005", "E201"):
            assert employee_id not in text, (name, employee_id)
    assert client.get(f"/reports/{name}/?class=AET-A&{query}").status_code == 404
    assert client.get(f"/api/v1/reports/{name}/?class=AET-A&{query}").status_code == 404
    for text in report_texts(client, name, "as_of=2026-11-30"):
        for employee_id in ("E001", "E002", "E005", "E201"):
            assert employee_id not in text, (name, employee_id)


@pytest.mark.parametrize("name", REPORTS)
def test_it_keeps_the_coordinator_to_todays_classes_on_a_past_report_day(world, client, name):
    """Issue 12 item 2 (SPEC §1, R-T2): the Cert Coordinator sees the classes in their ESP
    phase today; a report as of a day when OLD-Z was in ESP names none of OLD-Z's agents."""
    day = phase_day("OLD-Z", "esp")
    assert phase_day("OLD-Z", "production") <= NOW.date()
    query = f"as_of={day.isoformat()}"
    client.force_login(world.manager)
    if name in ("callcert", "attendance"):
        assert any("E201" in text for text in report_texts(client, name, query))
    client.force_login(world.coordinator)
    for text in report_texts(client, name, query):
        assert "E201" not in text and "Zed Zane" not in text, name
    if name == "callcert":  # today's ESP class stays in
        assert any("E001" in text for text in report_texts(client, name, ""))


def test_it_keeps_the_today_page_and_the_pace_list_to_todays_scope_for_licensing(world, client):
    """Issue 12 item 2: the Today page and the licensing behind-pace list (page, CSV, .xlsx)
    picked on AET-A's licensing day 3 list none of AET-A's agents."""
    client.force_login(world.manager)
    assert "Ann Able" in client.get("/licensing-pace/?as_of=2026-11-06").content.decode()
    client.force_login(world.licensing)
    pages = [
        client.get("/today/?as_of=2026-11-06").content.decode(),
        client.get("/licensing-pace/?as_of=2026-11-06").content.decode(),
        client.get("/licensing-pace/?as_of=2026-11-06&format=csv").content.decode(),
        xlsx_text(client.get("/licensing-pace/?as_of=2026-11-06&format=xlsx").content),
    ]
    for text in pages:
        for name in ("Ann Able", "Bob Baker", "Eve Eden", "Zed Zane"):
            assert name not in text


@pytest.mark.parametrize("route", ["tbt:callcert_summary", "tbt:tbt_completion"])
def test_it_keeps_the_end_of_day_summaries_to_todays_scope(world, client, route):
    """Issue 12 item 2 (R-N2): the end-of-day summaries (a line per class) picked on a day
    OLD-Z was in ESP (page, CSV, .xlsx) leave OLD-Z out for the Cert Coordinator."""
    query = f"as_of={phase_day('OLD-Z', 'esp').isoformat()}"
    client.force_login(world.manager)
    assert "OLD-Z" in client.get(f"{reverse(route)}?{query}").content.decode()
    client.force_login(world.coordinator)
    texts = [
        client.get(f"{reverse(route)}?{query}").content.decode(),
        client.get(f"{reverse(route)}?{query}&format=csv").content.decode(),
        xlsx_text(client.get(f"{reverse(route)}?{query}&format=xlsx").content),
    ]
    for text in texts:
        assert "OLD-Z" not in text


def test_it_keeps_the_today_page_to_todays_scope_for_the_coordinator(world, client):
    """Issue 12 item 2: the coordinator's Today page picked on a day OLD-Z was in ESP lists
    none of OLD-Z's agents (not self-reported, open call certs, over the clock)."""
    day = phase_day("OLD-Z", "esp")
    client.force_login(world.manager)
    assert "Zed Zane" in client.get(f"/today/?as_of={day.isoformat()}").content.decode()
    client.force_login(world.coordinator)
    html = client.get(f"/today/?as_of={day.isoformat()}").content.decode()
    assert "Zed Zane" not in html
    assert "Ann Able" in client.get("/today/").content.decode()  # today's ESP class


def test_it_decides_scope_by_the_clock_alone(world):
    """Issue 12 item 2: the scope functions take no date: only the clock's today counts."""
    with pytest.raises(TypeError):
        scopes.visible_agents(world.licensing, today=D("2026-11-09"))
    for user, expected in ((world.licensing, {"E101"}), (world.coordinator, {"E001", "E002"})):
        assert set(scopes.visible_agents(user).values_list("employee_id", flat=True)) == expected


def test_it_follows_a_transfer_undone_back_into_the_coordinators_scope(world):
    """Issue 14: an extended agent leaves the coordinator's scope once transferred (R-P3) and
    comes back when the transfer is undone: the agents' kept `settled_on` (which lets the
    scope skip the settled ones) follows every fact, never hiding an agent in flight."""
    zed = world.agents["E201"]

    def seen() -> bool:
        return scopes.visible_agents(world.coordinator).filter(pk=zed.pk).exists()

    fact_record(agent=zed, day=D("2026-11-27"), kind="task", item="call_cert", value="in_progress")
    assert seen()  # Call Certs open again: an extended agent, the coordinator's
    fact_record(agent=zed, day=D("2026-11-27"), kind="task", item="transfer", value="done")
    zed.refresh_from_db()
    assert zed.settled_on == D("2026-11-27") and not seen()
    fact_record(agent=zed, day=D("2026-11-30"), kind="task", item="transfer", value="in_progress")
    zed.refresh_from_db()
    assert zed.settled_on is None and seen()
    fact_record(agent=zed, day=D("2026-11-30"), kind="status", item="employment", value="termed")
    zed.refresh_from_db()
    assert zed.settled_on == D("2026-11-30") and not seen()
