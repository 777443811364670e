"""The Call Cert queue (R-C1, R-C2, R-Q1): the coordinator's page, connecting, the clock.

The scenario, as of Monday 11/30/2026 10:00 (America/Chicago): class AET-A (ESP since 11/25)
and AET-C (started a week later) with agents who finished their readiness on different days;
two certifiers available today, one not.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from esp.access import scopes
from esp.callqueue import selectors, services
from esp.callqueue.models import CertifierConnection, Mentor
from esp.progress.services import equipment_set, fact_record, task_status_set
from esp.roster.models import Agent, CertifierAssignment
from esp.roster.roles import AGENT, CERT_COORDINATOR, CERTIFIER, TL
from esp.roster.services.staff import create_esp_manager
from tests.web_support import messages_of, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 10, tzinfo=CHICAGO)
D = date.fromisoformat

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-C,esp-aetna,Aetna,SLC,2026-11-09,tl.one@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
E003,Cat,Cole,cat@cxp.example,cat@mail.example,AET-C,tl.one@cxp.example
E004,Dan,Dale,dan@cxp.example,dan@mail.example,AET-A,tl.one@cxp.example
E005,Eve,Eden,eve@cxp.example,eve@mail.example,AET-A,tl.one@cxp.example
E006,Fay,Ford,fay@cxp.example,fay@mail.example,AET-A,tl.one@cxp.example
"""


