"""Issue 14 item 2: the report pages and the API's reports page in SQL, 100 lines a page,
with the totals by section; the pages together are the whole report the user may read, and
the number of queries of a page does not grow with the season."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.demo.season import generate_season, write_season
from esp.programs.calendars import calendar_for
from esp.progress.services.activity import import_activity
from esp.reports import builders
from esp.reports.builders import REPORTS, build_report, report_page, scoped_report
from esp.roster.models import TrainingClass
from esp.roster.services import import_classes, import_roster
from tests.web_support import staff

AS_OF = date(2026, 11, 23)
QUERY = "as_of=2026-11-23"


@pytest.fixture
def season(program, tmp_path):
    def load(agents: int, seed: int = 7):
        generated = generate_season(
            as_of=AS_OF, agents=agents, seed=seed, calendar=calendar_for(program)
        )
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
    manager = staff("boss@cxp.example", "ESP Manager")
    tl = TrainingClass.objects.exclude(tls=None).order_by("code").first().tls.first()
    return manager, tl


@pytest.mark.parametrize("name", REPORTS)
def test_the_pages_together_are_the_whole_report_and_the_totals_count_it(program, season, name):
    season(60)
    for user in readers():
        whole = scoped_report(user, build_report(name, as_of=AS_OF, program=program))
        first = report_page(name, as_of=AS_OF, user=user, program=program, per_page=7)
        pages, lines = first["pages"], []
        assert first["total"] == sum(first["totals"].values()) == len(body(whole))
        if name == "incompletions":
            assert first["totals"] == {s["key"]: len(s["agents"]) for s in whole["sections"]}
        for number in range(1, pages + 1):
            page = report_page(
                name, as_of=AS_OF, user=user, program=program, page=number, per_page=7
            )
            assert page["page"] == number and page["totals"] == first["totals"]
            assert len(body(page["report"])) == (
                7 if number < pages else first["total"] - 7 * (pages - 1)
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
        assert lines == body(whole), (name, user)
        beyond = report_page(name, as_of=AS_OF, user=user, program=program, page=999, per_page=7)
        assert beyond["page"] == pages  # the last page, not an error


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


def _queries(client, url: str) -> int:
    client.get(url)  # the day is built on first use
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


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
