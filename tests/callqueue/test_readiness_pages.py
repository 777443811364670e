"""Call-cert readiness in the app (issue 15 items 1 and 14; R-C1, seed 004 items 1, 3-4, seed
003 on mentors): the class's readiness page, the agent page, the API, the queue's "not ready"
list, ending a shadowing pairing, the mentors page and the ESP Manager's mentor cover.

The scenario of test_callqueue, Monday 11/30/2026 10:00: in AET-A (ESP since 11/25) Fay Ford
(E006) has her equipment verified and neither day 1 nor the shadowing half day recorded.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from esp.callqueue import selectors, services
from esp.callqueue.models import Mentor, ShadowingPairing
from esp.progress.models import Fact
from esp.progress.services import employment_set, equipment_set, fact_record, task_status_set
from esp.roster.models import Agent, ClassPhase
from tests.callqueue.test_callqueue import NOW
from tests.web_support import messages_of

DAY1 = "readiness_day1"
SHADOWING = "readiness_shadowing"


def readiness_page(client, user, code="AET-A"):
    client.force_login(user)
    return client.get(reverse("callqueue:readiness_class", args=[code])).content.decode()


def latest(agent, task):
    return Fact.objects.filter(agent=agent, kind="task", item=task).order_by("date", "pk").last()


def waiting_ids(world):
    return [w.employee_id for w in selectors.queue(world.manager, world.program, NOW)["waiting"]]


def class_form(html, task):
    """The hidden fields of the page's "…for the whole class" form of `task`."""
    form = re.search(
        rf'<input type="hidden" name="task" value="{task}">(.*?)</form>', html, re.S
    ).group(1)
    return dict(re.findall(r'name="(based_on_[^"]+)" value="([^"]*)"', form)), re.findall(
        r'name="agent" value="([^"]+)"', form
    )


def test_it_lists_an_agent_as_ready_after_the_coordinator_records_day_one_and_shadowing(
    world, client
):
    """Seed 004 items 3-4: "Day one is dedicated to training on systems and scripting to ensure
    each agent is ready to proceed with Call Certs. The first half of day two will be dedicated
    to Role Plays/Call Shadowing to ensure each agent is ready to proceed with Call Certs." """
    fay = world.agents["E006"]
    html = readiness_page(client, world.coordinator)
    row = html[html.index("Fay Ford") :]
    row = row[: row.index("</tr>")]
    assert "Not ready" in row and "day 1 (systems and scripting) not recorded" in row
    assert "E006" not in waiting_ids(world)
    url = reverse("callqueue:readiness_class", args=["AET-A"])
    for task in (DAY1, SHADOWING):
        response = client.post(url, {"agent": "E006", "task": task, "based_on": ""})
        assert response.status_code == 302
    assert messages_of(response)[-1] == "Fay Ford: role play / shadowing half day recorded as done."
    assert latest(fay, DAY1).value == "done" and latest(fay, SHADOWING).by == "Cert Coordinator"
    assert "E006" in waiting_ids(world)
    row = readiness_page(client, world.coordinator)
    assert re.search(r"Fay Ford.*?Ready</span> <span class=\"detail\">since 11/30/2026", row, re.S)


def test_it_records_day_one_for_the_whole_class_in_one_click_and_names_an_agent_changed_since(
    world, client
):
    """Seed 004 item 3, "each agent": one click for the class records day 1 for every agent not
    recorded yet; one changed by someone else since the page was loaded is left and named."""
    for employee_id in ("E001", "E004"):
        task_status_set(
            agent=world.agents[employee_id],
            task=DAY1,
            status="not_started",
            day=NOW.date(),
            actor=world.manager,
        )
    html = readiness_page(client, world.tl)
    based_on, agents = class_form(html, DAY1)
    assert agents == ["E001", "E004", "E006"]  # by last name: Able, Dale, Ford
    task_status_set(  # the coordinator, meanwhile
        agent=world.agents["E004"], task=DAY1, status="done", day=NOW.date(), actor=world.manager
    )
    response = client.post(
        reverse("callqueue:readiness_class", args=["AET-A"]),
        {"action": "class", "task": DAY1, "agent": agents, **based_on},
    )
    said = messages_of(response)
    assert said[0] == "Day 1 (systems and scripting) recorded as done for 2 agents."
    assert said[1].startswith("Dan Dale: not recorded. The Day 1 (systems and scripting) status")
    assert {latest(world.agents[e], DAY1).by for e in ("E001", "E006")} == {"Tl One"}
    assert class_form(readiness_page(client, world.tl), DAY1)[1] == []


