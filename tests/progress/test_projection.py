"""Issue 14: the read model of the reports equals the rules, whatever the writes.

The lines are built for several as-of days, then writes go through the services; every
built day of every report, read from the table, equals the rules over the facts
(`agent_records` + `rules.BUILDERS`). The random sequences of writes (moves, re-scores,
corrections, deletions, imports after writes) are in test_projection_sequences.py, which
uses this module's days, clock, writes and check.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from esp.demo.season import generate_season, write_season
from esp.lib import clock
from esp.programs.calendars import calendar_for
from esp.progress.line_reads import agents_version
from esp.progress.models import Fact, ReportDay, ReportLine
from esp.progress.selectors import agent_records, line_rows, lines_of
from esp.progress.services import activity, fact_record, flag_record, projection
from esp.progress.services.activity import import_activity
from esp.reports.builders import REPORTS, build_report
from esp.roster.models import Agent, TrainingClass
from esp.roster.services import import_classes, import_roster
from esp.rules import report_lines
from esp.rules import reports as rules
from esp.rules.report_lines import BUILT, KINDS, TODAY, assemble, report_from_records

AS_OF = date(2026, 11, 23)
DAYS = (AS_OF - timedelta(days=9), AS_OF - timedelta(days=2), AS_OF)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Built days older than the window are dropped: the tests' days stay in it."""
    monkeypatch.setattr(clock, "now", lambda time_zone="America/Chicago": NOW)
    monkeypatch.setattr(clock, "today", lambda time_zone="America/Chicago": NOW.date())


@pytest.fixture
def season(program, tmp_path):
    generated = generate_season(as_of=AS_OF, agents=20, seed=11, calendar=calendar_for(program))
    paths = write_season(generated, tmp_path / "season")
    import_classes(paths["classes"])
    import_roster(paths["roster"])
    import_activity(paths["activity"])
    return generated


def expected(program, name: str, as_of: date) -> dict:
    records = agent_records(program, as_of)
    return rules.BUILDERS[name](
        records, rules.Context(program.policy(), calendar_for(program), as_of)
    )


def today_from_the_table(program, as_of: date) -> dict:
    ctx = rules.Context(program.policy(), calendar_for(program), as_of)
    return assemble(TODAY, lines_of(line_rows(program, as_of, TODAY)), ctx)


def today_from_the_rules(program, as_of: date) -> dict:
    """The Today lines (flight, done, flags, proctored) computed from the facts."""
    records = agent_records(program, as_of, kinds=KINDS[TODAY])
    ctx = rules.Context(program.policy(), calendar_for(program), as_of)
    return report_from_records(TODAY, records, ctx)


def assert_lines_equal_the_rules(program) -> None:
    built = set(ReportDay.objects.values_list("as_of", "report"))
    assert built == {(day, name) for day in DAYS for name in BUILT}
    for as_of in DAYS:
        for name in REPORTS:
            assert build_report(name, as_of=as_of, program=program) == expected(
                program, name, as_of
            ), (name, as_of)
        assert today_from_the_table(program, as_of) == today_from_the_rules(program, as_of)
    # nothing was rebuilt: the writes kept the lines current
    assert set(ReportDay.objects.values_list("as_of", "report")) == built


def build_days(program) -> None:
    for as_of in DAYS:
        for name in REPORTS:
            build_report(name, as_of=as_of, program=program)
        projection.ensure_day(program=program, as_of=as_of, report=TODAY, now=NOW)


def test_the_lines_put_together_are_the_builders_reports(program, season):
    for as_of in DAYS:
        records = agent_records(program, as_of)
        ctx = rules.Context(program.policy(), calendar_for(program), as_of)
        for name in REPORTS:
            assert report_from_records(name, records, ctx) == rules.BUILDERS[name](records, ctx)


