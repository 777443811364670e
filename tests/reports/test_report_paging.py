"""Issue 14 item 2: the report pages and the API's reports page in SQL, 100 lines a page,
with the totals by section; the pages together are the whole report the user may read, and
the number of queries of a page does not grow with the season."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.demo.season import generate_season, write_season
from esp.programs.calendars import calendar_for
from esp.progress.services.activity import import_activity
from esp.reports import builders
from esp.reports.builders import REPORTS, build_report, report_page, scoped_report
from esp.roster.services import import_classes, import_roster
from tests.web_support import staff

AS_OF = date(2026, 11, 23)
QUERY = "as_of=2026-11-23"
# A TL of every other class of the season (`season(..., paging_tl=True)`): a scoped reader
# who sees a part of each report, not the whole of it.
PAGING_TL = "tl.paging@cxp.example"


@pytest.fixture
def season(program, tmp_path):
    def load(agents: int, seed: int = 7, *, paging_tl: bool = False):
        generated = generate_season(
            as_of=AS_OF, agents=agents, seed=seed, calendar=calendar_for(program)
        )
        if paging_tl:  # a TL more of the class, through the classes file (tl_emails)
            for row in generated.classes[1::2]:
                row["tl_emails"] += f";{PAGING_TL}"
        paths = write_season(generated, tmp_path / f"season{agents}-{seed}")
        import_classes(paths["classes"])
        import_roster(paths["roster"])
        import_activity(paths["activity"])
        return generated

    return load


def body(report: dict) -> list:
    """The report's lines, whatever its shape (incompletions: (section, line) pairs)."""
    if "sections" in report:
        return [(s["key"], a) for s in report["sections"] for a in s["agents"]]
    for key in ("actions", "agents", "classes"):
        if key in report:
            return report[key]
    raise AssertionError(report)


def readers():
    """The ESP Manager (every line) and a TL of every other class (the scoped lines)."""
    return staff("boss@cxp.example", "ESP Manager"), staff(PAGING_TL, "TL")


# Lines a page: extensions are paged by class, and a season has few classes needing one.
PAGE_SIZES = {"extensions": 1}


@pytest.mark.parametrize("name", REPORTS)
def test_the_pages_together_are_the_whole_report_and_the_totals_count_it(program, season, name):
    """Issue 14: "paging: first, middle and last pages of a report, totals equal the whole".
    At 240 agents in 20 classes, 5 lines a page (1 class for the extensions), each reader,
    the Manager and the TL of every other class, has at least three pages of every report (a
    first, a middle and a last), which together are the report they may read, the totals by
    section counting it; the TL's is a part of the Manager's."""
    season(240, paging_tl=True)
    per_page = PAGE_SIZES.get(name, 5)
    seen = {}
    for user in readers():
        whole = scoped_report(user, build_report(name, as_of=AS_OF, program=program))
        first = report_page(name, as_of=AS_OF, user=user, program=program, per_page=per_page)
        pages, lines = first["pages"], []
        assert pages >= 3, (name, user.email, first["total"])  # first, middle and last
        assert first["total"] == sum(first["totals"].values()) == len(body(whole))
        if name == "incompletions":
            assert first["totals"] == {s["key"]: len(s["agents"]) for s in whole["sections"]}
        for number in range(1, pages + 1):
            page = report_page(
                name, as_of=AS_OF, user=user, program=program, page=number, per_page=per_page
            )
            assert page["page"] == number and page["totals"] == first["totals"]
            assert len(body(page["report"])) == (
                per_page if number < pages else first["total"] - per_page * (pages - 1)
            )
            assert {
                k: v
                for k, v in page["report"].items()
                if k not in ("sections", "actions", "agents", "classes")
            } == {
                k: v
                for k, v in whole.items()
                if k not in ("sections", "actions", "agents", "classes")
            }
            lines += body(page["report"])
        assert lines == body(whole), (name, user.email)
        beyond = report_page(
            name, as_of=AS_OF, user=user, program=program, page=999, per_page=per_page
        )
        assert beyond["page"] == pages  # the last page, not an error
        seen[user.email] = first["total"]
    manager, tl = seen.values()
    assert 0 < tl < manager, seen  # the TL's report is a part of the Manager's


