"""The red flags on the ESP Manager's and the PM's Today page (R-N4a, R-N4b).

As of Friday 12/04/2026 1:00 PM (America/Chicago), class LIC-C started Wednesday 12/02;
its agent E201 fails the AHIP exam the maximum number of times (three), which raises
"cannot sell" until it is resolved.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esp.progress.services import fact_record, flag_raise, flag_resolve
from esp.roster.models import Agent
from esp.roster.roles import ESP_MANAGER, PM
from esp.rules.flags import open_flags
from esp.rules.records import Fact as RuleFact
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
AS_OF = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 13, tzinfo=CHICAGO)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
LIC-C,esp-aetna,Aetna,PRV,2026-12-02,tl.three@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E201,Cy,Cole,cy@cxp.example,cy@mail.example,LIC-C,tl.three@cxp.example
"""


@pytest.fixture(autouse=True)
def friday_december_4(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def manager(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return staff("esp.manager@cxp.example", ESP_MANAGER)


def fail_three_times(actor) -> None:
    agent = Agent.objects.get(employee_id="E201")
    for day in (date(2026, 12, 2), date(2026, 12, 3), AS_OF):
        fact_record(agent=agent, day=day, kind="exam", item="ahip", value="failed", actor=actor)


def flags_section(page: str) -> str:
    assert 'id="flags"' in page, "no red-flag section"
    return page.split('id="flags"', 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize("role", [ESP_MANAGER, PM])
def test_it_shows_the_cannot_sell_flag_after_the_last_failed_exam(program, manager, client, role):
    fail_three_times(manager)
    user = manager if role == ESP_MANAGER else staff("pm.two@cxp.example", PM)
    client.force_login(user)
    response = client.get(reverse("web:today"))
    assert response.status_code == 200
    section = flags_section(response.content.decode())
    assert "Cy Cole" in section and "(E201)" in section
    assert "cannot sell since 12/04/2026" in section


def test_it_shows_no_flag_after_two_fails_or_once_resolved(program, manager, client):
    client.force_login(manager)
    agent = Agent.objects.get(employee_id="E201")
    for day in (date(2026, 12, 2), date(2026, 12, 3)):
        fact_record(agent=agent, day=day, kind="exam", item="ahip", value="failed", actor=manager)
    assert 'id="flags"' not in client.get(reverse("web:today")).content.decode()
    fact_record(agent=agent, day=AS_OF, kind="exam", item="ahip", value="failed", actor=manager)
    assert "cannot sell" in flags_section(client.get(reverse("web:today")).content.decode())
    flag_resolve(agent=agent, flag="cannot_sell", day=AS_OF, actor=manager, note="Waived")
    assert 'id="flags"' not in client.get(reverse("web:today")).content.decode()


def test_open_flags_takes_the_pure_rules_facts_too():
    """The Today page hands open_flags the facts of esp.rules.records, which have no `by`."""
    facts = [
        RuleFact(date(2026, 12, d), seq, "exam", "ahip", "failed")
        for seq, d in enumerate((2, 3, 4))
    ]
    (flag,) = open_flags(facts, exam_attempts=3)
    assert (flag.value, flag.date, flag.by) == ("cannot_sell", AS_OF, "")
    assert flag.note == "3 failed attempts of ahip"
    resolved = RuleFact(AS_OF, 9, "flag", "resolved", "cannot_sell")
    assert open_flags([*facts, resolved], exam_attempts=3) == []


def test_it_shows_a_flag_raised_by_hand_until_it_is_resolved(program, manager, client):
    client.force_login(manager)
    agent = Agent.objects.get(employee_id="E201")
    flag_raise(agent=agent, flag="background_check", day=AS_OF, actor=manager, note="Finding")
    section = flags_section(client.get(reverse("web:today")).content.decode())
    assert "(E201)" in section and "background check since 12/04/2026" in section
    flag_resolve(agent=agent, flag="background_check", day=AS_OF, actor=manager)
    assert 'id="flags"' not in client.get(reverse("web:today")).content.decode()
