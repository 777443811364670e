"""A class's TL (PM) change reaches its agents (issue 12 item 4 follow-up; SPEC §1, R-N5,
R-L3a, R-N6): when the ESP Manager replaces a class's TLs in the admin, or a class import
names other TLs, each agent of the class whose own TL is no longer one of the class's is given
the class's TL when it has exactly one, else left without one ("—"); the same for the PM;
audited. The board, the agent page, new CAP documents and the mails "to each TL" then name the
class's current TLs, never a removed one.

Class AET-A (program esp-aetna) starts Monday 11/02/2026 with TL tl.one and PM pm.one; agents
E001 Ann Able and E002 Bob Baker are in it, both with tl.one and pm.one; E003 Cy Cole has no
TL of their own. Class AET-B has tl.three.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import PM, TL
from esp.roster.services.staff import create_esp_manager
from tests.audit.test_admin_audit import change_form
from tests.web_support import staff

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
AET-B,esp-aetna,Aetna,SLC,2026-11-16,tl.three@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email,pm_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example,pm.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example,pm.one@cxp.example
E003,Cy,Cole,cy@cxp.example,cy@mail.example,AET-A,,
"""

DAY = date(2026, 11, 30)  # a Monday in the class's ESP phase


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    import time_machine

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel("2026-11-30 12:00:00-06:00", tick=False):
        yield


@pytest.fixture
def scenario(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    manager = create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1")
    return {
        "manager": manager,
        "tl_one": staff("tl.one@cxp.example", TL),
        "tl_two": staff("tl.two@cxp.example", TL),
        "pm_two": staff("pm.two@cxp.example", PM),
        "program": program,
    }


def people(employee_id: str) -> tuple[str, str]:
    agent = Agent.objects.select_related("tl", "pm").get(employee_id=employee_id)
    return (agent.tl.email if agent.tl else "", agent.pm.email if agent.pm else "")


def admin_save(client, scenario, **changes) -> None:
    training_class = TrainingClass.objects.get(code="AET-A")
    url = reverse("admin:roster_trainingclass_change", args=[training_class.pk])
    client.force_login(scenario["manager"])
    data = change_form(client, url)
    data.update({k: [str(u.pk) for u in v] for k, v in changes.items()})
    assert client.post(url, data).status_code == 302


def test_it_gives_the_agents_the_class_s_one_new_tl_and_pm_from_the_admin(scenario, client):
    """Issue 12 item 4: the ESP Manager replaces AET-A's TL and PM in the admin; the agents
    who had the removed ones get the new ones, audited with the admin's user; an agent
    without a TL of their own is left so."""
    admin_save(client, scenario, tls=[scenario["tl_two"]], pms=[scenario["pm_two"]])
    assert people("E001") == ("tl.two@cxp.example", "pm.two@cxp.example")
    assert people("E002") == ("tl.two@cxp.example", "pm.two@cxp.example")
    assert people("E003") == ("", "")
    entry = AuditEntry.objects.get(object_type="agent", object_id="E001", actor_label="admin")
    assert entry.actor == scenario["manager"]
    assert entry.changes["tl_email"] == ["tl.one@cxp.example", "tl.two@cxp.example"]
    assert entry.changes["pm_email"] == ["pm.one@cxp.example", "pm.two@cxp.example"]
    assert not AuditEntry.objects.filter(object_type="agent", object_id="E003", actor_label="admin")

    client.force_login(scenario["tl_two"])
    board = client.get(reverse("progress:board", args=["AET-A"])).content.decode()
    assert "Tl Two" in board and "Tl One" not in board
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert " · TL Tl Two · " in page


def test_it_leaves_the_agents_without_a_tl_when_the_class_has_several(scenario, client):
    """Issue 12 item 4: with two TLs in place of the removed one, the agents have none of
    their own (shown "—"; both class TLs are responsible), and the class's TLs see them."""
    tl_three = staff("tl.three@cxp.example", TL)
    admin_save(client, scenario, tls=[scenario["tl_two"], tl_three])
    assert people("E001") == ("", "pm.one@cxp.example")
    client.force_login(tl_three)
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert " · TL — · " in page
    board = client.get(reverse("progress:board", args=["AET-A"])).content.decode()
    assert "<td>—</td>" in board and "Tl One" not in board


def test_it_gives_the_agents_the_tl_a_class_import_names(scenario, write, esp):
    """Issue 12 item 4: a class import naming another TL does the same, audited with the
    file's name; a dry run changes nothing."""
    changed = CLASSES.replace(
        "AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example",
        "AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.two@cxp.example",
    )
    code, _, err = esp("import", "classes", write(changed, "classes2.csv"), "--dry-run")
    assert code == 0, err
    assert people("E001") == ("tl.one@cxp.example", "pm.one@cxp.example")
    code, _, err = esp("import", "classes", write(changed, "classes2.csv"))
    assert code == 0, err
    assert people("E001") == ("tl.two@cxp.example", "pm.one@cxp.example")
    entry = AuditEntry.objects.get(
        object_type="agent", object_id="E002", actor_label="import classes2.csv"
    )
    assert entry.changes["tl_email"] == ["tl.one@cxp.example", "tl.two@cxp.example"]


def test_it_names_the_new_tl_on_cap_documents_and_mails_only_current_tls(scenario, client):
    """Issue 12 item 4 (R-N6, R-L3a, R-N5): after the change, a new CAP document names the new
    TL, an agent's TL mail goes to them, and the mails "to each TL" (actions, evening
    checklist) go to the class's current TLs, never to the removed TL."""
    from esp.accountability.selectors import cap_values
    from esp.accountability.services import step_deliver
    from esp.reports.mailed import actions_per_tl, tl_checklist

    admin_save(client, scenario, tls=[scenario["tl_two"]])
    agent = Agent.objects.select_related("training_class__program").get(employee_id="E001")
    fact = step_deliver(
        agent=agent, ladder="esp", step="coaching", expectation="Finish the TBTs", day=DAY,
        actor=scenario["tl_two"],
    )  # fmt: skip
    assert cap_values(fact)["tl_name"] == "Tl Two"
    assert Agent.objects.get(employee_id="E001").tl == scenario["tl_two"]
    for build in (actions_per_tl, tl_checklist):
        recipients = {email for out in build(scenario["program"], DAY) for email in out.to}
        assert "tl.one@cxp.example" not in recipients, build.__name__
        assert "tl.two@cxp.example" in recipients, build.__name__
