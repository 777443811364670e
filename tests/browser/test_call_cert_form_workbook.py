"""A certifier records an agent's five scored calls through the Call Certification tracking
form in a real browser, and the Cert Coordinator receives exactly one workbook through a real
SMTP server (issue 15 item 2; SPEC R-C5; seed 004).

Seed 004: "The Certifier should complete all 5 calls on the same spreadsheet ... The Certifier
should IMMEDIATELY submit the Scorecard via email to the Cert Coordinator after each agent has
completed."
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.browser.test_certifier import CERTIFIER_EMAIL, COORDINATOR_EMAIL, PASSWORD
from tests.browser.test_certifier import scenario as scenario  # noqa: F401 (the fixture)
from tests.smtp import smtp_server  # noqa: F401  (the fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_certifier_scores_five_calls_on_the_tracking_form_and_the_coordinator_gets_one_workbook(
    scenario,  # noqa: F811
    sign_in,
    live_server,
    smtp_server,  # noqa: F811
):
    """Seed 004: "The Certifier should IMMEDIATELY submit the Scorecard via email to the Cert
    Coordinator after each agent has completed." — whichever way the scores were entered."""
    from esp.lib import clock
    from esp.mailing.models import OutboxMessage
    from esp.mailing.runs import send_round
    from esp.progress.models import Fact

    Fact.objects.filter(kind="call").delete()  # the scenario's coached call 1: ours to enter
    page = sign_in(CERTIFIER_EMAIL, PASSWORD)
    for number, score in ((1, 100), (2, 95), (3, 80), (4, 90), (5, 88)):
        page.goto(f"{live_server.url}/forms/call-cert/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Call certification")
        page.get_by_label("Agent (employee ID)").fill("E301")
        page.get_by_label("Call", exact=True).select_option(str(number))
        page.get_by_label("Score").fill(str(score))
        page.get_by_label("Notes").fill(f"Call {number}: good rapport")
        page.get_by_role("button", name="Submit").click()
        expect(page).to_have_url(re.compile(r"/agents/E301/"))
        expect(page.locator("#calls")).to_contain_text(f"{number}")
        # the mail worker runs between the calls: nothing for the coordinator until the fifth
        send_round(now=clock.now() + timedelta(seconds=1))
    expect(page.locator("#calls")).to_contain_text("88")
    send_round(now=clock.now() + timedelta(minutes=1))

    received = [m for m in smtp_server.messages if m.key.startswith("callcert_workbook|")]
    assert len(received) == 1
    [mail] = received
    assert mail.rcpt_tos == (COORDINATOR_EMAIL,)
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "Doe_Jane_80%.xlsx"
    assert OutboxMessage.objects.filter(report="callcert_workbook").count() == 1
