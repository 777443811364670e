"""The breakout help queue (R-S4): an agent asks for help, a leader takes them into a
breakout room, and the visit is logged with its topic (TBT retake, equipment, AHIP/carrier
site, other).

The scenario, as of Monday 11/30/2026 09:05 AM (America/Chicago): class AET-A (ESP phase,
tl.one) with agents E001–E006, Ann Able (E001) signed in as herself; class LIC-B (licensing,
tl.two) with agent E101, outside tl.one's classes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.breakouts import selectors, services
from esp.breakouts.models import HelpRequest
from esp.demo.breakouts import demo_breakouts
from esp.roster.models import Agent
from esp.roster.roles import AGENT, TBT_SME, TL
from esp.roster.services.staff import create_esp_manager
from tests.web_support import messages_of, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 9, 5, tzinfo=CHICAGO)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
LIC-B,esp-aetna,Aetna,PRV,2026-11-25,tl.two@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E003,Cat,Cole,cat@cxp.example,cat@mail.example,AET-A,tl.one@cxp.example
E004,Dan,Dale,dan@cxp.example,dan@mail.example,AET-A,tl.one@cxp.example
E005,Eve,Eden,eve@cxp.example,eve@mail.example,AET-A,tl.one@cxp.example
E006,Fay,Ford,fay@cxp.example,fay@mail.example,AET-A,tl.one@cxp.example
E101,Liz,Lane,liz@cxp.example,liz@mail.example,LIC-B,tl.two@cxp.example
"""


