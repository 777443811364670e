"""R-I1b in a real browser, with the keyboard only: licensing opens the behind-pace list of
the demo season, goes to the class's quick grid, checks the missing module with the space bar
and saves with Enter; the agent leaves the list."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-manager"


@pytest.fixture
def demo_behind(settings, tmp_path):
    """The demo season (dated relative to today) and an agent behind the licensing pace."""
    from esp.demo.load import load_demo
    from esp.lib import clock
    from esp.pace import selectors
    from esp.programs.models import Program

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    load_demo(login=("manager@esp.example", PASSWORD))
    program = Program.objects.get()
    from esp.pace.models import PaceModule

    # the AHIP final and the carrier certification are done only through their proof (R-B2):
    # licensing catches up on the grid an agent who misses only hand-ticked modules
    proof_bound = set(PaceModule.objects.filter(task_only=True).values_list("key", flat=True))
    behind = [
        line
        for line in selectors.behind_pace(program, clock.today(program.time_zone))
        if not proof_bound & set(line["missing_keys"])
    ]
    if not behind:
        pytest.skip("no demo agent is behind on a hand-ticked module of licensing today")
    return behind[0]


def test_licensing_catches_an_agent_up_on_the_grid_with_the_keyboard(
    demo_behind, live_server, sign_in
):
    line = demo_behind
    page = sign_in("licensing@esp.example", PASSWORD)
    page.goto(f"{live_server.url}/licensing-pace/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Licensing: behind pace")
    expect(page.locator("main")).to_contain_text(line["name"])

    page.get_by_role("link", name=line["class_code"], exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/licensing-pace/classes/{line['class_code']}/"))
    for module in line["missing"].split("; "):
        box = page.get_by_label(f"{module} — {line['name']} (missing)")
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    page.get_by_role("button", name="Save changes").focus()
    page.keyboard.press("Enter")
    count = len(line["missing"].split("; "))
    expect(page.locator(".messages")).to_contain_text(
        f"{count} change{'s' if count != 1 else ''} recorded"
    )

    page.goto(f"{live_server.url}/licensing-pace/")
    expect(page.locator("main")).not_to_contain_text(line["employee_id"])
