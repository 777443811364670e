"""The selector layer hands the rules exactly what they need: the SQL shortcuts (leaving
out ended and transferred agents) never change a report (R-P3, decisions.md)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.demo.season import generate_season, write_season
from esp.programs.calendars import calendar_for
from esp.progress.selectors import agent_records
from esp.progress.services.activity import import_activity
from esp.reports.builders import REPORTS, build_report
from esp.roster.services import import_classes, import_roster
from esp.rules import reports as rules

AS_OF = date(2026, 11, 23)


@pytest.fixture
def season(program, tmp_path):
    def load(agents: int):
        season = generate_season(as_of=AS_OF, agents=agents, seed=7, calendar=calendar_for(program))
        paths = write_season(season, tmp_path / f"season{agents}")
        import_classes(paths["classes"])
        import_roster(paths["roster"])
        import_activity(paths["activity"])
        return season

    return load


@pytest.mark.parametrize("name", REPORTS)
def test_reports_from_the_database_equal_the_rules_over_every_agent(program, season, name):
    season(72)
    policy, calendar = program.policy(), calendar_for(program)
    for as_of in (AS_OF - timedelta(days=30), AS_OF - timedelta(days=9), AS_OF):
        everyone = agent_records(program, as_of)
        expected = rules.BUILDERS[name](everyone, rules.Context(policy, calendar, as_of))
        assert build_report(name, as_of=as_of, program=program) == expected


def test_the_number_of_queries_does_not_grow_with_the_number_of_agents(program, season):
    # each time a fresh instance, as a request has, its policy read first: the policy is
    # kept in the process per settings version (whoever read it last, e.g. an import's
    # settle, esp.progress.services.settled), so only the report's own queries are counted
    season(24)
    program.refresh_from_db()
    program.policy()
    with CaptureQueriesContext(connection) as small:
        build_report("incompletions", as_of=AS_OF, program=program)
    season(96)
    program.refresh_from_db()
    program.policy()
    with CaptureQueriesContext(connection) as large:
        build_report("incompletions", as_of=AS_OF, program=program)
    assert len(large) == len(small)


def test_a_class_filter_keeps_only_that_class(program, season):
    generated = season(48)
    code = generated.classes[-1]["class_code"]
    report = build_report("callcert", as_of=AS_OF, class_code=code, program=program)
    members = {r["employee_id"] for r in generated.roster if r["class_code"] == code}
    moved_out = {
        r["employee_id"] for r in generated.activity if r["kind"] == "move" and r["item"] != code
    }
    assert {a["employee_id"] for a in report["agents"]} <= members | {
        r["employee_id"] for r in generated.activity if r["kind"] == "move" and r["item"] == code
    }
    assert not ({a["employee_id"] for a in report["agents"]} & (moved_out - members))