def test_the_queue_shows_a_not_ready_agent_with_what_is_missing_in_words(world, client):
    """R-C1: "An agent is ready for certification when equipment is verified and day 1
    (systems and scripting) and the role-play/shadowing half day are recorded as done.\""""
    client.force_login(world.coordinator)
    html = client.get(reverse("callqueue:queue")).content.decode()
    not_ready = html[html.index('id="not-ready"') : html.index('id="connections"')]
    assert "Fay Ford</a> (E006)" in not_ready
    assert (
        "day 1 (systems and scripting) not recorded; role play / shadowing half day not recorded"
        in not_ready
    )
    equipment_set(agent=world.agents["E006"], status="received", day=NOW.date(), actor=None)
    html = client.get(reverse("callqueue:queue")).content.decode()
    assert "equipment received, not verified yet; day 1" in html


def test_the_tl_records_day_one_on_the_agent_page_in_one_click(world, client):
    """Seed 004 item 3 on the agent page: the TL sees what is missing and records day 1."""
    client.force_login(world.tl)
    page = client.get(reverse("progress:agent", args=["E006"])).content.decode()
    panel = page[page.index('id="readiness"') :]
    assert "Not ready</span> Day 1 (systems and scripting) not recorded" in panel
    response = client.post(
        reverse("callqueue:readiness_agent", args=["E006"]), {"task": DAY1, "based_on": ""}
    )
    assert response["Location"] == reverse("progress:agent", args=["E006"]) + "#readiness"
    assert latest(world.agents["E006"], DAY1).value == "done"
    stale = client.post(
        reverse("callqueue:readiness_agent", args=["E006"]),
        {"task": DAY1, "based_on": "", "done": "no"},
    )
    assert "was changed to 'done' by Tl One" in messages_of(stale)[-1]
    assert latest(world.agents["E006"], DAY1).value == "done"


def test_ending_a_shadowing_pairing_offers_to_record_the_shadowing_half_day(world, client):
    """R-C1: "Shadowing pairs agents with mentors"; seed 004 item 4: the half day of role plays
    / call shadowing readies the agent — ending the pairing records it in the same click."""
    mentor = services.mentor_mark(actor=world.manager, agent=world.agents["E002"], capacity=2)
    pairing = services.shadowing_pair(
        mentor=mentor, agent=world.agents["E006"], room="Room 1", day=NOW.date(), actor=None
    )
    client.force_login(world.tl)
    page = client.get(reverse("callqueue:shadowing")).content.decode()
    assert 'value="end_ready">End and record shadowing done</button>' in page
    response = client.post(
        reverse("callqueue:shadowing"), {"pairing": pairing.pk, "action": "end_ready"}
    )
    assert messages_of(response)[-1] == (
        "Fay Ford's shadowing ended; the shadowing half day is recorded."
    )
    assert ShadowingPairing.objects.get(pk=pairing.pk).ended_on == NOW.date()
    assert latest(world.agents["E006"], SHADOWING).value == "done"