def _write(program, season, step) -> None:
    kind, pick, offset, template = step
    agents = list(Agent.objects.order_by("pk"))
    agent = agents[pick % len(agents)]
    day = AS_OF - timedelta(days=offset)
    if kind == "flag":  # R-N4b: raised and resolved, on Today's flag list
        action = "resolved" if pick % 3 == 0 else "raised"
        flag = ("needs_release", "cannot_sell")[pick % 2]
        try:
            flag_record(agent=agent, action=action, flag=flag, day=day, actor=None)
        except ValidationError:
            pass
        return
    if kind == "self_report":  # R-N5: on a built day, off Today's "no self-report" list
        day = DAYS[pick % len(DAYS)]
        fact_record(
            agent=agent,
            day=day,
            kind="self_report",
            item="",
            value="",
            note="Done: TBTs.",
            by="Agent",
            actor=None,
        )
        return
    if kind == "rename":
        agent.last_name = f"{agent.last_name}x"
        agent.save()
        return
    row = season.activity[template % len(season.activity)]
    if row["kind"] in ("move", "note", "self_report", "n_number", "flag"):
        return
    try:
        fact_record(
            agent=agent,
            day=day,
            kind=row["kind"],
            item=row["item"],
            value=row["value"],
            by="Hypothesis",
            actor=None,
            source="test",
        )
    except ValidationError:  # e.g. a task that needs its proof: nothing written
        pass


def test_an_activity_import_after_writes_refreshes_the_agents_it_touched(
    program, season, tmp_path, write
):
    build_days(program)
    agents = list(Agent.objects.order_by("pk")[:3])
    for number in range(len(agents)):
        _write(program, season, ("fact", number, number, number * 7))
    lines = ["date,employee_id,kind,item,value,by,note"]
    for agent in agents:
        lines.append(f"{DAYS[0]},{agent.employee_id},status,employment,termed,HR,")
        lines.append(f"{DAYS[1]},{agent.employee_id},task,producer_world,done,TL,")
    import_activity(write("\n".join(lines)))
    assert_lines_equal_the_rules(program)


def test_a_class_change_drops_the_program_days_and_they_are_built_again(program, season):
    build_days(program)
    training_class = TrainingClass.objects.order_by("pk").first()
    phase = training_class.phase_starts.order_by("pk").first()
    phase.start_date -= timedelta(days=3)
    phase.save()
    assert not ReportDay.objects.exists() and not ReportLine.objects.exists()
    for name in REPORTS:
        assert build_report(name, as_of=AS_OF, program=program) == expected(program, name, AS_OF)


def test_agents_added_in_bulk_are_seen_on_the_next_read(program, season, write):
    build_days(program)
    home = TrainingClass.objects.order_by("pk").first()
    Agent.objects.bulk_create(
        [Agent(employee_id="NEW1", first_name="Nia", last_name="New", training_class=home)]
    )
    for name in REPORTS:
        assert build_report(name, as_of=AS_OF, program=program) == expected(program, name, AS_OF)


def test_agents_deleted_in_bulk_are_gone_on_the_next_read(program, season):
    build_days(program)
    Agent.objects.filter(pk__in=Agent.objects.order_by("pk").values("pk")[:3]).delete()
    assert_lines_equal_the_rules(program)


def test_every_statement_writing_agents_moves_their_version_whoever_writes(program, season):
    """The database's triggers move it: an ORM bulk insert (no signal), a raw DELETE."""
    home = TrainingClass.objects.order_by("pk").first()
    before = agents_version()
    Agent.objects.bulk_create(
        [
            Agent(employee_id=f"NEW{n}", first_name="Nia", last_name="New", training_class=home)
            for n in range(3)
        ]
    )
    added = agents_version()
    assert added > before
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM roster_agent WHERE employee_id = %s", ["NEW0"])
    assert agents_version() > added


def test_a_built_day_is_checked_fresh_in_one_query(program, season, django_assert_num_queries):
    build_days(program)
    ctx = rules.Context(program.policy(), calendar_for(program), AS_OF)
    with django_assert_num_queries(1):
        projection.ensure_days(program=program, as_of=AS_OF, reports=REPORTS, now=NOW, ctx=ctx)
    assert projection.ensure_days(program=program, as_of=AS_OF, reports=(), now=NOW) == []


def test_days_built_by_older_rules_are_built_again_after_an_upgrade(program, season, monkeypatch):
    """A rule change ships with a new RULES_VERSION: yesterday's stored lines are not read."""
    build_days(program)
    ReportLine.objects.all().delete()  # what the older rules stored, now gone from the day
    monkeypatch.setattr(report_lines, "RULES_VERSION", report_lines.RULES_VERSION + 1)
    projection._digest.cache_clear()
    for name in REPORTS:
        assert build_report(name, as_of=AS_OF, program=program) == expected(program, name, AS_OF)


