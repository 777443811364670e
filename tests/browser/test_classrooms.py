"""In a real browser (issue 8, R-S1–R-S2): the ESP Manager opens a class in the classroom
planner, adds the training classroom a missing link names, sends its invites, and each agent's
invitation (.ics) waits in the outbox.

The class starts today, so its training phase (after onboarding and licensing) is ahead.
"""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-8"
MANAGER_EMAIL = "esp.manager@cxp.example"
CLASS = "AET-P1"


@pytest.fixture
def scenario(program, tmp_path, settings):
    from esp.lib import clock
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import create_esp_manager

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    today = clock.today(program.time_zone)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails
{CLASS},esp-aetna,Aetna,SLC,{today},tl.one@cxp.example
""",
        "roster": f"""
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E301,Ann,Able,ann@cxp.example,ann@mail.example,{CLASS},tl.one@cxp.example
E302,Bob,Best,bob@cxp.example,bob@mail.example,{CLASS},tl.one@cxp.example
""",
    }
    for kind, importer in (("classes", import_classes), ("roster", import_roster)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    create_esp_manager(MANAGER_EMAIL, PASSWORD)


def test_esp_manager_adds_a_missing_classroom_and_sends_its_invites(scenario, live_server, sign_in):
    from icalendar import Calendar

    from esp.classrooms.models import Classroom
    from esp.mailing.models import OutboxMessage

    page = sign_in(MANAGER_EMAIL, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classrooms").click()
    page.get_by_role("link", name=CLASS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Classrooms of class {CLASS}")

    training = page.locator("#phase-training")
    first_missing = training.locator("li[data-kind='main-link']").first
    first_missing.get_by_label("Link").fill("https://global.gotowebinar.com/join/111222333")
    first_missing.get_by_label("Link").press("Enter")  # the keyboard submits the form
    expect(page.get_by_text("Room Training classroom added.")).to_be_visible()

    room = page.locator("#phase-training article.room")
    expect(room).to_have_count(1)
    expect(room).to_contain_text("https://global.gotowebinar.com/join/111222333")
    expect(room).to_contain_text("No invites sent yet.")
    room.get_by_role("button", name="Send the invites").click()
    expect(page.get_by_text("2 invitations queued for Training classroom.")).to_be_visible()
    expect(page.locator("#phase-training article.room")).to_contain_text("2 active")

    saved = Classroom.objects.get()
    assert saved.phase.key == "training" and saved.invites_sent_at is not None
    rows = OutboxMessage.objects.filter(report="classroom-invite").order_by("list_key")
    assert [sorted(r.to) for r in rows] == [
        ["ann@cxp.example", "ann@mail.example"],
        ["bob@cxp.example", "bob@mail.example"],
    ]
    for row in rows:
        (attachment,) = row.attachments.all()
        (event,) = Calendar.from_ical(bytes(attachment.content)).walk("VEVENT")
        assert event["sequence"] == 0
        assert re.fullmatch(r"[0-9a-f-]{36}@esp-tracker", str(event["uid"]))
        assert str(event["location"]) == "https://global.gotowebinar.com/join/111222333"