def test_the_esp_manager_marks_and_unmarks_a_trusted_agent_as_mentor_on_a_page(world, client):
    """Seed 003: "ESP managers must first identify a sufficient number of agents who are
    trusted to assist as Mentors" — on a page, not only in the admin."""
    client.force_login(world.manager)
    url = reverse("callqueue:mentors")
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "mark", "agent": "Bob Baker (E002)", "capacity": "3"})
    assert messages_of(response) == ["Bob Baker is a mentor, taking up to 3 agents at once."]
    mentor = Mentor.objects.get(agent=world.agents["E002"])
    assert mentor.active and mentor.capacity == 3
    services.shadowing_pair(
        mentor=mentor, agent=world.agents["E006"], room="Room 1", day=NOW.date(), actor=None
    )
    refused = client.post(url, {"action": "unmark", "mentor": mentor.pk})
    assert messages_of(refused)[-1] == (
        "Bob Baker still has 1 agent shadowing: end those pairings on the Shadowing page first."
    )
    ShadowingPairing.objects.update(ended_on=NOW.date())
    client.post(url, {"action": "unmark", "mentor": mentor.pk})
    assert not Mentor.objects.get(pk=mentor.pk).active
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 404  # the ESP Manager's page


def test_the_esp_managers_today_shows_whether_mentors_cover_the_agents_about_to_shadow(
    world, client
):
    """Seed 003: "Before Call Shadowing can take place, ESP managers must first identify a
    sufficient number of agents who are trusted to assist as Mentors." AET-C starts ESP today,
    so shadows tomorrow (ESP day 2); Cat Cole's shadowing is not recorded."""
    ClassPhase.objects.filter(training_class__code="AET-C", phase__key="esp").update(
        start_date=NOW.date()
    )
    task_status_set(
        agent=world.agents["E003"], task=SHADOWING, status="not_started", day=NOW.date(), actor=None
    )
    client.force_login(world.manager)
    html = client.get(reverse("web:today")).content.decode()
    cover = html[html.index('id="mentor-cover"') :]
    assert "Tuesday 12/01/2026</strong> (class AET-C): 1 agent to shadow, 0 mentors" in cover
    assert "1 place short" in cover
    services.mentor_mark(actor=world.manager, agent=world.agents["E002"], capacity=2)
    html = client.get(reverse("web:today")).content.decode()
    assert "1 agent to shadow, 1 mentor with 2 free places — ✓ covered" in html
    client.force_login(world.coordinator)
    assert 'id="mentor-cover"' not in client.get(reverse("web:today")).content.decode()


def test_the_coordinator_records_readiness_through_the_api_on_what_was_read(world):
    """R-C1 through the API, like the pages: `based_on` required (428 without), 409 when
    someone changed it since; one call for several agents of a class."""
    api = APIClient()
    api.force_authenticate(world.coordinator)
    url = "/api/v1/agents/E006/readiness/"
    read = api.get(url).json()
    assert read["ready"] is False and read["missing"] == [DAY1, SHADOWING]
    assert read[DAY1] == {"status": None, "date": None, "by": "", "based_on": ""}
    assert api.post(url, {"task": DAY1}, format="json").status_code == 428
    done = api.post(url, {"task": DAY1, "based_on": ""}, format="json")
    assert done.status_code == 200 and done.json()["missing"] == [SHADOWING]
    assert api.post(url, {"task": DAY1, "based_on": ""}, format="json").status_code == 409
    result = api.post(
        "/api/v1/classes/AET-A/readiness/",
        {"task": SHADOWING, "based_on": {"E006": ""}},
        format="json",
    ).json()
    assert result == {"recorded": ["E006"], "left": []}
    assert api.get(url).json()["ready"] is True


def test_a_tl_who_only_adds_a_note_in_the_equipment_box_keeps_a_verified_agent_verified(
    world, client
):
    """Issue 15 item 14 (seed 004 item 1: "Verify each agent's post-training equipment status.
    Notate and work with IT on resolving issues ASAP."): a TL who only adds a note in the
    Equipment box does not set a verified agent back to "Not received" — the form starts from
    the current status — and the agent stays on the Call Cert queue."""
    assert "E001" in waiting_ids(world)
    client.force_login(world.tl)
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    box = page[page.index('id="equipment"') :]
    box = box[: box.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="(based_on)" value="([^"]*)"', box))
    status = re.search(r'<option value="([a-z_]+)" selected>', box).group(1)
    assert status == "verified"
    client.post(
        reverse("progress:equipment", args=["E001"]),
        {"status": status, "ticket": "", "note": "Headset arrived too", **fields},
    )
    equipment = Fact.objects.filter(agent=world.agents["E001"], kind="equipment").last()
    assert (equipment.item, equipment.note) == ("verified", "Headset arrived too")
    assert "E001" in waiting_ids(world)


