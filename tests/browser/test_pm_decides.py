"""In a real browser (issue 15 item 10, "a PM decides a termination review"): Ann Able missed
three days without calling (R-A5: 3 NCNS), so the attendance ladder's termination review is due
and nobody delivered it. The PM signs in, finds it on Today, opens it and terms Ann from a date;
the agent page then shows the decision and the Term document to download (SPEC R-L5).

The scenario is dated relative to today on the program's business calendar, so it holds on any
day: the no-shows are on the fourth, third and second business days before today.
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

PASSWORD = "Browser-test-pass-4"
TL_EMAIL = "tl.one@cxp.example"
PM_EMAIL = "pm.one@cxp.example"
CLASS = "AET-P1"


@pytest.fixture
def scenario(program, tmp_path, settings):
    from esp.lib import clock
    from esp.programs.calendars import calendar_for
    from esp.progress.services.activity import import_activity
    from esp.roster.roles import PM, TL
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import ensure_staff

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    calendar = calendar_for(program)
    today = clock.today(program.time_zone)
    days = [today]
    for _ in range(12):
        days.append(calendar.previous_business_day(days[-1]))
    start, no_shows = days[12], [days[4], days[3], days[2]]
    rows = "\n".join(f"{day},E201,attendance,ncns,,{TL_EMAIL},No call" for day in no_shows)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails,pm_email
{CLASS},esp-aetna,Aetna,SLC,{start},{TL_EMAIL},{PM_EMAIL}
""",
        "roster": f"""
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E201,Ann,Able,ann@cxp.example,ann@mail.example,{CLASS},{TL_EMAIL}
E202,Bob,Baker,bob@cxp.example,bob@mail.example,{CLASS},{TL_EMAIL}
""",
        "activity": f"date,employee_id,kind,item,value,by,note\n{rows}\n",
    }
    for kind, importer in (
        ("classes", import_classes),
        ("roster", import_roster),
        ("activity", import_activity),
    ):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    for email, role in ((TL_EMAIL, TL), (PM_EMAIL, PM)):
        user = ensure_staff(email, role)
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
    return SimpleNamespace(today=today, effective=calendar.next_business_day(today))


def test_pm_finds_a_due_termination_review_on_today_and_terms_the_agent(
    scenario, live_server, sign_in
):
    from esp.accountability.models import CapDocument, TerminationDecision

    pm = sign_in(PM_EMAIL, PASSWORD)
    expect(pm).to_have_url(re.compile(r"/today/$"))
    section = pm.locator("section[aria-labelledby=termination-h]")
    expect(section.get_by_role("heading", level=2)).to_have_text(
        "Termination reviews to decide (1)"
    )
    expect(section).to_contain_text("Due by the rules, not delivered yet")
    expect(section).to_contain_text(f"Ann Able (E201), class {CLASS}")
    section.get_by_role("link", name="decide").click()
    expect(pm).to_have_url(re.compile(r"/agents/E201/#termination-due-attendance$"))

    effective = f"{scenario.effective:%m/%d/%Y}"
    decide = pm.locator("#termination-due-attendance")
    decide.get_by_label("Termination date").fill(effective)
    decide.get_by_label("Reason, or the new expectation").fill("Three no call, no shows")
    decide.get_by_role("button", name="Term the agent").click()

    expect(pm.get_by_role("alert").or_(pm.locator(".messages"))).to_contain_text(
        f"Ann Able termed from {effective}."
    )
    ladders = pm.locator("#ladders")
    expect(ladders).to_contain_text(f"term the agent from {effective} (Three no call, no shows)")
    expect(ladders.locator("#termination-due-attendance")).to_have_count(0)
    link = ladders.get_by_role("link", name="Term document (PDF)")
    expect(link).to_be_visible()
    with pm.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"Able_Ann_term_{effective.replace('/', '-')}.pdf"
    decision = TerminationDecision.objects.get()
    assert decision.decision == "term" and decision.effective == scenario.effective
    assert CapDocument.objects.get(fact=decision.proposal).pdf[:5] == b"%PDF-"

    pm.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(pm.locator("section[aria-labelledby=termination-h]")).to_have_count(0)
