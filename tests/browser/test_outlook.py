"""Issue 18 item 5, in a real browser on the demo season: the ESP Manager's Today shows the
classes with extensions ahead (and "request the spin-up now" for the demo's class with 5+
agents needing one), the Cert Coordinator's Today tomorrow's certifiers needed vs available,
and the agent page the outlook line with its one-line reason."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-outlook-pass-18"


@pytest.fixture
def demo(settings, tmp_path):
    """The demo season; the manager and the coordinator signed up; an agent whose call
    certs are still open on their ESP day (the outlook line then carries a chance)."""
    from django.contrib.auth import get_user_model

    from esp.demo.load import load_demo
    from esp.lib import clock
    from esp.programs.models import Program
    from esp.reports.outlook import outlook_for

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    load_demo(login=("manager@esp.example", "demo-manager"))
    for email in ("manager@esp.example", "coordinator@esp.example"):
        user = get_user_model().objects.get(email=email)
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
    program = Program.objects.get()
    outlook = outlook_for(program, clock.today(program.time_zone))
    open_calls = [a for a in outlook.agents if a.p_extension is not None and a.age >= 0]
    assert open_calls, "the demo season has agents in ESP with call certs open"
    complete = [a for a in outlook.agents if a.complete is None]
    assert complete, "the demo season has agents ESP complete and not transferred yet"
    return open_calls[0], complete[0]


def test_the_outlook_shows_on_today_and_on_the_agent_page(demo, live_server, sign_in):
    page = sign_in("manager@esp.example", PASSWORD)
    expect(page).to_have_url(re.compile(r"/today/$"))
    outlook = page.locator("#outlook")
    expect(outlook).to_contain_text("Extensions ahead")
    expect(outlook.locator("table")).to_contain_text("Extensions expected")
    expect(outlook.locator(".notice").first).to_contain_text("Request the spin-up now")
    expect(outlook.locator("svg")).to_have_count(1)
    expect(outlook.locator("svg")).to_contain_text("50% to 90% (likely to almost sure)")

    open_calls, complete = demo
    page.goto(f"{live_server.url}/agents/{open_calls.employee_id}/")
    line = page.locator("#outlook")
    expect(line).to_contain_text(
        re.compile(r"^Outlook as of \d{2}/\d{2}/\d{4} \d{1,2}:\d{2} [AP]M:")
    )
    expect(line).to_contain_text("chance of needing a training-environment extension")
    expect(line).to_contain_text(f"ESP day {open_calls.age + 1}")
    expect(line).to_contain_text(re.compile(r"(\d of 5 calls|no calls yet)"))
    expect(line).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}|_"))

    page.goto(f"{live_server.url}/agents/{complete.employee_id}/")
    expect(page.locator("#outlook")).to_have_text(
        re.compile(
            r"^Outlook as of \d{2}/\d{2}/\d{4} \d{1,2}:\d{2} [AP]M: "
            r"ESP complete since \d{2}/\d{2}/\d{4}\.$"
        )
    )

    coordinator = sign_in("coordinator@esp.example", PASSWORD)
    ahead = coordinator.locator("#certifiers-ahead")
    expect(ahead).to_contain_text(re.compile(r"\d+ certifiers? needed"))
    expect(ahead.locator("svg")).to_have_count(1)
