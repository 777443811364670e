"""Agent self-reports in a real browser (Chromium through Playwright) against the live server
(issue 5 item 2; SPEC R-N1, §17 access):

- an agent opens the personal link e-mailed to them (no sign-in), submits what they finished
  and what blocks them, and is thanked; the TL, signed in through /sign-in/, sees it as a
  self-report note on the agent page;
- a revoked link gets nothing: 404, no form, and a form opened before the revocation records
  nothing when sent.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-5"
TL_EMAIL = "tl.one@cxp.example"
CLASS = "AET-S1"


@pytest.fixture
def scenario(program, tmp_path, settings, live_server):
    from esp.lib import clock
    from esp.mailing.models import OutboxMessage
    from esp.programs.calendars import calendar_for
    from esp.roster.roles import TL
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import ensure_staff

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.ESP_BASE_URL = live_server.url  # the e-mailed links point at the live server

    calendar = calendar_for(program)
    today = clock.today(program.time_zone)
    start = today
    for _ in range(3):
        start = calendar.previous_business_day(start)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails
{CLASS},esp-aetna,Aetna,SLC,{start},{TL_EMAIL}
""",
        "roster": f"""
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E201,Ann,Able,ann@cxp.example,ann@mail.example,{CLASS},{TL_EMAIL}
E202,Bob,Baker,bob@cxp.example,bob@mail.example,{CLASS},{TL_EMAIL}
""",
    }
    for kind, importer in (("classes", import_classes), ("roster", import_roster)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    tl = ensure_staff(TL_EMAIL, TL)
    tl.is_active = True
    tl.set_password(PASSWORD)
    tl.save()
    OutboxMessage.objects.all().delete()  # the import's invitations: not ours
    return SimpleNamespace(today=today, tl=tl)


def emailed_link(scenario, employee_id: str) -> str:
    """Send the agent's link through the outbox as the TL would; the URL in the e-mail."""
    from esp.lib import clock
    from esp.roster.models import Agent
    from esp.selfreport.services import links_send

    agent = Agent.objects.select_related("training_class__program").get(employee_id=employee_id)
    (row,) = links_send([agent], actor=scenario.tl, now=clock.now())
    assert row.to == [agent.work_email, agent.personal_email]
    return re.search(r"\shttps?://\S+/r/\S+/", row.text).group(0).strip()


def self_reports(employee_id: str):
    from esp.progress.models import Fact

    return Fact.objects.filter(agent__employee_id=employee_id, kind="self_report")


def test_an_agent_reports_through_their_link_and_the_tl_sees_the_note(scenario, new_page, sign_in):
    link = emailed_link(scenario, "E201")

    # The agent, not signed in, opens the link from the e-mail: their form and nothing else.
    agent = new_page()
    agent.goto(link)
    expect(agent.get_by_role("heading", level=1)).to_have_text("Self-report: Ann Able")
    expect(agent.get_by_role("link")).to_have_count(0)
    expect(agent.get_by_role("navigation")).to_have_count(0)
    agent.get_by_label("What I finished today").fill("AHIP module 3 and the Aetna quiz")
    agent.get_by_label("What blocks me").fill("Dialer login error since 2 PM")
    agent.get_by_role("button", name="Send my report").click()
    expect(agent.get_by_role("status")).to_contain_text("Thank you, Ann. Your report was recorded")
    assert self_reports("E201").count() == 1

    # The link's cookies open no other page: the tracker still asks to sign in.
    agent.goto(link.split("/r/")[0] + "/agents/E201/")
    expect(agent).to_have_url(re.compile(r"/sign-in/\?next=/agents/E201/$"))

    # The TL signs in and finds the note on Ann's page, marked as a self-report.
    tl = sign_in(TL_EMAIL, PASSWORD)
    tl.goto(link.split("/r/")[0] + "/classes/")
    tl.get_by_role("link", name=CLASS, exact=True).click()
    tl.locator("#row-E201").get_by_role("link", name="Ann Able").click()
    expect(tl).to_have_url(re.compile(r"/agents/E201/$"))
    notes = tl.locator("h2#notes ~ ul.timeline")
    expect(notes).to_contain_text(
        f"{scenario.today:%m/%d/%Y} - Ann Able - Finished: AHIP module 3 and the Aetna quiz"
        " | Blocked: Dialer login error since 2 PM (self-report)"
    )


def test_a_revoked_link_gets_nothing(scenario, new_page):
    from esp.selfreport.models import SelfReportLink
    from esp.selfreport.services import link_revoke

    link = emailed_link(scenario, "E202")
    page = new_page()
    page.goto(link)
    page.get_by_label("What I finished today").fill("Written before the revocation")

    link_revoke(SelfReportLink.objects.get(agent__employee_id="E202"), actor=scenario.tl)

    # The form opened before the revocation records nothing.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Send my report").click()
    assert answer.value.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert not self_reports("E202").exists()

    # Opening the link again: 404, a plain page, no form, no link.
    response = page.goto(link)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(page.locator("form")).to_have_count(0)
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.get_by_role("link")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Bob")