@pytest.fixture(autouse=True)
def monday_morning(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_ready(agent, manager, *, equipment: str, day1: str, shadowing: str):
    equipment_set(agent=agent, status="verified", day=D(equipment), actor=manager)
    task_status_set(agent=agent, task="readiness_day1", status="done", day=D(day1), actor=manager)
    task_status_set(
        agent=agent, task="readiness_shadowing", status="done", day=D(shadowing), actor=manager
    )


@pytest.fixture
def world(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    manager = create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1")
    agents = {a.employee_id: a for a in Agent.objects.all()}
    # E002 waits since 11/25; E001, E003 and E004 since 11/26 (E003's class started later);
    # E005 is ready but for an open equipment issue; E006 has not shadowed yet.
    make_ready(
        agents["E002"], manager, equipment="2026-11-20", day1="2026-11-24", shadowing="2026-11-25"
    )
    for employee_id in ("E001", "E003", "E004"):
        make_ready(
            agents[employee_id],
            manager,
            equipment="2026-11-23",
            day1="2026-11-24",
            shadowing="2026-11-26",
        )
    make_ready(
        agents["E005"], manager, equipment="2026-11-20", day1="2026-11-20", shadowing="2026-11-20"
    )
    equipment_set(
        agent=agents["E005"], status="issue", ticket="INC0042", day=D("2026-11-27"), actor=manager
    )
    equipment_set(agent=agents["E006"], status="verified", day=D("2026-11-20"), actor=manager)
    certifiers = [staff(f"cert.{n}@cxp.example", CERTIFIER) for n in ("one", "two", "three")]
    for certifier, available in zip(certifiers, (True, True, False), strict=True):
        services.availability_set(
            certifier=certifier, day=NOW.date(), available=available, actor=manager
        )
    Agent.objects.filter(employee_id="E006").update(user=staff("fay@cxp.example", AGENT))
    return SimpleNamespace(
        manager=manager,
        coordinator=staff("cert.coordinator@cxp.example", CERT_COORDINATOR),
        tl=staff("tl.one@cxp.example", TL),
        agent_user=Agent.objects.get(employee_id="E006").user,
        certifiers=certifiers,
        agents=agents,
        program=program,
    )


def page(client, user, name="callqueue:queue"):
    client.force_login(user)
    return client.get(reverse(name))


# -- waiting order and equipment --------------------------------------------------------------


def test_it_lists_ready_agents_longest_waiting_first_then_by_phase_start_then_name(world):
    state = selectors.queue(world.manager, world.program, NOW)
    assert [w.employee_id for w in state["waiting"]] == ["E002", "E001", "E004", "E003"]
    assert state["waiting"][0].since == D("2026-11-25")
    assert state["waiting"][1].phase_start < state["waiting"][3].phase_start


def test_it_never_offers_an_agent_with_an_open_equipment_issue(world, client):
    state = selectors.queue(world.manager, world.program, NOW)
    assert "E005" not in {w.employee_id for w in state["waiting"]}
    assert [h["employee_id"] for h in state["held"]] == ["E005"]
    html = page(client, world.coordinator).content.decode()
    assert "IT ticket INC0042" in html
    response = client.post(
        reverse("callqueue:connect"),
        {"action": "connect", "agent": "E005", "certifier": world.certifiers[0].pk},
    )
    assert response.status_code == 302
    assert "Choose a free certifier and a waiting agent." in messages_of(response)
    assert not CertifierConnection.objects.exists()


def test_it_shows_the_coordinator_the_queue_in_order_and_the_free_certifiers(world, client):
    html = page(client, world.coordinator).content.decode()
    assert html.index("Bob Baker") < html.index("Ann Able") < html.index("Dan Dale")
    assert "Cat Cole" not in html  # AET-C is not in its ESP phase yet: not the coordinator's
    free = html[html.index('id="free-h"') : html.index('id="connections"')]
    assert "Cert One" in free and "Cert Two" in free and "Cert Three" not in free
    # not shadowed yet: not offered (issue 15 item 1: listed under "Not ready yet" instead)
    waiting = html[html.index('id="waiting-h"') : html.index('id="free-h"')]
    assert "Fay Ford" not in waiting
    html = page(client, world.manager).content.decode()
    assert html.index("Dan Dale") < html.index("Cat Cole")


# -- connecting ------------------------------------------------------------------------------------


def test_it_connects_the_suggested_pair_and_assigns_the_certifier(world, client):
    cert_one = world.certifiers[0]
    assert not scopes.visible_agents(cert_one).filter(employee_id="E002").exists()
    client.force_login(world.coordinator)
    response = client.post(reverse("callqueue:connect"), {"action": "suggested"})
    assert response.status_code == 302
    connection = CertifierConnection.objects.get()
    assert connection.agent.employee_id == "E002"
    assert connection.connected_at == NOW and connection.connected_by == world.coordinator
    assert connection.certifier in world.certifiers[:2]
    assert CertifierAssignment.objects.filter(
        certifier=connection.certifier, agent=connection.agent
    ).exists()
    assert scopes.visible_agents(connection.certifier).filter(employee_id="E002").exists()
    state = selectors.queue(world.coordinator, world.program, NOW)
    assert connection.certifier.pk not in {c.key for c in state["free"]}
    assert "E002" not in {w.employee_id for w in state["waiting"]}
    mine = page(client, connection.certifier, "callqueue:mine").content.decode()
    assert "Bob Baker" in mine


def test_it_connects_the_chosen_pair_and_suggests_the_longest_idle_certifier_next(
    world, client, monday_morning
):
    cert_one, cert_two = world.certifiers[:2]
    client.force_login(world.coordinator)
    client.post(
        reverse("callqueue:connect"),
        {"action": "connect", "agent": "E001", "certifier": cert_two.pk},
    )
    connection = CertifierConnection.objects.get(agent__employee_id="E001")
    assert connection.certifier == cert_two
    monday_morning.shift(timedelta(minutes=30))
    services.connection_close(connection=connection, now=NOW + timedelta(minutes=30), actor=None)
    state = selectors.queue(world.coordinator, world.program, NOW + timedelta(minutes=30))
    certifier, agent = state["suggested"]
    assert (certifier.key, agent.employee_id) == (cert_one.pk, "E002")  # never connected yet
    assert "E001" in {w.employee_id for w in state["waiting"]}  # released, calls not done


def test_it_refuses_a_certifier_already_connected(world):
    cert_one = world.certifiers[0]
    services.connection_open(certifier=cert_one, agent=world.agents["E001"], now=NOW, actor=None)
    with pytest.raises(ValidationError):
        services.connection_open(
            certifier=cert_one, agent=world.agents["E002"], now=NOW, actor=None
        )


# -- the 4-hour clock --------------------------------------------------------------------------


def score_calls(agent, manager, numbers):
    for number in numbers:
        fact_record(
            agent=agent, day=NOW.date(), kind="call", item=str(number), value="100", actor=manager
        )


def test_it_flags_an_agent_whose_calls_are_not_all_scored_four_hours_after_connection(
    world, client, monday_morning
):
    agent = world.agents["E002"]
    services.connection_open(certifier=world.certifiers[0], agent=agent, now=NOW, actor=None)
    score_calls(agent, world.manager, [1, 2, 3, 4])
    agents = Agent.objects.all()
    assert selectors.over_the_clock(agents, NOW + timedelta(hours=3, minutes=59)) == []
    monday_morning.move_to(NOW + timedelta(hours=4))
    over = selectors.over_the_clock(agents, NOW + timedelta(hours=4))
    assert [(line["agent"].employee_id, line["calls_scored"]) for line in over] == [("E002", 4)]
    assert over[0]["due_at"] == NOW + timedelta(hours=4)
    html = page(client, world.coordinator).content.decode()
    assert "Over the 4-hour clock (1)" in html and "over the clock" in html
    assert (
        selectors.over_the_clock(Agent.objects.filter(employee_id="E001"), NOW + timedelta(hours=5))
        == []
    )
    score_calls(agent, world.manager, [5])
    assert selectors.over_the_clock(agents, NOW + timedelta(hours=5)) == []
    # the certifier is free again once the five calls are scored
    assert world.certifiers[0].pk in {
        c.key for c in selectors.free_certifiers(NOW + timedelta(hours=5))
    }


def test_it_reads_the_clock_hours_from_the_program(world):
    world.program.call_clock_hours = 6
    world.program.save()
    services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E002"], now=NOW, actor=None
    )
    assert selectors.over_the_clock(Agent.objects.all(), NOW + timedelta(hours=5)) == []
    assert len(selectors.over_the_clock(Agent.objects.all(), NOW + timedelta(hours=6))) == 1


def test_it_takes_the_agents_as_a_query_their_ids_or_none_for_all(world):
    """Issue 14: Today passes its agents as one parameter of ids (esp.lib.sqlids), the
    ESP Manager's as None; the same connections as for the query of those agents."""
    from esp.lib.sqlids import ids_table

    services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E002"], now=NOW, actor=None
    )
    later = NOW + timedelta(hours=5)
    agent = world.agents["E002"]
    assert len(selectors.over_the_clock(None, later)) == 1
    assert len(selectors.over_the_clock(ids_table([agent.pk]), later)) == 1
    assert selectors.over_the_clock(ids_table([world.agents["E001"].pk]), later) == []


