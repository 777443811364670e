"""Each Today list shows its count, its first 20 items and "See all N" (issue 14 item 2): a
report page for the lines a report lists, the list whole on `/today/?list=<name>` for the
others; so the page stays small however many agents the season has.

As of Monday 11/30/2026 1:00 PM (America/Chicago), class AET-A started 11/02 (tl.one): its
agents have done no task (late in every section) and each failed the AHIP exam three times
(11/04 to 11/06), which raises "cannot sell" (R-N4b).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esp.progress.services import fact_record
from esp.roster.models import Agent
from esp.roster.roles import ESP_MANAGER, TL
from tests.web.test_query_counts import PERSONAS
from tests.web.test_query_counts import season as query_counts_season
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 13, tzinfo=CHICAGO)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
"""


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


def season(esp, write, size: int):
    """AET-A with `size` agents (those already there kept), each failed three times."""
    lines = ["employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email"]
    for n in range(100, 100 + size):
        lines.append(
            f"E{n},First{n},Last{n},e{n}@cxp.example,e{n}@mail.example,AET-A,tl.one@cxp.example"
        )
    for kind, text in (("classes", CLASSES), ("roster", "\n".join(lines))):
        code, _, err = esp("import", kind, write(text, f"{kind}-{size}.csv"))
        assert code == 0, err
    for agent in Agent.objects.exclude(facts__kind="exam"):
        for day in (date(2026, 11, 4), date(2026, 11, 5), date(2026, 11, 6)):
            fact_record(agent=agent, day=day, kind="exam", item="ahip", value="failed")
    return staff("esp.manager@cxp.example", ESP_MANAGER)


def today(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(reverse("web:today") + query)
    assert response.status_code == 200
    return response.content.decode()


def flags_section(page: str) -> str:
    return page.split('id="flags"', 1)[1].split("</ul>", 1)[0]


def test_it_shows_20_of_25_red_flags_and_a_link_to_all_25(program, esp, write, client):
    manager = season(esp, write, 25)
    page = today(client, manager)
    assert "Open red flags (25)" in page
    assert flags_section(page).count("<li>") == 20
    assert '<a href="/today/?as_of=2026-11-30&amp;list=flags">See all 25</a>' in page

    whole = today(client, manager, "?as_of=2026-11-30&list=flags")
    assert "Open red flags (25), 11/30/2026" in whole
    assert whole.count("cannot sell since 11/06/2026") == 25


def test_see_all_of_a_late_section_opens_that_section_whole_oldest_first(
    program, esp, write, client
):
    """A late section's "See all 25" opens the section itself (`?list=late&part=<key>`),
    longest late first as on Today: its report page lists it by class."""
    manager = season(esp, write, 25)
    page = today(client, manager)
    links = re.findall(
        r'href="(/today/\?as_of=2026-11-30&amp;list=late&amp;part=[^"]+)">See all 25<', page
    )
    assert len(links) >= 2
    heading, rest = page.split("<h3>", 2)[1].split("</h3>", 1)
    preview = rest.split("</ul>", 1)[0]
    assert heading.endswith("(25)") and preview.count("<li>") == 20
    whole = today(client, manager, links[0].replace("&amp;", "&").removeprefix("/today/"))
    title = heading.removesuffix(" (25)")
    assert f"{title} (25), 11/30/2026" in whole
    agents = re.compile(r'href="/agents/([^/]+)/"')
    assert agents.findall(whole)[:20] == agents.findall(preview)
    assert len(agents.findall(whole)) == 25
    assert client.get("/today/?list=late&part=nothing").status_code == 404


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("actions", "Corrective actions due and overdue"),
        ("callcert", "Call certification not passed yet"),
    ],
)
def test_see_all_opens_the_list_whole_in_the_previews_order(
    program, esp, write, client, name, title
):
    """The actions and the call certifications not passed: their reports list other lines
    too (every call certification) or in another order (by class), so "See all N" opens the
    list itself, whose first 20 are the preview's and whose count is N."""
    manager = season(esp, write, 25)
    page = today(client, manager)
    total = int(re.search(rf"{title} \((\d+)\)", page).group(1))
    assert total > 20
    assert f'<a href="/today/?as_of=2026-11-30&amp;list={name}">See all {total}</a>' in page
    whole = today(client, manager, f"?as_of=2026-11-30&list={name}")
    assert f"{title} ({total}), 11/30/2026" in whole

    def agents(html: str) -> list[str]:
        return re.findall(r'href="/agents/([^/]+)/#', html)

    preview = agents(page.split(f'id="{name}"', 1)[1].split("</table>", 1)[0])
    assert len(preview) == 20 and agents(whole)[:20] == preview and len(agents(whole)) == total


