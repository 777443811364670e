"""Licensing pace (R-I1b) read from the read model (issue 14): the Licensing Today list and the
/pace/behind/ page read the day's `pace` lines the rules built, a tick on the grid refreshes
the agent's lines in its own transaction, and the pages cost as many queries for 15 agents as
for 3. The scenario is tests/pace/test_pace.py's: LIC-A on licensing day 3 (Friday 11/27/2026),
E203's AHIP done."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esp.lib import clock
from esp.pace import selectors
from esp.pace.models import PaceModule
from esp.pace.services import module_progress_set
from esp.progress.models import ReportDay, ReportLine
from esp.roster.models import Agent
from esp.roster.roles import LICENSING
from esp.rules.report_lines import TODAY
from esp.web.sections import basis, queues
from tests.pace.test_pace import AHIP_1_TO_4, FRIDAY, ROSTER, record, scenario, sign_in

__all__ = ["scenario"]  # the fixture


def behind_on_today(client) -> str:
    page = client.get(reverse("web:today")).content.decode()
    return page[page.index('id="pace-behind"') : page.index("The pace list and the quick grids")]


def test_a_tick_on_the_grid_takes_the_agent_off_the_licensing_today_list(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    block = behind_on_today(client)
    assert "Behind the licensing pace (2)" in block
    assert "Ann Able</a> (E201), LIC-A, licensing day 3: missing AHIP module 1" in block
    built = set(ReportDay.objects.filter(report=TODAY).values_list("as_of", "built_at"))

    record(client, "E201", AHIP_1_TO_4)  # the grid's POST: one transaction, lines included
    line = ReportLine.objects.get(report=TODAY, section="pace", employee_id="E201")
    assert (line.state, line.payload) == ("", '{"licensing_day":3,"missing":""}')
    block = behind_on_today(client)
    assert "Behind the licensing pace (1)" in block and "Ann Able" not in block
    assert "Bob Baker</a> (E202), LIC-A, licensing day 3: missing AHIP module 1" in block
    # refreshed in the write's transaction, not built again on the next read
    assert set(ReportDay.objects.filter(report=TODAY).values_list("as_of", "built_at")) == built


def test_undoing_a_tick_puts_the_agent_back_on_the_list(scenario, client):
    user = sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E202", AHIP_1_TO_4)
    record(client, "E201", AHIP_1_TO_4)
    assert "Behind the licensing pace (0)" in behind_on_today(client)
    agent = Agent.objects.get(employee_id="E202")
    module = PaceModule.objects.get(key="ahip_2")
    module_progress_set(agent=agent, module=module, done=False, day=FRIDAY, actor=user)
    block = behind_on_today(client)
    assert "Bob Baker</a> (E202), LIC-A, licensing day 3: missing AHIP module 2" in block


def test_the_behind_page_reads_the_same_lines_as_the_list_computed_from_the_facts(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E202", ("ahip_1", "ahip_2"))
    for day in (date(2026, 11, 24), FRIDAY, date(2026, 11, 30), date(2026, 12, 1)):
        from_lines = selectors.pace_page_lines(scenario, day, now=clock.now())
        computed = selectors.pace_lines(scenario, day)[1]
        keys = ("class_code", "employee_id", "name", "licensing_day", "missing", "behind")
        assert [{k: line[k] for k in keys} for line in from_lines] == [
            {k: line[k] for k in keys} for line in computed
        ], day


def more_agents(esp, write, n: int) -> None:
    more = "\n".join(
        f"E4{k:02d},New,Agent{k},n{k}@cxp.example,n{k}@mail.example,LIC-A" for k in range(n)
    )
    code, _, err = esp("import", "roster", write(ROSTER.strip() + "\n" + more + "\n", "r2.csv"))
    assert code == 0, err


def queries(client, url: str) -> int:
    client.get(url)  # the day built, the per-process caches warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_licensing_today_and_the_behind_page_cost_as_many_queries_for_15_agents_as_for_3(
    scenario, client, esp, write
):
    sign_in(client, "licensing@cxp.example", LICENSING)
    today, behind = reverse("web:today"), reverse("pace:behind")
    few = queries(client, today), queries(client, behind)
    more_agents(esp, write, 12)
    assert "Behind the licensing pace (14)" in behind_on_today(client)
    assert (queries(client, today), queries(client, behind)) == few


def test_the_today_section_is_one_query(scenario, client):
    user = sign_in(client, "licensing@cxp.example", LICENSING)
    base = basis(user, scenario, FRIDAY, clock.now())
    with CaptureQueriesContext(connection) as captured:
        section = queues.licensing_pace(base)
    assert len(captured) == 1
    assert [item["employee_id"] for item in section.pace_behind.items] == ["E201", "E202"]
