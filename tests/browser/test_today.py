"""Issue 5, in a real browser: a TL's Today page lists an overdue coaching from the demo
data, and delivering it removes it."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-today-pass-5"


@pytest.fixture
def demo_tl(settings, tmp_path):
    """The demo season (dated relative to today); a TL with an overdue step, signed up."""
    from esp.demo.load import load_demo
    from esp.lib import clock
    from esp.programs.models import Program
    from esp.reports.builders import build_report
    from esp.roster.models import Agent

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    load_demo(login=("manager@esp.example", "demo-manager"))
    program = Program.objects.get()
    actions = build_report("actions", as_of=clock.today(program.time_zone), program=program)
    overdue = [a for a in actions["actions"] if a["status"] == "overdue"]
    assert overdue, "the demo season has overdue corrective actions"
    for action in overdue:
        agent = Agent.objects.select_related("training_class").get(
            employee_id=action["employee_id"]
        )
        tls = list(agent.training_class.tls.all())
        if tls:
            tl = tls[0]
            tl.is_active = True
            tl.set_password(PASSWORD)
            tl.save()
            return tl, agent, action
    pytest.fail("no overdue action in a class with a TL")


def test_a_tl_delivers_an_overdue_coaching_from_today(demo_tl, live_server, sign_in):
    tl, agent, action = demo_tl
    page = sign_in(tl.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today/$"))
    row = (
        page.locator("#actions ~ table tbody tr")
        .filter(has_text=agent.employee_id)
        .filter(has_text=action["step"].replace("_", " ").capitalize())
    )
    expect(row.first).to_contain_text("Overdue")
    row.first.get_by_role("link", name=agent.name).click()
    expect(page).to_have_url(re.compile(rf"/agents/{agent.employee_id}/#ladders$"))
    step = action["step"].replace("_", " ")
    ladders = page.locator("#ladders")
    notice = ladders.locator(".notice").filter(has_text=f"on the {action['ladder']} ladder")
    notice.get_by_label("Expectation set").fill("Complete it by tomorrow's end of day")
    notice.get_by_role("button", name=f"Deliver {step}").click()
    expect(page.locator(".messages")).to_contain_text("Delivered and recorded.")

    page.goto(f"{live_server.url}/today/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    from esp.progress.models import Fact

    delivered = Fact.objects.get(
        agent=agent, kind="action", value=action["ladder"], item=action["step"], source="form"
    )
    assert delivered.note == "Complete it by tomorrow's end of day"
    assert delivered.recorded_by == tl
    remaining = (
        page.locator("#actions ~ table tbody tr")
        .filter(has_text=agent.employee_id)
        .filter(has_text=action["ladder"])
    )
    # The delivered step is gone (the ladder may show its next step only from a later day).
    for text in remaining.all_inner_texts():
        text = text.lower()
        assert not (action["step"].replace("_", " ") in text and "overdue" in text)
