"""The navigation per role is the access matrix's (issue 17 item 7): a role's menu holds
exactly the pages the matrix lets it open, each page a role may open without an object (an
agent, a class) is in its menu, and what the issue asked for by name holds: WFM has no empty
"Classes" or "Reports", the ESP Manager has Operations, the Cert Coordinator and the TBT SMEs
have the summaries and the TBT pages.
"""

from __future__ import annotations

import re

import pytest
from django.urls import resolve, reverse

from esp.access.matrix import ACCESS, NONE, may_open
from esp.roster.models import Agent
from esp.roster.roles import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)
from esp.web.context import MENU, menu, pages_of
from tests.web_support import staff

ROLES = [ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, CERTIFIER, TBT_SME, WFM]
# Pages without an object that are reached from another page, not from the menu.
REACHED_FROM_A_PAGE = {
    "web:home": "the start page: Today, or the agent's own page",
    "reports:report": "each report, from the reports' index",
    "progress:tracking_form": "each form, from the tracking forms' index",
    "upkeep:checklist_preview": "the TL's checklist e-mail, from their Today (issue 15 item 12)",
    "certification:scorecard_blank": "the blank scoring sheet, from the scorecard upload page",
}
TBT_PAGES = {"tbt:behind_pace", "tbt:escalations", "tbt:searched"}
SUMMARIES = {"tbt:callcert_summary", "tbt:tbt_completion"}


def person(role: str):
    if role == AGENT:
        user = staff("agent@cxp.example", AGENT)
        Agent.objects.filter(employee_id="E001").update(user=user)
        user.refresh_from_db()
        return user
    return staff(f"{role.lower().replace(' ', '.')}@cxp.example", role)


def menu_routes(user) -> set[str]:
    """Every page of the user's menu: the entries and their groups' pages."""
    return {page.route for group in MENU for page in pages_of(user, group)}


def object_free_pages(user) -> set[str]:
    """The pages the matrix lets the user open that need no agent or class, and are not API."""
    return {
        route
        for route, rule in ACCESS.items()
        if rule.scope == NONE
        and "GET" in rule.methods
        and not route.startswith("api:")
        and may_open(user, route)
    }


@pytest.fixture
def agent_world(program, esp, write):
    classes = "class_code,program,campaign,site,start_date,tl_emails,pm_email\n"
    classes += "AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl@cxp.example,pm@cxp.example\n"
    roster = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n"
    roster += "E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl@cxp.example\n"
    for kind, text in (("classes", classes), ("roster", roster)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def test_every_page_of_the_menu_is_a_route_of_the_matrix():
    for group in MENU:
        for page in group.pages:
            assert page.route in ACCESS or page.route == "admin:index", page.route


@pytest.mark.parametrize("role", [*ROLES, AGENT])
def test_the_menu_is_what_the_matrix_lets_the_role_open(agent_world, role):
    user = person(role)
    routes = menu_routes(user)
    assert all(may_open(user, route) for route in routes), role
    hidden = {  # pages the matrix allows that the menu leaves out because they are empty
        page.route
        for group in MENU
        for page in group.pages
        if may_open(user, page.route) and page.shown and not page.shown(user)
    }
    missing = object_free_pages(user) - routes - hidden - set(REACHED_FROM_A_PAGE)
    assert missing == set(), role


def test_wfm_has_no_empty_classes_or_reports(agent_world):
    wfm = person(WFM)
    assert menu_routes(wfm) == {"web:today", "attendance:digest"}
    assert not may_open(wfm, "progress:classes") and not may_open(wfm, "reports:index")


def test_a_certifier_has_their_agents_the_reports_and_the_summaries_but_no_board(agent_world):
    certifier = person(CERTIFIER)
    routes = menu_routes(certifier)
    assert {"progress:classes", "reports:index", "callqueue:mine"} | SUMMARIES <= routes
    assert not may_open(certifier, "progress:board")


def test_the_manager_has_operations(agent_world):
    routes = menu_routes(person(ESP_MANAGER))
    assert {"operations:extensions", "operations:transfers"} <= routes
    assert TBT_PAGES | SUMMARIES <= routes


@pytest.mark.parametrize("role", [CERT_COORDINATOR, TBT_SME])
def test_the_coordinator_and_the_tbt_smes_have_the_summaries_and_the_tbt_pages(agent_world, role):
    assert TBT_PAGES | SUMMARIES <= menu_routes(person(role))


def test_an_agent_has_their_own_page_and_asks_for_help(agent_world):
    links, _, _ = menu(person(AGENT))
    assert [(link.label, link.url) for link in links] == [
        ("My progress", reverse("progress:agent", args=["E001"])),
        ("Ask for help", reverse("breakouts:ask")),
    ]


def test_a_group_links_its_first_page_and_lists_its_pages_on_each(agent_world, client):
    """The coordinator's "TBT" entry opens the first TBT page; on any of them the group's pages
    are listed under the header, the current one marked."""
    coordinator = person(CERT_COORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("tbt:searched")).content.decode()
    main = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S).group(1)
    assert f'<a aria-current="page" href="{reverse("tbt:behind_pace")}">TBT</a>' in main
    pages = re.search(r'<nav class="pages" aria-label="TBT pages">(.*?)</nav>', page, re.S)
    links = re.findall(r'href="([^"]+)"', pages.group(1))
    assert [resolve(url).view_name for url in links] == [
        "tbt:behind_pace",
        "tbt:escalations",
        "tbt:searched",
        "tbt:tbt_completion",
        "tbt:smes",  # the classes' TBT SMEs (issue 15 item 4)
    ]
    assert f'<a aria-current="page" href="{reverse("tbt:searched")}">' in pages.group(1)


def test_a_group_of_one_page_shows_that_pages_name(agent_world):
    """The PM opens one page of each of the Call Cert and TBT groups: the summaries, by name."""
    links, _, _ = menu(person(PM))
    labels = [link.label for link in links]
    assert "Call Cert summary" in labels and "TBT completion summary" in labels
    assert "Call Cert" not in labels and "TBT" not in labels


@pytest.mark.parametrize("role", [*ROLES, AGENT])
def test_the_menu_kept_for_a_set_of_roles_is_the_one_built_afresh(agent_world, role):
    """issue 14: what the matrix decides for a set of roles is kept in the process; a user's
    menu is still the one built from their pages and the matrix, link for link."""
    from esp.progress.tracking import usable_forms, uses_a_form

    user = person(role)
    expected = []
    for group in MENU:
        pages = pages_of(user, group)
        if pages:
            page = pages[0]
            url = reverse(page.route, args=page.args(user) if page.args else None)
            expected.append((group.label if len(pages) > 1 else page.label, url))
    for _ in range(2):  # built, then kept
        links, _, _ = menu(user, "web:today")
        assert [(link.label, link.url) for link in links] == expected
    assert uses_a_form(user) == bool(usable_forms(user))
