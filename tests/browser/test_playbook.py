"""In a real browser (issue 8 item 5, R-Q2): a TL opens an agent's page, starts the general
troubleshooting playbook, records "didn't help" at each step with a note, gives the IT ticket
at the last step, and the walk-through ends unresolved with an equipment issue on the agent."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-8"
TL_EMAIL = "tl.one@cxp.example"
CLASS = "AET-P1"


@pytest.fixture
def scenario(program, tmp_path, settings):
    from esp.lib import clock
    from esp.playbooks.defaults import load_default_playbooks
    from esp.programs.calendars import calendar_for
    from esp.roster.roles import TL
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import ensure_staff

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    calendar = calendar_for(program)
    start = clock.today(program.time_zone)
    for _ in range(5):
        start = calendar.previous_business_day(start)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails
{CLASS},esp-aetna,Aetna,SLC,{start},{TL_EMAIL}
""",
        "roster": f"""
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E201,Ann,Able,ann@cxp.example,ann@mail.example,{CLASS},{TL_EMAIL}
""",
    }
    for kind, importer in (("classes", import_classes), ("roster", import_roster)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    user = ensure_staff(TL_EMAIL, TL)
    user.is_active = True
    user.set_password(PASSWORD)
    user.save()
    load_default_playbooks()


def test_tl_walks_an_agent_through_general_troubleshooting_to_an_equipment_issue(
    scenario, live_server, sign_in
):
    from esp.playbooks.models import Walkthrough
    from esp.progress.models import Fact

    tl = sign_in(TL_EMAIL, PASSWORD)
    tl.goto(f"{live_server.url}/agents/E201/")
    section = tl.locator("section#troubleshooting")
    expect(section).to_contain_text("No walk-through yet.")
    section.get_by_role("link", name="Troubleshoot with a playbook").click()
    expect(tl).to_have_url(re.compile(r"/agents/E201/troubleshooting/$"))

    tl.get_by_label("Playbook").select_option(label="General troubleshooting")
    tl.get_by_role("button", name="Start").click()

    notes = ["Chrome blank", "Firefox blank too", "Speed 3 Mbps", "Nothing streaming"]
    for number, note in enumerate(notes, start=1):
        expect(tl.get_by_role("heading", level=3)).to_contain_text(f"Step {number}:")
        tl.get_by_role("radio", name="Didn't help").check()
        tl.get_by_label("Note").fill(note)
        tl.get_by_role("button", name="Record outcome").click()
        expect(tl.locator("ul.messages")).to_contain_text(f"Step {number} recorded")

    expect(tl.get_by_role("heading", level=3)).to_contain_text("Step 5:")
    expect(tl.get_by_role("heading", level=3)).to_contain_text("IT chat")
    tl.get_by_role("radio", name="Didn't help").check()
    tl.get_by_label("Note").fill("IT chat opened a ticket")
    tl.get_by_role("textbox", name="IT ticket number").fill("IT-8080")
    tl.get_by_role("button", name="Record outcome").click()
    expect(tl.get_by_text("Walk-through ended: unresolved")).to_be_visible()

    walk = Walkthrough.objects.get()
    assert walk.status == Walkthrough.UNRESOLVED
    assert list(walk.outcomes.values_list("note", flat=True)) == [
        *notes,
        "IT chat opened a ticket",
    ]
    fact = Fact.objects.get(agent__employee_id="E201", kind="equipment")
    assert (fact.item, fact.value) == ("issue", "IT-8080")

    tl.get_by_role("link", name="Back to Ann Able").click()
    expect(tl.locator("section#equipment")).to_contain_text("IT-8080")
    expect(tl.locator("section#troubleshooting")).to_contain_text(
        "General troubleshooting — unresolved (equipment issue, IT ticket IT-8080)"
    )
