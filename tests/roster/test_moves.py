"""Moves (R-T3, issue 8 item 6): an agent moved to another class from a date takes that class's
phase dates for every rule from then on. Expected report JSON written out.

Class AET-A starts Monday 11/02/2026: licensing Wednesday 11/04 (Veterans Day 11/11 closed).
Class AET-B starts Monday 11/16: licensing Wednesday 11/18. As of Monday 11/23, licensing
ages count business days from the licensing start: AET-A 11/04..11/20 = 12, AET-B 11/18..11/20
= 3. The licensing ladder's coaching (timeframe 3) falls due on the first day of age 3:
AET-A 11/09 (overdue on 11/23), AET-B 11/23 (due).
"""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from esp.programs.models import Program
from esp.progress.models import Fact
from esp.progress.services import agent_move
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import ESP_MANAGER, PM, TL
from tests.web_support import messages_of, staff

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-B,esp-aetna,Aetna,PRV,2026-11-16,tl.two@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
"""


@pytest.fixture
def scenario(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return program


def report(esp, name, as_of):
    code, out, err = esp("report", name, "--as-of", as_of, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def agent(employee_id, name, class_code, age):
    return {
        "employee_id": employee_id,
        "name": name,
        "class_code": class_code,
        "age_business_days": age,
    }


def incompletions(as_of, producer_world, ahip_carrier):
    return {
        "report": "incompletions",
        "as_of": as_of,
        "sections": [
            {"key": "producer_world", "threshold_days": 1, "agents": producer_world},
            {"key": "ahip_carrier", "threshold_days": 4, "agents": ahip_carrier},
            {"key": "tbt", "threshold_days": 3, "agents": []},
            {"key": "call_cert", "threshold_days": 3, "agents": []},
            {"key": "transfer_needed", "threshold_days": None, "agents": []},
        ],
    }


def coaching(employee_id, due_on, status):
    return {
        "employee_id": employee_id,
        "ladder": "licensing",
        "step": "coaching",
        "due_on": due_on,
        "status": status,
    }


def move_e001(reason="Restarts with AET-B after a family leave"):
    return agent_move(
        Agent.objects.get(employee_id="E001"), "AET-B", date(2026, 11, 9), reason, actor=None
    )


def test_a_move_changes_the_agents_ages_and_due_steps(scenario, esp):
    ann_a, bob = agent("E001", "Ann Able", "AET-A", 12), agent("E002", "Bob Baker", "AET-A", 12)
    before = incompletions("2026-11-23", [ann_a, bob], [ann_a, bob])
    assert report(esp, "incompletions", "2026-11-23") == before
    assert report(esp, "actions", "2026-11-23") == {
        "report": "actions",
        "as_of": "2026-11-23",
        "actions": [
            coaching("E001", "2026-11-09", "overdue"),
            coaching("E002", "2026-11-09", "overdue"),
        ],
    }

    fact = move_e001()
    assert (fact.kind, fact.item, fact.note) == (
        "move",
        "AET-B",
        "Restarts with AET-B after a family leave",
    )

    # From 11/09 on, AET-B's dates apply: licensing age 3, under the AHIP/Aetna threshold of 4.
    ann_b = agent("E001", "Ann Able", "AET-B", 3)
    assert report(esp, "incompletions", "2026-11-23") == incompletions(
        "2026-11-23", [bob, ann_b], [bob]
    )
    assert report(esp, "actions", "2026-11-23") == {
        "report": "actions",
        "as_of": "2026-11-23",
        "actions": [
            coaching("E002", "2026-11-09", "overdue"),
            coaching("E001", "2026-11-23", "due"),
        ],
    }
    # Before the move's date the agent is still in AET-A: licensing 11/04..11/05 = age 2.
    ann_early, bob_early = (
        agent("E001", "Ann Able", "AET-A", 2),
        agent("E002", "Bob Baker", "AET-A", 2),
    )
    assert report(esp, "incompletions", "2026-11-06") == incompletions(
        "2026-11-06", [ann_early, bob_early], []
    )


def test_refused_moves(scenario):
    ann = Agent.objects.get(employee_id="E001")
    other = Program.objects.create(key="esp-other", name="ESP — Other")
    TrainingClass.objects.create(
        code="OTH-A",
        program=other,
        campaign=TrainingClass.objects.get(code="AET-A").campaign,
        start_date=date(2026, 11, 16),
    )
    day = date(2026, 11, 9)
    with pytest.raises(ValidationError, match="No class"):
        agent_move(ann, "NOPE", day, "typo", actor=None)
    with pytest.raises(ValidationError, match="belongs to program esp-other"):
        agent_move(ann, "OTH-A", day, "other carrier", actor=None)
    with pytest.raises(ValidationError, match="already in class AET-A"):
        agent_move(ann, "AET-A", day, "same class", actor=None)
    with pytest.raises(ValidationError, match="reason"):
        agent_move(ann, "AET-B", day, "  ", actor=None)
    move_e001()
    with pytest.raises(ValidationError, match="already in class AET-B"):
        agent_move(ann, "AET-B", date(2026, 11, 20), "again", actor=None)
    # Back to AET-A later is a move again; before the first move it would be the same class.
    agent_move(ann, "AET-A", date(2026, 11, 20), "back", actor=None)
    with pytest.raises(ValidationError, match="already in class AET-A"):
        agent_move(ann, "AET-A", date(2026, 11, 6), "earlier", actor=None)
    assert Fact.objects.filter(kind="move").count() == 2


def test_the_move_form_on_the_agent_page(scenario):
    """The class's PM moves an agent (a TL does not: issue 12 item 3)."""
    pm = staff("pm.one@cxp.example", PM)
    client = Client()
    client.force_login(pm)
    page = client.get(reverse("progress:agent", args=["E001"]))
    assert page.status_code == 200
    assert reverse("progress:move", args=["E001"]) in page.content.decode()

    url = reverse("progress:move", args=["E001"])
    refused = client.post(url, {"to_class": "NOPE", "date": "2026-11-09", "reason": "x"})
    assert refused.status_code == 302
    assert any("No class" in m for m in messages_of(refused))
    assert not Fact.objects.filter(kind="move").exists()

    done = client.post(
        url, {"to_class": "AET-B", "date": "2026-11-09", "reason": "Restarts with AET-B"}
    )
    assert done.status_code == 302
    assert "Move recorded." in messages_of(done)
    fact = Fact.objects.get(kind="move")
    assert (fact.date, fact.item, fact.note, fact.recorded_by) == (
        date(2026, 11, 9),
        "AET-B",
        "Restarts with AET-B",
        pm,
    )
    # the agent now belongs to AET-B's TL; AET-A's TL no longer reaches them (issue 12 item 1)
    client.force_login(staff("tl.one@cxp.example", TL))
    assert client.get(reverse("progress:agent", args=["E001"])).status_code == 404
    client.force_login(staff("tl.two@cxp.example", TL))
    page = client.get(reverse("progress:agent", args=["E001"]))
    assert "Moved to class AET-B on 11/09/2026: Restarts with AET-B" in page.content.decode()