def test_it_shows_no_link_when_everything_is_shown(program, esp, write, client):
    page = today(client, season(esp, write, 3))
    assert "Open red flags (3)" in page and "See all" not in page


def test_it_lists_only_the_lists_of_the_users_own_today(program, esp, write, client):
    season(esp, write, 3)
    tl = staff("tl.one@cxp.example", TL)
    client.force_login(tl)
    assert client.get("/today/?list=classes").status_code == 404  # the manager's list
    assert client.get("/today/?list=nothing").status_code == 404
    page = client.get("/today/?list=not_reported").content.decode()
    assert "No self-report (3)" in page and "First100 Last100" in page


def test_the_managers_today_stays_small_as_the_agents_grow(program, esp, write, client):
    manager = season(esp, write, 25)
    few = len(today(client, manager))
    manager = season(esp, write, 75)
    many = today(client, manager)
    assert "Open red flags (75)" in many and "See all 75" in many
    assert len(many) < few * 1.05, (few, len(many))


def _without(lines, *keys):
    return [{k: v for k, v in line.items() if k not in keys} for line in lines]


@pytest.mark.parametrize(("role", "email"), PERSONAS)
def test_its_lists_are_the_reports_lines_of_the_users_agents(program, esp, write, role, email):
    """Issue 14: Today reads its lists from the read model, narrowed to the user's agents in
    SQL: every list, whole, is the whole program's report trimmed to the user
    (esp.reports.builders.scoped_report) in Today's order (the most urgent first)."""
    from django.contrib.auth import get_user_model

    from esp.lib import clock
    from esp.reports.builders import build_report, scoped_report
    from esp.tbt import selectors as tbt_selectors
    from esp.web import sections
    from esp.web.sections import sources

    query_counts_season(esp, write, 2)
    user = get_user_model().objects.get(email=email)
    policy = program.policy()
    for as_of in (date(2026, 11, 27), date(2026, 11, 30)):
        base = sections.basis(user, program, as_of, clock.now(program.time_zone), first=None)

        def report(name, as_of=as_of):
            return scoped_report(user, build_report(name, as_of=as_of, program=program))

        for section in report("incompletions")["sections"]:
            oldest_first = sorted(section["agents"], key=lambda a: -a["age_business_days"])
            if section["key"] == policy.transfer_section:
                found = _without(sources.transfers(base, "").items, "not_transferred")
            else:
                found = sources.late(base, section["key"], "").items
            assert found == oldest_first, section["key"]
        overdue_first = sorted(
            report("actions")["actions"], key=lambda a: (a["status"] != "overdue", a["due_on"])
        )
        assert _without(sources.actions(base, "").items, "name", "class_code") == overdue_first
        not_passed = [a for a in report("callcert")["agents"] if a["result"] != "passed"]
        assert _without(sources.callcert_open(base, "").items, "name", "class_code") == not_passed
        if role == ESP_MANAGER:
            assert sources.extensions(base) == report("extensions")["classes"]
        # R-B7, R-B5: the TBT lists equal the TBT pages' selectors over the same agents
        columns = ("employee_id", "name", "class_code", "courses_done", "courses_total")
        behind = tbt_selectors.behind_pace(program, as_of, base.seen)
        assert [{c: a[c] for c in columns} for a in sources.tbt_behind(base, "").items] == [
            {c: a[c] for c in columns} for a in behind
        ]
        escalations = tbt_selectors.help_desk_escalations(program, as_of, base.seen)
        assert sources.escalations(base) == len(escalations)


@pytest.mark.parametrize(("role", "email"), PERSONAS)
def test_its_first_items_and_counts_are_those_of_the_whole_lists(program, esp, write, role, email):
    """Issue 14: a list's first items on Today (read in one query: esp.web.selectors
    first_lines, first_lines_per) are the whole list's first, and its count the whole list's
    length."""
    from django.contrib.auth import get_user_model

    from esp.lib import clock
    from esp.web import sections
    from esp.web.sections import sources

    query_counts_season(esp, write, 2)
    user = get_user_model().objects.get(email=email)
    policy = program.policy()
    for as_of in (date(2026, 11, 27), date(2026, 11, 30)):
        now = clock.now(program.time_zone)
        whole = sections.basis(user, program, as_of, now, first=None)
        first = sections.basis(user, program, as_of, now, first=2)
        lists = [lambda base, key=s.key: sources.late(base, key, "") for s in policy.sections] + [
            lambda base: sources.actions(base, ""),
            lambda base: sources.callcert_open(base, ""),
            lambda base: sources.not_reported(base, ""),
            lambda base: sources.flags(base, ""),
            lambda base: sources.proctored(base, ""),
            lambda base: sources.tbt_behind(base, ""),
        ]
        for read in lists:
            every, shown = read(whole), read(first)
            assert shown.items == every.items[:2]
            assert shown.total == every.total == len(every.items)
