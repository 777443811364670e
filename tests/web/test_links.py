"""No dead links (issue 17 item 6): every role follows every link of its Today page and of
its navigation (each page of the menu, its group's pages, and every link on them) and gets
200. A link to a page the role cannot open is the bug: the page must not show it.

The season is the Today tests' (tests/web/test_query_counts.py), as of Monday 11/30/2026
1:00 PM: AET-A in its ESP phase (tl.one, pm.one), LIC-B in licensing (tl.two, pm.two), every
agent on every list, proofs waiting. The agent comes in through a personal self-report link
and, signed in, through their own page.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from esp.roster.models import Agent
from esp.roster.roles import AGENT
from esp.selfreport.services import link_issue
from tests.web.test_query_counts import PERSONAS, monday_november_30, season  # noqa: F401
from tests.web_support import staff

HREF = re.compile(r'<a\b[^>]*?\shref="([^"]*)"')
MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def hrefs(page: str) -> list[str]:
    """The site's own links of a page, without fragments: external, mailto and same-page
    anchors are not followed."""
    found = []
    for raw in HREF.findall(page):
        url = html.unescape(raw).split("#", 1)[0]
        if url.startswith("/") and not url.startswith("//"):
            found.append(url)
    return found


def nav_urls(page: str) -> list[str]:
    match = MAIN_NAV.search(page)
    return hrefs(match.group(1)) if match else []


def is_leaf(url: str) -> bool:
    """Pages whose own links are not followed: the Django admin's (its own pages, opened at the
    index only) and the downloads."""
    return url.startswith("/admin/") or "format=" in url or url.endswith(".xlsx")


class Walk:
    """Every URL fetched once, each failure kept as (where it was found, url, status)."""

    def __init__(self, client):
        self.client = client
        self.seen: dict[str, tuple[int, str]] = {}
        self.failures: list[tuple[str, str, int]] = []

    def get(self, url: str, found_on: str) -> str:
        if url not in self.seen:
            response = self.client.get(url, follow=True)
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            status = response.status_code
            if urlsplit(final).path == reverse("accounts:sign_in"):
                status = 401  # sent to sign in: not a page of this user
            body = "" if response.streaming else response.content.decode(errors="replace")
            self.seen[url] = (status, body)
        status, body = self.seen[url]
        if status != 200:
            self.failures.append((found_on, url, status))
        return body

    def follow_all(self, page_url: str, page: str) -> None:
        for url in hrefs(page):
            self.get(url, page_url)


def walk(client, start: str) -> Walk:
    """Start's links, and each menu page's links (the group pages of a menu entry are linked
    from it, so they are reached too)."""
    walker = Walk(client)
    start_page = walker.get(start, "(start)")
    walker.follow_all(start, start_page)
    menu = nav_urls(start_page)
    for url in menu:
        page = walker.get(url, "the navigation")
        if not is_leaf(url):
            walker.follow_all(url, page)
    return walker


@pytest.fixture
def seeded(program, esp, write):
    season(esp, write, 2)


@pytest.mark.parametrize(("role", "email"), PERSONAS)
def test_every_link_on_today_and_in_the_navigation_opens(seeded, client, role, email):
    client.force_login(get_user_model().objects.get(email=email))
    walker = walk(client, reverse("web:today"))
    assert walker.failures == []
    assert len(walker.seen) >= 2  # Today and at least one page of the menu


def test_every_link_an_agent_sees_opens(seeded, client):
    agent = Agent.objects.get(employee_id="E100")
    agent.user = staff("e100@cxp.example", AGENT)
    agent.save(update_fields=["user"])
    client.force_login(agent.user)
    walker = walk(client, reverse("web:home"))  # their own page
    assert walker.failures == []
    assert reverse("progress:agent", args=["E100"]) in walker.seen


def test_every_link_on_the_personal_self_report_link_opens(seeded, client):
    url = urlsplit(link_issue(Agent.objects.get(employee_id="E101"), actor=None)).path
    walker = Walk(client)
    walker.follow_all(url, walker.get(url, "(the link)"))
    assert walker.failures == []


# The coordinator reviews the TBT proofs since issue 15 item 4 (seed 000): left out here.
@pytest.mark.parametrize("email", ["pm.one@cxp.example"])
def test_proofs_waiting_are_a_link_only_for_those_who_review_them(seeded, client, email):
    """The PM reviews no proof (R-B2): the count is shown, not linked."""
    client.force_login(get_user_model().objects.get(email=email))
    page = client.get(reverse("web:today")).content.decode()
    assert "waiting for review" in page
    assert reverse("progress:review_queue") not in page
    client.force_login(get_user_model().objects.get(email="tl.one@cxp.example"))
    page = client.get(reverse("web:today")).content.decode()
    assert f'<a href="{reverse("progress:review_queue")}">' in page


def test_the_call_cert_summary_links_only_pages_the_coordinator_may_open(seeded, client):
    """The summary's own menu linked every TBT page; the coordinator now opens each of them
    (issue 17 items 6 and 7) and every link on the page opens."""
    coordinator = get_user_model().objects.get(email="cert.coordinator@cxp.example")
    client.force_login(coordinator)
    walker = Walk(client)
    url = reverse("tbt:callcert_summary")
    page = walker.get(url, "(start)")
    walker.follow_all(url, page)
    assert walker.failures == []
    for route in ("tbt:tbt_completion", "tbt:behind_pace", "tbt:escalations", "tbt:searched"):
        assert client.get(reverse(route)).status_code == 200, route


def test_a_dead_link_fails_the_walk(seeded, client):
    """The walk itself: a link to a page the role cannot open is reported with its page."""
    client.force_login(get_user_model().objects.get(email="pm.one@cxp.example"))
    walker = Walk(client)
    walker.follow_all("(a page)", f'<a href="{reverse("progress:review_queue")}">proofs</a>')
    assert walker.failures == [("(a page)", reverse("progress:review_queue"), 404)]


@pytest.mark.parametrize(
    "email", ["licensing@cxp.example", "tbt.sme@cxp.example", "tl.one@cxp.example"]
)
def test_the_proofs_waiting_on_today_are_those_the_review_queue_lists(seeded, client, email):
    """A reviewer's "N proofs waiting for review" counts the proofs they may decide: the
    queue the link opens lists as many (a TBT SME decides no carrier certification)."""
    import re

    client.force_login(get_user_model().objects.get(email=email))
    today = client.get(reverse("web:today")).content.decode()
    shown = re.search(r"(\d+) proofs? waiting for review", today)
    queue = client.get(reverse("progress:review_queue")).content.decode()
    listed = queue.count('value="accept"')  # one Accept button per proof
    assert (int(shown.group(1)) if shown else 0) == listed, (email, listed)


def test_a_certifiers_today_says_what_to_expect_then_lists_the_agents_connected(seeded, client):
    """Issue 17 (the walk: a certifier's Today was blank until connected), R-C2: before any
    connection it says who connects them and how; then it lists the agent with the calls'
    deadline, linked to the agent's calls."""
    from esp.callqueue.models import CertifierConnection
    from esp.callqueue.services import connection_open
    from esp.lib import clock
    from esp.roster.roles import CERTIFIER

    certifier = staff("new.certifier@cxp.example", CERTIFIER)  # connected with nobody yet
    client.force_login(certifier)
    page = client.get(reverse("web:today")).content.decode()
    assert "Your certification calls" in page
    assert "The Cert Coordinator connects you to an agent" in page
    busy = CertifierConnection.objects.filter(closed_at__isnull=True).values("agent")
    agent = Agent.objects.exclude(pk__in=busy).order_by("pk").first()
    connection_open(certifier=certifier, agent=agent, now=clock.now(), actor=None)
    page = client.get(reverse("web:today")).content.decode()
    assert f"{reverse('progress:agent', args=[agent.employee_id])}#calls" in page
    assert "0 of 5" in page and "No agent is connected with you now" not in page