def test_move_access(scenario):
    url = reverse("progress:move", args=["E001"])
    data = {"to_class": "AET-B", "date": "2026-11-09", "reason": "x"}
    assert Client().post(url, data).status_code == 302  # to the sign-in page
    other_tl = Client()
    other_tl.force_login(staff("tl.nine@cxp.example", TL))  # not a TL of AET-A
    assert other_tl.post(url, data).status_code == 404
    manager = Client()
    manager.force_login(staff("boss@cxp.example", ESP_MANAGER))
    assert manager.get(url).status_code in (404, 405)
    assert not Fact.objects.filter(kind="move").exists()
    assert manager.post(url, data).status_code == 302
    assert Fact.objects.filter(kind="move").count() == 1


def test_the_classes_page_counts_agents_by_their_current_class(scenario):
    """R-T3, issue 12 item 1: a moved agent counts in the class they moved to (the board's
    count), in a fixed number of queries whatever the number of classes."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manager = staff("manager@cxp.example", ESP_MANAGER)
    agent_move(Agent.objects.get(employee_id="E001"), "AET-B", date(2026, 11, 9), "Restart", None)
    client = Client()
    client.force_login(manager)

    def counts() -> tuple[dict[str, str], int]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("progress:classes")).content.decode()
        return dict(re.findall(r">(AET-\w)</a>.*?<td>(\d+)</td></tr>", page)), len(queries)

    shown, queries = counts()
    assert shown == {"AET-A": "1", "AET-B": "1"}
    for code in ("AET-C", "AET-D", "AET-E"):
        another = TrainingClass.objects.get(code="AET-A")
        another.pk, another.code = None, code
        another.save()
    shown, more_classes = counts()
    assert shown == {"AET-A": "1", "AET-B": "1", "AET-C": "0", "AET-D": "0", "AET-E": "0"}
    assert more_classes == queries