# -- access ------------------------------------------------------------------------------------------


def test_it_hides_the_queue_from_tls_agents_and_certifiers(world, client):
    for user in (world.tl, world.agent_user, world.certifiers[0]):
        assert page(client, user).status_code == 404
        response = client.post(reverse("callqueue:connect"), {"action": "suggested"})
        assert response.status_code == 404
    assert not CertifierConnection.objects.exists()
    assert page(client, world.manager).status_code == 200


def test_it_shows_a_certifier_only_their_own_connections(world, client):
    services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E001"], now=NOW, actor=None
    )
    services.connection_open(
        certifier=world.certifiers[1], agent=world.agents["E002"], now=NOW, actor=None
    )
    html = page(client, world.certifiers[0], "callqueue:mine").content.decode()
    assert "Ann Able" in html and "Bob Baker" not in html


def test_it_releases_only_a_connection_of_a_visible_agent(world, client):
    connection = services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E001"], now=NOW, actor=None
    )
    client.force_login(world.coordinator)
    response = client.post(
        reverse("callqueue:connect"), {"action": "release", "connection": connection.pk}
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.closed_at == NOW
    response = client.post(reverse("callqueue:connect"), {"action": "release", "connection": "x"})
    assert response.status_code == 404


# -- mentors (R-C1) ------------------------------------------------------------------------------


def test_it_pairs_agents_with_a_mentor_up_to_the_mentor_capacity(world):
    mentor_agent = world.agents["E001"]
    mentor = services.mentor_mark(actor=world.manager, agent=mentor_agent, capacity=2)
    for employee_id in ("E004", "E006"):
        services.shadowing_pair(
            mentor=mentor,
            agent=world.agents[employee_id],
            room="Teams: Shadow room 1",
            day=NOW.date(),
            actor=world.manager,
        )
    with pytest.raises(ValidationError, match="capacity 2"):
        services.shadowing_pair(
            mentor=mentor, agent=world.agents["E005"], room="Room 1", day=NOW.date(), actor=None
        )
    pairing = selectors.shadowing_of(world.agents["E004"])
    assert pairing.room == "Teams: Shadow room 1"
    services.shadowing_end(pairing=pairing, day=NOW.date(), actor=None)
    services.shadowing_pair(
        mentor=mentor, agent=world.agents["E005"], room="Room 1", day=NOW.date(), actor=None
    )
    with pytest.raises(ValidationError, match="cannot shadow themselves"):
        services.shadowing_pair(
            mentor=mentor, agent=mentor_agent, room="R", day=NOW.date(), actor=None
        )
    user_mentor = services.mentor_mark(actor=world.manager, user=world.tl, capacity=1)
    assert Mentor.objects.count() == 2 and user_mentor.capacity == 1
    with pytest.raises(ValidationError):
        services.mentor_mark(actor=world.manager, capacity=1)


def test_it_flags_the_agent_over_the_clock_on_the_tl_today_page(world, client, monday_morning):
    services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E002"], now=NOW, actor=None
    )
    client.force_login(world.tl)
    assert "Over the call-cert clock" not in client.get(reverse("web:today")).content.decode()
    monday_morning.move_to(NOW + timedelta(hours=4, minutes=1))
    client.force_login(world.tl)  # a fresh session: the idle one has timed out
    response = client.get(reverse("web:today"))
    assert response.status_code == 200, response
    html = response.content.decode()
    assert "Over the call-cert clock (1)" in html and "Bob Baker" in html


