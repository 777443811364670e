"""The demo's agent who signs in (issue 15 item 6: "The demo gets at least one agent with a
sign-in"), printed in the banner; signed in, they land on their own page and see the note
their TL wrote to them, never the TL's staff-only remark."""

from __future__ import annotations

from django.test import Client

from esp.roster.models import Agent
from tests.demo.test_demo_load import demo, today  # noqa: F401 - fixtures


def test_the_banner_names_an_agent_who_signs_in_and_their_page_shows_only_their_notes(demo):  # noqa: F811
    """SPEC §1 Agent: "signs in ...; sees own progress, scores and notes addressed to them"."""
    agent = Agent.objects.select_related("user").get(user__isnull=False)
    assert agent.user.is_active
    assert "  Agent " in demo and agent.user.email in demo and agent.name in demo
    client = Client()
    response = client.post(
        "/sign-in/", {"username": agent.user.email, "password": "demo-manager"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/agents/{agent.employee_id}/"
    page = response.content.decode()
    assert "Good progress on the TBTs" in page
    assert "Staff only" not in page
    assert "Today's self-report" in page
    assert "Certification calls" in page
    assert client.get("/today/").status_code == 404