def test_the_page_shows_totals_and_plain_previous_next_links(program, season, client, monkeypatch):
    season(60)
    monkeypatch.setattr(builders, "PER_PAGE", 10)
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    total = len(build_report("callcert", as_of=AS_OF, program=program)["agents"])
    pages = -(-total // 10)
    assert pages >= 3
    first = client.get(f"/reports/callcert/?{QUERY}").content.decode()
    assert f"Page 1 of {pages}" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert f"Lines: {total}" in first
    middle = client.get(f"/reports/callcert/?{QUERY}&page=2").content.decode()
    assert 'rel="next"' in middle and 'rel="prev"' in middle and "page=3" in middle
    last = client.get(f"/reports/callcert/?{QUERY}&page={pages}").content.decode()
    assert 'rel="next"' not in last and 'rel="prev"' in last
    csv = client.get(f"/reports/callcert/?{QUERY}&format=csv").content.decode()
    assert len(csv.strip().splitlines()) == total + 1  # the download stays whole


def test_the_api_report_is_a_page_with_its_links_and_totals(program, season, client, monkeypatch):
    season(60)
    monkeypatch.setattr(builders, "PER_PAGE", 10)
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    whole = build_report("callcert", as_of=AS_OF, program=program)
    response = client.get(f"/api/v1/reports/callcert/?{QUERY}&page=2")
    assert response.status_code == 200
    assert response.json()["agents"] == whole["agents"][10:20]
    assert response["X-Total-Count"] == str(len(whole["agents"]))
    assert 'rel="prev"' in response["Link"] and "page=3" in response["Link"]


def _counted(client, url: str):
    """The page's queries once the day is built (on first use), and the page."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _queries(client, url: str) -> int:
    return _counted(client, url)[0]


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_page_takes_the_same_queries_at_two_sizes(program, season, client, name):
    manager, _ = (staff("boss@cxp.example", "ESP Manager"), None)
    client.force_login(manager)
    season(24)
    small = (
        _queries(client, f"/reports/{name}/?{QUERY}"),
        _queries(client, f"/api/v1/reports/{name}/?{QUERY}"),
    )
    season(120, seed=8)
    large = (
        _queries(client, f"/reports/{name}/?{QUERY}"),
        _queries(client, f"/api/v1/reports/{name}/?{QUERY}"),
    )
    assert large == small


# The scope is today's (esp.access.scopes): the day of the report, so that the Cert
# Coordinator's classes in their phase are the report's.
ON_THE_DAY = datetime(2026, 11, 23, 12, tzinfo=ZoneInfo("America/Chicago"))


@pytest.mark.parametrize("name", REPORTS)
def test_a_scoped_report_page_takes_the_same_queries_at_two_sizes(program, season, client, name):
    """Issue 14: "query-count tests for every page in the goal at two season sizes", for the
    readers whose lines are picked by their scope: a TL of classes (every other class) and the
    Cert Coordinator (the classes in call certification, the agents past it not certified).
    The HTML page and the API's page at 120 agents and at 360 take the same queries; each
    reader sees lines of the report at both sizes."""
    counts = []
    with time_machine.travel(ON_THE_DAY, tick=False):
        for agents, seed in ((120, 7), (360, 8)):
            season(agents, seed, paging_tl=True)
            for user in (staff(PAGING_TL, "TL"), staff("cc@cxp.example", "Cert Coordinator")):
                client.force_login(user)
                html, _ = _counted(client, f"/reports/{name}/?{QUERY}")
                api, response = _counted(client, f"/api/v1/reports/{name}/?{QUERY}")
                assert int(response["X-Total-Count"]) > 0, (name, agents, user.email)
                counts.append((agents, user.email, html, api))
    small = [(who, html, api) for agents, who, html, api in counts if agents == 120]
    large = [(who, html, api) for agents, who, html, api in counts if agents == 360]
    assert large == small