def test_it_lets_the_coordinator_set_a_certifier_available_today(world, client):
    cert_three = world.certifiers[2]
    assert cert_three.pk not in {c.key for c in selectors.free_certifiers(NOW)}
    client.force_login(world.coordinator)
    response = client.post(
        reverse("callqueue:connect"),
        {"action": "availability", "certifier": cert_three.pk, "available": "yes"},
    )
    assert response.status_code == 302 and "Cert Three is available today." in messages_of(response)
    assert cert_three.pk in {c.key for c in selectors.free_certifiers(NOW)}
    response = client.post(
        reverse("callqueue:connect"),
        {"action": "availability", "certifier": world.tl.pk, "available": "yes"},
    )
    assert "Choose a certifier." in messages_of(response)  # not a certifier
    assert "Certifiers today" in page(client, world.coordinator).content.decode()


def test_it_pairs_an_agent_with_a_mentor_on_the_shadowing_page(world, client):
    mentor = services.mentor_mark(actor=world.manager, agent=world.agents["E001"], capacity=1)
    client.force_login(world.tl)
    html = client.get(reverse("callqueue:shadowing")).content.decode()
    assert "Ann Able" in html and "0 of 1" in html
    data = {"action": "pair", "mentor": mentor.pk, "agent": "E006", "room": "Teams: Shadow 1"}
    response = client.post(reverse("callqueue:shadowing"), data)
    assert "Fay Ford shadows Ann Able in Teams: Shadow 1." in messages_of(response)
    response = client.post(reverse("callqueue:shadowing"), {**data, "agent": "E004"})
    assert "Ann Able already has 1 agent (capacity 1)." in messages_of(response)
    html = client.get(reverse("callqueue:shadowing")).content.decode()
    assert "1 of 1 — full" in html and "Teams: Shadow 1" in html
    pairing = selectors.shadowing_of(world.agents["E006"])
    client.force_login(world.agent_user)
    assert client.get(reverse("callqueue:shadowing")).status_code == 404
    client.force_login(world.tl)
    response = client.post(reverse("callqueue:shadowing"), {"action": "end", "pairing": pairing.pk})
    assert "Fay Ford's shadowing ended." in messages_of(response)
    assert selectors.shadowing_of(world.agents["E006"]) is None