def test_esp_rebuild_recomputes_the_days_built(program, season, esp):
    build_days(program)
    ReportLine.objects.all().delete()  # e.g. a restore without them
    code, out, err = esp("rebuild")
    assert code == 0, err
    assert f"{len(DAYS) * len(BUILT)} report days rebuilt" in out
    assert_lines_equal_the_rules(program)
    code, out, _ = esp("rebuild", "--as-of", "2026-11-20")
    assert code == 0 and f"{len(BUILT)} report days rebuilt" in out


def test_an_import_touching_many_agents_drops_the_days_instead(program, season, write, monkeypatch):
    build_days(program)
    monkeypatch.setattr(projection, "REFRESH_MAX", 2)
    agents = list(Agent.objects.order_by("pk")[:3])
    lines = ["date,employee_id,kind,item,value,by,note"]
    lines += [f"{DAYS[1]},{a.employee_id},task,producer_world,done,TL," for a in agents]
    import_activity(write("\n".join(lines)))
    assert not ReportDay.objects.exists()
    for name in REPORTS:
        assert build_report(name, as_of=AS_OF, program=program) == expected(program, name, AS_OF)


def test_the_worker_builds_each_programs_day_once_it_begins(program, season):
    """Issue 14: a worker round builds the program's reports of its today (in its time zone),
    so that the first page of the morning reads them; the next rounds build nothing."""
    from esp.mailing.runs import run_chores

    just_after_midnight = datetime(2026, 11, 24, 0, 5, tzinfo=ZoneInfo("America/Chicago"))
    assert projection.build_today(now=just_after_midnight) == len(BUILT)
    built = set(ReportDay.objects.values_list("as_of", "report", "built_at"))
    assert {(as_of, name) for as_of, name, _ in built} == {
        (date(2026, 11, 24), name) for name in BUILT
    }
    run_chores(now=just_after_midnight + timedelta(seconds=30))
    assert projection.build_today(now=just_after_midnight + timedelta(minutes=1)) == 0
    assert set(ReportDay.objects.values_list("as_of", "report", "built_at")) == built


def _last_analyze(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_the_planner_learns_a_days_lines_once_it_is_built(program, season, monkeypatch):
    """PostgreSQL plans with what its last ANALYZE saw: a day's new lines, unseen, made the
    Manager's Today 4× slower until autovacuum came by (issue 14)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's statistics are ratios a new day does not change")
    monkeypatch.setattr(projection, "ANALYZE_AFTER", 1)  # the test season's day is small
    before = _last_analyze(ReportLine._meta.db_table)
    just_after_midnight = datetime(2026, 11, 24, 0, 5, tzinfo=ZoneInfo("America/Chicago"))
    assert projection.build_today(now=just_after_midnight) == len(BUILT)
    after = _last_analyze(ReportLine._meta.db_table)
    assert after is not None and (before is None or after > before)


def test_an_import_tells_the_planner_its_facts_before_reading_them_back(
    program, tmp_path, monkeypatch
):
    """Into a new database, a season's facts were read back for their lines and marks with
    plans made for an empty fact table: 17.8 s of a 49 s import (issue 14). The copy's own
    transaction analyzes the fact table before the lines are computed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps its statistics as they were; its write lock is not held longer")
    monkeypatch.setattr(activity, "ANALYZE_AFTER", 5)  # the test season is small
    known = []
    refresh = activity.projection.refresh

    def counted_then_refresh(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [Fact._meta.db_table]
            )
            known.append(cursor.fetchone()[0])
        return refresh(**kwargs)

    monkeypatch.setattr(activity.projection, "refresh", counted_then_refresh)
    generated = generate_season(as_of=AS_OF, agents=20, seed=11, calendar=calendar_for(program))
    paths = write_season(generated, tmp_path / "season")
    import_classes(paths["classes"])
    import_roster(paths["roster"])
    created = import_activity(paths["activity"]).created
    assert known == [created]  # what the planner knows as the lines are computed: every fact