def test_the_mentor_cover_counts_the_agents_still_to_shadow_in_as_many_queries_for_more_agents(
    world, write, esp
):
    """Issue 14: the cover reads only the shadowing facts of the classes about to shadow, in
    a fixed number of queries. Of AET-C's new agents, one has shadowed already and one is
    paired with a mentor now: neither is still to shadow."""
    ClassPhase.objects.filter(training_class__code="AET-C", phase__key="esp").update(
        start_date=NOW.date()
    )
    task_status_set(
        agent=world.agents["E003"], task=SHADOWING, status="not_started", day=NOW.date(), actor=None
    )

    def cover():
        with CaptureQueriesContext(connection) as captured:
            (found,) = selectors.mentor_cover_ahead(world.program, NOW.date())
        return found.agents, len(captured)

    cover()  # the program's policy, read once per program object
    agents, few = cover()
    assert agents == 1
    roster = ["employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email"]
    for n in range(7, 13):
        roster.append(
            f"E{n:03},F{n},L{n},e{n}@cxp.example,e{n}@mail.example,AET-C,tl.one@cxp.example"
        )
    code, _, err = esp("import", "roster", write("\n".join(roster), "more.csv"))
    assert code == 0, err
    new = {a.employee_id: a for a in Agent.objects.filter(employee_id__gte="E007")}
    task_status_set(agent=new["E007"], task=SHADOWING, status="done", day=NOW.date(), actor=None)
    mentor = services.mentor_mark(actor=world.manager, agent=world.agents["E002"], capacity=2)
    services.shadowing_pair(mentor=mentor, agent=new["E008"], room="R1", day=NOW.date(), actor=None)
    assert cover() == (1 + 4, few)


def test_the_mentor_cover_counts_agents_moved_in_and_leaves_out_those_not_in_flight(
    world, write, esp
):
    """R-C1, R-P3 (issue 14: the cover's rules run on the facts it reads, in one query): AET-C
    shadows today. Of its agents, Cat (E003) has not shadowed; E007 is termed and E008
    transferred to production, neither in flight; E009 is new. Fay (E006), of AET-A, moved
    into AET-C and has not shadowed: she counts in AET-C."""
    ClassPhase.objects.filter(training_class__code="AET-C", phase__key="esp").update(
        start_date=NOW.date()
    )
    task_status_set(
        agent=world.agents["E003"], task=SHADOWING, status="not_started", day=NOW.date(), actor=None
    )
    roster = ["employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email"]
    roster += [
        f"E{n:03},F{n},L{n},e{n}@cxp.example,e{n}@mail.example,AET-C,tl.one@cxp.example"
        for n in (7, 8, 9)
    ]
    code, _, err = esp("import", "roster", write("\n".join(roster), "more.csv"))
    assert code == 0, err
    new = {a.employee_id: a for a in Agent.objects.filter(employee_id__gte="E007")}
    day = NOW.date() - timedelta(days=3)
    employment_set(agent=new["E007"], status="termed", day=day, actor=world.manager)
    task_status_set(agent=new["E008"], task="transfer", status="done", day=day, actor=None)
    fact_record(agent=world.agents["E006"], day=day, kind="move", item="AET-C", actor=world.manager)
    (found,) = selectors.mentor_cover_ahead(world.program, NOW.date())
    assert found.classes == ("AET-C",)
    assert found.agents == 3  # E003, E009 and E006
