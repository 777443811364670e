"""Issue 17 item 1: the report pages read as people write: agents by name linked to their page,
column and section titles in words, dates as MM/DD/YYYY, no raw keys; the downloads stay §15's."""

import re

import pytest

from esp.reports.builders import REPORTS, build_report
from esp.reports.render import to_csv
from esp.roster.models import Agent, TrainingClass
from tests.reports.test_report_paging import AS_OF, QUERY, season  # noqa: F401
from tests.web_support import staff

RAW_KEYS = (
    "employee_id",
    "age_business_days",
    "threshold_days",
    "ahip_carrier",
    "producer_world",
    "transfer_needed",
    "written_cap",
    "final_cap",
    "in_progress",
    "class_spin_up",
    "uptraining_class",
    "calls_scored",
    "scorecard_name",
    "absent_approved",
    "left_early",
)
HEADERS = {
    "incompletions": ("Agent", "Site", "TL", "Age (business days)", "Latest note"),
    "actions": ("Agent", "Ladder", "Step", "Due on", "Status"),
    "callcert": ("Agent", "Calls scored", "Calls passed", "Pass rate", "Scorecard"),
    "extensions": ("Class", "Procedure", "Agents"),
    "attendance": ("Agent", "Points (90 days)", "Occurrences"),
}


def visible_text(html: str) -> str:
    main = html.split("<main", 1)[-1]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


def employee_ids(report: dict) -> list[str]:
    if "sections" in report:
        return [a["employee_id"] for s in report["sections"] for a in s["agents"]]
    if "classes" in report:
        return [e for c in report["classes"] for e in c["employee_ids"]]
    return [a["employee_id"] for a in report.get("actions", report.get("agents", []))]


def readers():
    tl = TrainingClass.objects.exclude(tls=None).order_by("code").first().tls.first()
    return staff("boss@cxp.example", "ESP Manager"), staff(tl.email, "TL")


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_page_shows_names_words_and_us_dates(program, season, client, name):  # noqa: F811
    season(120, seed=8)
    whole = build_report(name, as_of=AS_OF, program=program)
    ids = employee_ids(whole)
    assert ids, name  # the season has lines for every report
    for first, user in zip((True, False), readers()):
        client.force_login(user)
        html = client.get(f"/reports/{name}/?{QUERY}").content.decode()
        text = visible_text(html)
        for header in HEADERS[name]:
            assert f">{header}" in html, (name, header)
        shown = re.findall(r'href="/agents/([^/"]+)/">([^<]+)</a>', html)
        assert shown or not first, (name, user)
        for employee_id, agent_name in shown[:20]:
            agent = Agent.objects.get(employee_id=employee_id)
            assert agent_name == f"{agent.first_name} {agent.last_name}"
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), name
        for key in RAW_KEYS:
            assert key not in text, (name, key)
        assert "11/23/2026" in text


def test_the_incompletions_page_has_titled_sections_and_the_r_i2_columns(
    program,
    season,  # noqa: F811
    client,
):
    season(120, seed=8)
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    html = client.get(f"/reports/incompletions/?{QUERY}").content.decode()
    assert "AHIP / Aetna certification — 4+ business days" in html
    assert "Producer World registration — 1+ business days" in html
    assert re.search(r"<td>\d\d/\d\d/\d{4} - [^<]+ - [^<]+</td>", html)  # a latest note


def test_the_attendance_page_shows_each_occurrences_own_points(program, season, client):  # noqa: F811
    season(120, seed=8)
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    html = client.get(f"/reports/attendance/?{QUERY}").content.decode()
    assert re.search(r"\d\d/\d\d/\d{4} [A-Z][^<]* — [\d.]+ pt", html)
    # the page's count of lines is the report's (an agent each), not its occurrences' rows
    lines = re.search(r"<p>(\d+) lines?", html).group(1)
    total = re.search(r"<li>[^<]*: (\d+)</li>", html).group(1)
    assert lines == total, (lines, total)


@pytest.mark.parametrize("name", REPORTS)
def test_the_downloads_keep_the_section_15_columns(program, season, client, name):  # noqa: F811
    season(24)
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    csv = client.get(f"/reports/{name}/?{QUERY}&format=csv").content.decode()
    assert csv == to_csv(build_report(name, as_of=AS_OF, program=program))
    assert "employee_id" in csv.splitlines()[0]


TBT_PAGES = {
    "/tbt/summaries/callcert/": ("Class", "Calls scored", "Call pass rate", "Agents passed"),
    "/tbt/summaries/tbt-completion/": ("Agent", "Courses done", "All TBTs done", "Behind pace"),
    "/tbt/behind-pace/": ("Agent", "Courses done", "Behind pace"),
    "/tbt/searched-by-course/": ("Agent", "Accepted on", "Reviewed by"),
    "/tbt/escalations/": ("Agent", "N number", "Requested on", "Escalate on", "Call date"),
    "/licensing-pace/": (),  # nobody in licensing on 11/23: no table, the text is checked
}


@pytest.mark.parametrize("path", TBT_PAGES)
def test_the_tbt_and_pace_pages_show_names_words_and_us_dates(program, season, client, path):  # noqa: F811
    season(120, seed=8)
    client.force_login(staff("boss@cxp.example", "ESP Manager"))
    html = client.get(f"{path}?{QUERY}").content.decode()
    text = visible_text(html)
    for header in TBT_PAGES[path]:
        assert f">{header}</th>" in html, (path, header)
    for employee_id, agent_name in re.findall(r'href="/agents/([^/"]+)/">([^<]+)</a>', html)[:20]:
        agent = Agent.objects.get(employee_id=employee_id)
        assert agent_name == f"{agent.first_name} {agent.last_name}"
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), path
    for key in (*RAW_KEYS, "courses_done", "behind_pace", "requested_on", "n_number", "True"):
        assert key not in text, (path, key)
    if path == "/tbt/escalations/":
        assert re.search(r"<td>\d\d/\d\d/\d{4}</td>", html)
