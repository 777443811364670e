"""In a real browser (issue 12 item 2 follow-up, SPEC §1): on the agent page the "Visible to
the agent" checkbox sits on the same line as its label, just before it (it floated alone in
the middle of the page); a note written with it ticked is marked "(to the agent)".

The scenario is the TL flow's (tests/browser/test_tl_flow.py): TL tl.one, agent E101.
"""

from __future__ import annotations

import pytest

from tests.browser.test_tl_flow import PASSWORD, TL_EMAIL, scenario  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_puts_the_visible_to_the_agent_box_beside_its_label(scenario, live_server, sign_in):  # noqa: F811
    """Issue 12 item 2: the box is left of its label text, on the same line; ticking it
    writes a note the staff page marks "(to the agent)"."""
    page = sign_in(TL_EMAIL, PASSWORD)
    page.goto(f"{live_server.url}/agents/E101/")
    box = page.locator("#add-note-to_agent").bounding_box()
    label = page.locator('label[for="add-note-to_agent"]').bounding_box()
    assert label["width"] < 400, label  # not stretched across the page
    assert label["x"] <= box["x"] < label["x"] + 30, (box, label)  # first on the line
    assert abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2)) < 6
    page.get_by_label("Add a note").fill("Great start, keep going")
    page.get_by_label("Visible to the agent").check()
    page.get_by_role("button", name="Add note").click()
    page.wait_for_url("**/agents/E101/#notes")
    item = page.locator("#notes + form + ul li", has_text="Great start, keep going")
    assert "(to the agent)" in item.inner_text()