@pytest.fixture(autouse=True)
def monday_morning(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    agents = {a.employee_id: a for a in Agent.objects.all()}
    ann = staff("ann@cxp.example", AGENT)
    Agent.objects.filter(pk=agents["E001"].pk).update(user=ann)
    agents["E001"].refresh_from_db()
    return {
        "manager": create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1"),
        "tl_one": staff("tl.one@cxp.example", TL),
        "tl_two": staff("tl.two@cxp.example", TL),
        "sme": staff("tbt.sme@cxp.example", TBT_SME),
        "ann": ann,
        "agents": agents,
    }


def ask_page(client, user, **data):
    client.force_login(user)
    return client.post(reverse("breakouts:ask"), data)


def open_request(employee_id: str) -> HelpRequest:
    return HelpRequest.objects.get(agent__employee_id=employee_id, status__in=HelpRequest.OPEN)


def test_it_runs_a_visit_from_ask_to_take_to_done_and_logs_it_on_the_agent_page_r_s4(
    world, client, monday_morning
):
    """R-S4: Ann asks for a TBT retake, tl.one takes her into Breakout 2, the visit is logged
    with its topic, room, leader and outcome, on the queue page and on her agent page."""
    response = ask_page(client, world["ann"], topic="tbt_retake", need="Failed TBT 104")
    assert response.status_code == 302 and response["Location"] == reverse("breakouts:ask")
    page = client.get(reverse("breakouts:ask")).content.decode()
    assert "Waiting" in page and "number 1 in line" in page and "Failed TBT 104" in page

    monday_morning.shift(timedelta(minutes=7))
    client.force_login(world["tl_one"])
    queue = client.get(reverse("breakouts:queue")).content.decode()
    assert "Ann Able" in queue and "TBT retake" in queue
    assert "9:05 AM" in queue and "7 min" in queue  # asked at, waiting for
    request = open_request("E001")
    response = client.post(
        reverse("breakouts:take", args=["E001"]), {"request": request.pk, "room": "Breakout 2"}
    )
    assert response["Location"] == reverse("breakouts:queue")
    assert messages_of(response) == ["Ann Able is in Breakout 2 with you."]
    request.refresh_from_db()
    assert (request.status, request.room, request.taken_by) == (
        HelpRequest.IN_ROOM,
        "Breakout 2",
        world["tl_one"],
    )
    queue = client.get(reverse("breakouts:queue")).content.decode()
    assert "Nobody is waiting." in queue and "Breakout 2" in queue and "Tl One" in queue

    client.force_login(world["ann"])
    assert "In Breakout 2" in client.get(reverse("breakouts:ask")).content.decode()

    monday_morning.shift(timedelta(minutes=20))
    client.force_login(world["tl_one"])
    response = client.post(
        reverse("breakouts:done", args=["E001"]),
        {"request": request.pk, "outcome": "Retook TBT 104: passed"},
    )
    assert messages_of(response) == ["Ann Able's visit is logged."]
    request.refresh_from_db()
    assert request.status == HelpRequest.DONE and request.outcome == "Retook TBT 104: passed"
    assert request.closed_at == NOW + timedelta(minutes=27)
    queue = client.get(reverse("breakouts:queue")).content.decode()
    assert "No breakout room in use." in queue and "Retook TBT 104: passed" in queue

    for viewer in (world["ann"], world["tl_one"]):  # the agent page's visit log
        client.force_login(viewer)
        page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
        section = page[page.index('id="breakouts"') :]
        for shown in ("TBT retake", "11/30/2026 9:05 AM", "Tl One", "Breakout 2", "passed"):
            assert shown in section, (viewer, shown)


def test_it_hides_and_refuses_an_agent_outside_a_tls_classes_r_s4(world, client):
    """R-S4 scope: tl.one neither sees nor takes, closes or cancels E101's request (404), nor
    asks for E101; tl.two, whose class it is, can."""
    services.help_ask(
        agent=world["agents"]["E101"], topic="equipment", need="No headset", actor=None, now=NOW
    )
    request = open_request("E101")
    client.force_login(world["tl_one"])
    assert "Liz Lane" not in client.get(reverse("breakouts:queue")).content.decode()
    for route, data in (
        ("breakouts:take", {"room": "Breakout 1"}),
        ("breakouts:done", {"outcome": "x"}),
        ("breakouts:cancel", {}),
    ):
        response = client.post(reverse(route, args=["E101"]), {"request": request.pk, **data})
        assert response.status_code == 404, route
    response = client.post(
        reverse("breakouts:ask"), {"agent": "E101", "topic": "other", "need": "x"}
    )
    assert response.status_code == 404
    assert HelpRequest.objects.count() == 1
    request.refresh_from_db()
    assert request.status == HelpRequest.WAITING and request.taken_by is None

    client.force_login(world["tl_two"])
    assert "Liz Lane" in client.get(reverse("breakouts:queue")).content.decode()
    client.post(reverse("breakouts:take", args=["E101"]), {"request": request.pk, "room": "B1"})
    request.refresh_from_db()
    assert request.status == HelpRequest.IN_ROOM


def test_it_refuses_a_tl_asking_for_an_agent_outside_their_classes_with_404_r_s4(world, client):
    response = ask_page(client, world["tl_one"], agent="E101", topic="other", need="Help")
    assert response.status_code == 404
    assert not HelpRequest.objects.exists()
    response = ask_page(client, world["tl_one"], agent="E002", topic="other", need="Help")
    assert response["Location"] == reverse("breakouts:queue")
    assert open_request("E002").asked_by == world["tl_one"]


def test_it_shows_an_agent_only_their_own_request_r_s4(world, client):
    """R-S4: an agent asks only for herself (a posted employee id is ignored), sees only her
    own request and visits, and cannot open the leaders' queue or touch another's request."""
    services.help_ask(
        agent=world["agents"]["E002"], topic="other", need="Bob's secret", actor=None, now=NOW
    )
    ask_page(client, world["ann"], agent="E002", topic="equipment", need="Mic is muted")
    assert open_request("E001").need == "Mic is muted"
    assert open_request("E001").asked_by == world["ann"]
    page = client.get(reverse("breakouts:ask")).content.decode()
    assert "Mic is muted" in page and "Bob" not in page
    assert "number 2 in line" in page  # Bob asked first
    assert client.get(reverse("breakouts:queue")).status_code == 404
    bob = open_request("E002")
    response = client.post(reverse("breakouts:cancel", args=["E002"]), {"request": bob.pk})
    assert response.status_code == 404
    for route in ("breakouts:take", "breakouts:done"):  # leaders only
        response = client.post(reverse(route, args=["E001"]), {"request": bob.pk, "room": "x"})
        assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.status == HelpRequest.WAITING
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Ask for help in a breakout room" in page and "Bob&#x27;s secret" not in page


def test_it_refuses_a_second_open_request_with_a_clear_message_r_s4(world, client):
    ann = world["agents"]["E001"]
    services.help_ask(agent=ann, topic="tbt_retake", need="TBT 104", actor=None, now=NOW)
    with pytest.raises(ValidationError) as error:
        services.help_ask(agent=ann, topic="equipment", need="Headset", actor=None, now=NOW)
    assert error.value.messages == [
        "Ann Able already has an open help request (TBT retake, waiting): finish or cancel it "
        "first."
    ]
    request = open_request("E001")
    services.help_take(help_request=request, room="Breakout 3", actor=world["sme"], now=NOW)
    response = ask_page(client, world["ann"], topic="equipment", need="Headset")
    assert messages_of(response) == [
        "Ann Able already has an open help request (TBT retake, in Breakout 3 with Tbt Sme): "
        "finish or cancel it first."
    ]
    assert HelpRequest.objects.filter(agent=ann).count() == 1
    services.help_done(help_request=request, outcome="Passed", actor=world["sme"], now=NOW)
    services.help_ask(agent=ann, topic="equipment", need="Headset", actor=None, now=NOW)
    assert HelpRequest.objects.filter(agent=ann).count() == 2


def test_it_lets_the_agent_cancel_a_waiting_request_but_not_one_in_a_room_r_s4(world, client):
    ask_page(client, world["ann"], topic="carrier_site", need="Portal locked")
    request = open_request("E001")
    response = client.post(reverse("breakouts:cancel", args=["E001"]), {"request": request.pk})
    assert messages_of(response)[-1] == "Ann Able's help request is cancelled."
    request.refresh_from_db()
    assert request.status == HelpRequest.CANCELLED and request.closed_by == world["ann"]
    client.force_login(world["tl_one"])
    response = client.post(
        reverse("breakouts:take", args=["E001"]), {"request": request.pk, "room": "Breakout 1"}
    )
    assert messages_of(response)[-1] == "Ann Able has no such open help request any more."

    ask_page(client, world["ann"], topic="carrier_site", need="Still locked")
    again = open_request("E001")
    services.help_take(help_request=again, room="Breakout 1", actor=world["tl_one"], now=NOW)
    with pytest.raises(ValidationError, match="Not cancelled: .* in a breakout room now"):
        services.help_cancel(help_request=again, actor=world["ann"], now=NOW)


def test_it_takes_a_waiting_agent_once_when_two_leaders_press_take_r_s4(world):
    ann = world["agents"]["E001"]
    request = services.help_ask(agent=ann, topic="other", need="x", actor=None, now=NOW)
    stale = HelpRequest.objects.get(pk=request.pk)
    services.help_take(help_request=request, room="Breakout 1", actor=world["tl_one"], now=NOW)
    with pytest.raises(ValidationError, match="Not taken"):
        services.help_take(help_request=stale, room="Breakout 2", actor=world["sme"], now=NOW)
    request.refresh_from_db()
    assert (request.room, request.taken_by) == ("Breakout 1", world["tl_one"])
    with pytest.raises(ValidationError, match="Name the breakout room"):
        services.help_take(help_request=stale, room="  ", actor=world["sme"], now=NOW)
    with pytest.raises(ValidationError, match="Choose a topic"):
        services.help_ask(agent=world["agents"]["E002"], topic="bogus", need="x", actor=None,
                          now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="outcome"):
        services.help_done(help_request=request, outcome="  ", actor=world["tl_one"], now=NOW)


def test_it_audits_every_state_change_r_s4(world):
    """STYLE §4: ask, take, done and cancel each write one audit row on the agent."""
    ann, bob = world["agents"]["E001"], world["agents"]["E002"]
    request = services.help_ask(
        agent=ann, topic="tbt_retake", need="TBT 104", actor=world["ann"], now=NOW
    )
    services.help_take(help_request=request, room="Breakout 2", actor=world["tl_one"], now=NOW)
    services.help_done(help_request=request, outcome="Passed", actor=world["tl_one"], now=NOW)
    other = services.help_ask(agent=bob, topic="other", need="x", actor=world["sme"], now=NOW)
    services.help_cancel(help_request=other, actor=world["sme"], now=NOW)
    rows = list(
        AuditEntry.objects.filter(action__startswith="help_")
        .order_by("pk")
        .values_list("action", "object_id", "actor__email", "changes")
    )
    assert rows == [
        ("help_ask", "E001", "ann@cxp.example",
         {"help_request": request.pk, "status": [None, "waiting"], "topic": [None, "tbt_retake"],
          "need": "TBT 104"}),
        ("help_take", "E001", "tl.one@cxp.example",
         {"help_request": request.pk, "status": ["waiting", "in_room"],
          "room": [None, "Breakout 2"]}),
        ("help_done", "E001", "tl.one@cxp.example",
         {"help_request": request.pk, "status": ["in_room", "done"], "outcome": [None, "Passed"]}),
        ("help_ask", "E002", "tbt.sme@cxp.example",
         {"help_request": other.pk, "status": [None, "waiting"], "topic": [None, "other"],
          "need": "x"}),
        ("help_cancel", "E002", "tbt.sme@cxp.example",
         {"help_request": other.pk, "status": ["waiting", "cancelled"]}),
    ]  # fmt: skip
    with pytest.raises(ValidationError):  # a refused change writes nothing
        services.help_cancel(help_request=other, actor=world["sme"], now=NOW)
    assert AuditEntry.objects.filter(action__startswith="help_").count() == 5


def test_it_lists_the_waiting_oldest_first_with_the_wait_r_s4(world, client):
    agents = world["agents"]
    for minutes, employee_id in ((3, "E003"), (75, "E002"), (12, "E004")):
        services.help_ask(
            agent=agents[employee_id],
            topic="other",
            need=f"need of {employee_id}",
            actor=None,
            now=NOW - timedelta(minutes=minutes),
        )
    program = world["agents"]["E001"].training_class.program
    waiting = selectors.queue(world["tl_one"], NOW, program)["waiting"]
    assert [(w["request"].agent.employee_id, w["wait"]) for w in waiting] == [
        ("E002", "1 h 15 min"),
        ("E004", "12 min"),
        ("E003", "3 min"),
    ]
    askable = selectors.queue(world["tl_one"], NOW, program)["askable"]
    assert [a.employee_id for a in askable] == ["E001", "E005", "E006"]  # by last name
    client.force_login(world["tl_one"])
    page = client.get(reverse("web:today")).content.decode()
    assert "3 agents waiting for breakout help" in page
    assert 'href="/breakouts/"' in page  # the navigation
    # the ESP Manager's count (every agent) asks no agents table; a scope counts its own
    assert selectors.waiting_count() == 3
    assert selectors.waiting_count(Agent.objects.filter(employee_id="E002")) == 1


def test_it_reads_an_agents_visits_in_one_query_r_s4(world, django_assert_num_queries):
    ann = world["agents"]["E001"]
    for n in range(4):
        request = services.help_ask(agent=ann, topic="other", need=f"n{n}", actor=None, now=NOW)
        services.help_take(help_request=request, room="B1", actor=world["tl_one"], now=NOW)
        services.help_done(help_request=request, outcome=f"o{n}", actor=world["tl_one"], now=NOW)
    request = RequestFactory().get("/")
    request.user = world["manager"]
    from esp.access.scopes import roles

    roles(request.user)  # the roles are read once per request, before the section
    template = Template("{% load breakout_tags %}{% agent_breakouts panel %}")
    with django_assert_num_queries(1):
        panel = selectors.agent_page_context(request.user, ann, None)["breakouts_panel"]
        html = template.render(Context({"panel": panel}))
    assert html.count("<tr>") == 5 and "o3" in html


def test_it_makes_demo_visits_waiting_in_a_room_and_done_r_s4(world):
    staff("tbt.sme@esp.example", TBT_SME)
    assert demo_breakouts(world["agents"]["E001"].training_class.program, NOW.date()) == 6
    statuses = sorted(HelpRequest.objects.values_list("status", flat=True))
    assert statuses == ["done", "done", "done", "in_room", "waiting", "waiting"]
    assert set(HelpRequest.objects.values_list("agent__training_class__code", flat=True)) == {
        "AET-A"
    }


# -- who can be asked for (R-P3) and how the form scales ---------------------------------------

LATER_CLASSES = (
    CLASSES.strip()
    + "\nNEW-C,esp-aetna,Aetna,PRV,2026-12-07,tl.one@cxp.example,"
    + "\nOLD-D,esp-aetna,Aetna,PRV,2026-09-01,tl.one@cxp.example,\n"
)
LATER_ROSTER = (
    ROSTER.strip()
    + "\nE201,Ned,Next,ned@cxp.example,ned@mail.example,NEW-C,tl.one@cxp.example"
    + "\nE301,Old,Olds,old@cxp.example,old@mail.example,OLD-D,tl.one@cxp.example\n"
)
LEFT = """
date,employee_id,kind,item,value,by,note
2026-11-20,E003,status,employment,termed,tl.one@cxp.example,
2026-11-27,E004,task,transfer,done,esp.manager@cxp.example,
"""


@pytest.fixture
def left(world, esp, write):
    """E003 termed, E004 transferred, E201 in a class that starts next week, E301 in a class
    in production since October (not transferred: still in flight)."""
    for kind, text in (("classes", LATER_CLASSES), ("roster", LATER_ROSTER), ("activity", LEFT)):
        code, _, err = esp("import", kind, write(text, f"{kind}-2.csv"))
        assert code == 0, err
    world["agents"].update({a.employee_id: a for a in Agent.objects.all()})
    return world


def test_it_offers_only_agents_in_flight_in_a_running_class_r_p3(left, client):
    program = left["agents"]["E001"].training_class.program
    askable = selectors.askable_agents(left["manager"], program, NOW.date())
    assert [a.employee_id for a in askable] == ["E001", "E002", "E005", "E006", "E101"]
    client.force_login(left["manager"])
    page = client.get(reverse("breakouts:queue")).content.decode()
    form = page[page.index('id="ask-agent"') :]
    assert 'value="E002"' in form and 'value="E101"' in form
    for gone in ("E003", "E004", "E201", "E301"):  # termed, transferred, not running
        assert f'value="{gone}"' not in form, gone


def test_it_refuses_help_for_an_agent_termed_or_transferred_r_p3(left, client):
    agents = left["agents"]
    with pytest.raises(ValidationError) as error:
        services.help_ask(agent=agents["E003"], topic="other", need="x", actor=None, now=NOW)
    assert error.value.messages == [
        "Cat Cole's employment ended (termed on 11/20/2026): no help request can be made for them."
    ]
    response = ask_page(client, left["tl_one"], agent="E004", topic="other", need="Headset")
    assert messages_of(response) == [
        "Dan Dale was transferred to production (11/27/2026): no help request can be made for them."
    ]
    assert not HelpRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="help_ask").exists()


