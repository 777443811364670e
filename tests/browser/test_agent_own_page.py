"""In a real browser (issue 15 item 6, "an agent signs in and sees their scores but not staff
notes"; SPEC §1 Agent: "sees own progress, scores and notes addressed to them (a note is
staff-only unless written to the agent)").

The scenario is the TL flow's (tests/browser/test_tl_flow.py): agent Ann Able (E101) signs
in as ann@; her TL writes her a note and a staff-only remark; a certifier coached her on
call 1.
"""

from __future__ import annotations

import pytest

from tests.browser.test_tl_flow import AGENT_EMAIL, PASSWORD, TL_EMAIL, scenario  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TO_AGENT = "Great start on the TBTs, keep going"
STAFF_NOTE = "Staff only: watch her camera-off time"
COACHING = "Slow down on the Medicare disclosures"


def test_an_agent_signs_in_and_sees_their_scores_but_not_staff_notes(
    scenario,  # noqa: F811
    sign_in,
    live_server,
):
    """The agent signs in through the sign-in form and lands on their own page: the call's
    score and coaching, the note written to them and today's self-report form; never the
    staff-only note; another agent's page is not found. They send today's report there."""
    from esp.certification.services import call_score
    from esp.progress.services import note_add
    from esp.roster.models import Agent
    from esp.roster.services.staff import ensure_staff

    agent = Agent.objects.select_related("training_class__program").get(employee_id="E101")
    tl = ensure_staff(TL_EMAIL, "TL")
    note_add(agent=agent, text=TO_AGENT, day=scenario.today, actor=tl, to_agent=True)
    note_add(agent=agent, text=STAFF_NOTE, day=scenario.today, actor=tl)
    call_score(
        agent=agent,
        call_number=1,
        notes_well="Clear opening",
        notes_down=COACHING,
        actor=None,
        day=scenario.today,
    )

    page = sign_in(AGENT_EMAIL, PASSWORD)
    page.wait_for_url(f"{live_server.url}/agents/E101/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Ann Able")
    calls = page.locator("#calls")
    assert calls.locator("td", has_text="100").count() >= 1
    assert COACHING in page.inner_text("main")
    notes = page.locator("#notes ~ ul.timeline").first.inner_text()
    assert TO_AGENT in notes
    assert STAFF_NOTE not in page.content()
    assert page.get_by_role("link", name="My progress").is_visible()
    assert page.get_by_role("link", name="Today").count() == 0

    page.get_by_label("What I finished today").fill("TBT 101 and 102")
    page.get_by_role("button", name="Send my report").click()
    page.wait_for_url("**/agents/E101/#self-report")
    assert "Thank you: your report for today is recorded." in page.inner_text("main")
    assert "Finished: TBT 101 and 102" in page.locator("#self-report").inner_text()

    response = page.goto(f"{live_server.url}/agents/E102/")
    assert response.status == 404
