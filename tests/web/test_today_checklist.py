"""The TL's evening checklist on Today (R-N5), from the same rule as the checklist e-mail.

As of Friday 12/04/2026 1:00 PM (America/Chicago): LIC-B started Wednesday 11/25 (Thanksgiving
the 26th); its agent E101's licensing coaching fell due Thursday 12/03 and is overdue; E102
had a status touched and self-reported today.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esp.progress.services import fact_record
from esp.roster.models import Agent
from esp.roster.roles import TL
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
FRIDAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 13, tzinfo=CHICAGO)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
LIC-B,esp-aetna,Aetna,PRV,2026-11-25,tl.two@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E101,Liz,Lane,liz@cxp.example,liz@mail.example,LIC-B,tl.two@cxp.example
E102,Max,Moss,max@cxp.example,max@mail.example,LIC-B,tl.two@cxp.example
"""


@pytest.fixture(autouse=True)
def friday_december_4(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def tl(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return staff("tl.two@cxp.example", TL)


def checklist_section(page: str) -> str:
    assert 'id="checklist-h"' in page, "no checklist"
    return page.split('id="checklist-h"', 1)[1].split("</section>", 1)[0]


def test_it_counts_the_untouched_the_unreported_and_the_due_steps_of_the_tls_agents(
    program, tl, client
):
    max_moss = Agent.objects.get(employee_id="E102")
    fact_record(agent=max_moss, day=FRIDAY, kind="task", item="ahip", value="in_progress")
    fact_record(agent=max_moss, day=FRIDAY, kind="self_report", note="On track")
    client.force_login(tl)
    page = client.get(reverse("web:today")).content.decode()
    section = checklist_section(page)
    assert "1 of 2 agents have no status touched or confirmed today" in section
    due = page.split('id="actions"', 1)[1].split("</table>", 1)[0].count("<tr>") - 1
    assert f"{due} corrective action" in section and due >= 1
    assert "1 agent without a self-report today" in section
    assert "Carrier tickets recorded today: 0" in section