def test_it_asks_for_an_employee_id_instead_of_listing_a_large_scope(left, client, monkeypatch):
    """The ESP Manager's scope is the whole season: past ASK_LIST_MAX agents the form takes
    an employee ID rather than a list of thousands."""
    monkeypatch.setattr(selectors, "ASK_LIST_MAX", 4)
    client.force_login(left["manager"])
    for route in ("breakouts:queue", "breakouts:ask"):
        page = client.get(reverse(route)).content.decode()
        assert "Agent&#x27;s employee ID" in page or "Agent's employee ID" in page, route
        assert '<select id="ask-agent"' not in page and 'value="E002"' not in page, route
    response = ask_page(client, left["manager"], agent=" E002 ", topic="other", need="Help")
    assert response["Location"] == reverse("breakouts:queue")
    assert open_request("E002").asked_by == left["manager"]
    monkeypatch.setattr(selectors, "ASK_LIST_MAX", 5)  # exactly the limit: still a list
    page = client.get(reverse("breakouts:queue")).content.decode()
    assert '<select id="ask-agent"' in page


# -- bad input (§17) ---------------------------------------------------------------------------


def test_it_names_the_field_of_a_need_too_long_r_s4(world, client):
    response = ask_page(client, world["ann"], topic="other", need="x" * 301)
    assert messages_of(response) == ["What is needed: at most 300 characters (this one has 301)."]
    ask_page(client, world["ann"], topic="other", need="x" * 300)
    assert len(open_request("E001").need) == 300


