"""The Cert Coordinator records readiness for a class and connects a certifier, in a real
browser (issue 15 item 1; SPEC R-C1, R-C2; seed 004 items 3, 4 and 6):

- Call Cert > Readiness lists the class whose ESP phase began yesterday; on its page both
  agents are "Not ready" (day 1 and the shadowing half day not recorded);
- "Day 1 done for the whole class", then "Shadowing done for the whole class": both Ready;
- on the queue, the suggested pair is connected: the certifier's 4-hour clock starts.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-7"
COORDINATOR_EMAIL = "coord.ready@cxp.example"
CERTIFIER_EMAIL = "cert.ready@cxp.example"


@pytest.fixture
def scenario(program, tmp_path, settings, live_server):
    from esp.callqueue.services import availability_set
    from esp.lib import clock
    from esp.programs.calendars import calendar_for
    from esp.progress.services import equipment_set
    from esp.roster.models import Agent, ClassPhase
    from esp.roster.roles import CERT_COORDINATOR, CERTIFIER
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import ensure_staff

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    today = clock.today(program.time_zone)
    calendar = calendar_for(program)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails
AET-R1,esp-aetna,Aetna,SLC,{calendar.business_days_before(today, 20)},tl.one@cxp.example
""",
        "roster": """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E401,Rosa,Diaz,rosa@cxp.example,rosa@mail.example,AET-R1,tl.one@cxp.example
E402,Ivan,Petrov,ivan@cxp.example,ivan@mail.example,AET-R1,tl.one@cxp.example
""",
    }
    for kind, importer in (("classes", import_classes), ("roster", import_roster)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    esp_start = calendar.previous_business_day(today)  # the class's phases moved to match
    phases = ClassPhase.objects.filter(training_class__code="AET-R1")
    shift = esp_start - phases.get(phase__key="esp").start_date
    for phase in phases:
        phase.start_date += shift
        phase.save()
    users = {}
    for email, role in ((COORDINATOR_EMAIL, CERT_COORDINATOR), (CERTIFIER_EMAIL, CERTIFIER)):
        user = ensure_staff(email, role)
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        users[role] = user
    for agent in Agent.objects.all():
        equipment_set(agent=agent, status="verified", day=esp_start, actor=users[CERT_COORDINATOR])
    availability_set(
        certifier=users[CERTIFIER], day=today, available=True, actor=users[CERT_COORDINATOR]
    )
    return users


def test_the_coordinator_records_readiness_for_a_class_and_connects_a_certifier(
    scenario, sign_in, live_server
):
    from esp.callqueue.models import CertifierConnection

    page = sign_in(COORDINATOR_EMAIL, PASSWORD)
    page.get_by_role("link", name="Call Cert", exact=True).click()
    page.get_by_role("link", name="Readiness", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness for Call Certs")
    page.get_by_role("link", name="AET-R1").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Not ready")
    expect(rows.first).to_contain_text("day 1 (systems and scripting) not recorded")

    page.get_by_role("button", name="Day 1 done for the whole class").click()
    expect(page.locator(".messages")).to_contain_text(
        "Day 1 (systems and scripting) recorded as done for 2 agents."
    )
    expect(rows.first).to_contain_text("role play / shadowing half day not recorded")
    page.get_by_role("button", name="Shadowing done for the whole class").click()
    expect(page.locator("main")).to_contain_text("2 of 2 agents ready for Call Certs")
    for n in range(2):
        expect(rows.nth(n)).to_contain_text("Ready")
    expect(page.locator("main")).to_contain_text("✓ Day 1 is recorded for every agent.")

    page.get_by_role("link", name="Call Cert queue", exact=True).click()
    expect(page.locator("#waiting-h")).to_contain_text("(2)")
    expect(page.locator("main")).not_to_contain_text("Not ready yet")
    page.get_by_role("button", name="Connect the suggested pair").click()
    expect(page.locator(".messages")).to_contain_text(
        re.compile(
            r"Ivan Petrov connected with .+ at \d{1,2}:\d\d [AP]M; the calls are due within 4"
        )
    )
    connection = CertifierConnection.objects.get()
    assert connection.agent.employee_id == "E402"  # a tie: by name
    assert connection.certifier.email == CERTIFIER_EMAIL
    expect(page.locator("#connections")).to_contain_text("Connected now (1)")