def test_it_takes_agents_off_the_queue_once_all_five_calls_are_scored(world):
    agent = world.agents["E002"]
    fact_record(agent=agent, day=NOW.date(), kind="call", item="1", value="100")
    for number in (2, 3, 4, 5):  # failed: 1 of 5 passed
        fact_record(agent=agent, day=NOW.date(), kind="call", item=str(number), value="50")
    waiting = selectors.queue(world.manager, world.program, NOW)["waiting"]
    assert "E002" not in {w.employee_id for w in waiting}
    task_status_set(
        agent=world.agents["E001"], task="call_cert", status="done", day=NOW.date(), actor=None
    )
    waiting = selectors.queue(world.manager, world.program, NOW)["waiting"]
    assert [w.employee_id for w in waiting] == ["E004", "E003"]


def test_a_clock_running_past_midnight_says_the_day_it_ends(world, client):
    """Issue 17: "Calls due by 1:30 AM" needs its date when the 4-hour clock crosses midnight;
    a clock ending the same day shows the time alone."""
    late = NOW.replace(hour=21, minute=30)
    services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E001"], now=late, actor=None
    )
    services.connection_open(
        certifier=world.certifiers[1], agent=world.agents["E002"], now=NOW, actor=None
    )
    html = page(client, world.coordinator).content.decode()
    assert "12/01/2026 1:30 AM" in html
    assert ">2:00 PM<" in html  # 10:00 AM + 4 hours, the same day


def test_it_shows_the_queues_times_in_the_programs_time_zone_issue_17(
    world, client, monday_morning, program
):
    """Issue 17 item 3: "8:05 AM in the program's time zone", not the server's (Chicago): in
    a Los Angeles program, a 10:00 AM Chicago connection reads 8:00 AM, due 12:00 PM, on the
    coordinator's queue, the certifier's own list and Today, and the over-the-clock notice."""
    program.time_zone = "America/Los_Angeles"
    program.save()
    services.connection_open(
        certifier=world.certifiers[0], agent=world.agents["E002"], now=NOW, actor=None
    )
    queue = page(client, world.coordinator).content.decode()
    assert "Call Cert queue, Monday 11/30/2026 8:00 AM" in queue
    assert "<td>8:00 AM</td>" in queue and ">12:00 PM<" in queue and "10:00 AM" not in queue
    mine = page(client, world.certifiers[0], "callqueue:mine").content.decode()
    assert "<td>8:00 AM</td>" in mine and ">12:00 PM<" in mine and "10:00 AM" not in mine
    today = client.get(reverse("web:today")).content.decode()
    assert "<td>8:00 AM</td>" in today and "12:00 PM" in today
    monday_morning.move_to(NOW + timedelta(hours=4, minutes=1))
    over = page(client, world.coordinator).content.decode()
    assert "connected 8:00 AM, due 12:00 PM" in over