@pytest.mark.parametrize("field", ["need", "room", "outcome"])
def test_it_refuses_a_nul_character_naming_the_field_r_s4(world, field):
    ann = world["agents"]["E001"]
    names = {"need": "What is needed", "room": "Breakout room", "outcome": "Outcome"}
    with pytest.raises(ValidationError) as error:
        request = services.help_ask(
            agent=ann, topic="other", need="a\x00b" if field == "need" else "x", actor=None, now=NOW
        )
        request = services.help_take(
            help_request=request,
            room="B\x001" if field == "room" else "B1",
            actor=world["tl_one"],
            now=NOW,
        )
        services.help_done(help_request=request, outcome="ok\x00", actor=world["tl_one"], now=NOW)
    assert error.value.messages == [
        f"{names[field]}: remove the NUL character (\\x00) from the text."
    ]
    expected = {"need": None, "room": "waiting", "outcome": "in_room"}[field]
    current = HelpRequest.objects.filter(agent=ann).values_list("status", flat=True).first()
    assert current == expected  # nothing of the refused step was stored


def test_it_shows_the_visits_times_in_the_programs_time_zone_issue_17(world, client, program):
    """Issue 17 item 3: "8:05 AM in the program's time zone", not the server's (Chicago): a
    program in New York reads Ann's 9:05 AM Chicago request as 10:05 AM on every page."""
    program.time_zone = "America/New_York"
    program.save()
    ask_page(client, world["ann"], topic="tbt_retake", need="Failed TBT 104")
    mine = client.get(reverse("breakouts:ask")).content.decode()
    assert "asked at 10:05 AM on 11/30/2026" in mine
    client.force_login(world["tl_one"])
    queue = client.get(reverse("breakouts:queue")).content.decode()
    assert "As of 11/30/2026 10:05 AM" in queue and "<td>10:05 AM" in queue
    assert "9:05 AM" not in queue
    request = open_request("E001")
    client.post(
        reverse("breakouts:take", args=["E001"]), {"request": request.pk, "room": "Breakout 2"}
    )
    client.post(reverse("breakouts:done", args=["E001"]), {"request": request.pk, "outcome": "ok"})
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    section = page[page.index('id="breakouts"') :]
    assert "11/30/2026 10:05 AM" in section and "at 10:05 AM" in section
    assert "9:05 AM" not in section
