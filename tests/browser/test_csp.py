"""Issue 12 item 12, in a real browser: the demo's pages work under the Content-Security-Policy
and none of them trips it (no blocked inline script, style or attribute in the console)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    from esp.demo.load import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    load_demo(login=("manager@esp.example", "demo-manager"))


def test_it_shows_the_demo_pages_without_a_csp_violation(demo, live_server, sign_in):
    """issue 12 item 12, SPEC §17: the ESP Manager's pages, a class board with an in-place
    status change (htmx), the API docs and the admin, with no CSP report in the console."""
    from esp.roster.models import Agent

    agent = Agent.objects.select_related("training_class").order_by("employee_id").first()
    code = agent.training_class.code
    page = sign_in("manager@esp.example", "demo-manager")
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    paths = [
        "/today/",
        "/classes/",
        f"/classes/{code}/",
        f"/agents/{agent.employee_id}/",
        "/reports/",
        "/reports/incompletions/",
        "/forms/",
        "/forms/call-cert/",
        f"/classes/{code}/attendance/",
        "/mail/outbox/",
        "/classrooms/",
        "/licensing-pace/",
        "/operations/transfers/",
        "/api/v1/docs/",
        "/admin/",
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "no-store" in response.headers["cache-control"], path
        page.wait_for_load_state("networkidle")
    # styles from the nonce'd <style> apply; the API docs' script ran
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.locator(".swagger-ui .info").wait_for()
    # an in-place change through htmx on the class board
    page.goto(f"{live_server.url}/classes/{code}/")
    page.locator("summary.chip").first.click()
    page.locator("details.edit[open] form button").first.click()
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")  # nothing left in flight when the live server stops
    assert reports == []
