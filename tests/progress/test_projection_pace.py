"""Issue 14, R-I1b: the read model's pace lines equal the rules, whatever the writes.

A season whose classes are in their licensing phase on the days built (Wednesday 11/18,
Friday 11/20 and Monday 11/23/2026), with the default pace table. Random writes go through
the services — module ticks and un-ticks (one cell, or a grid save), task statuses (the AHIP
and carrier certifications satisfy modules), employment changes and moves — and after each
sequence every built day's Today lines equal the rules over the facts and the ticks, and
their `pace` section says what the pace list computed from the facts says (`pace_lines`).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esp.demo.season import generate_season, write_season
from esp.lib import clock
from esp.pace import selectors as pace
from esp.pace.defaults import load_default_pace
from esp.pace.models import ModuleProgress, PaceModule
from esp.pace.services import CellChange, grid_save, module_progress_set
from esp.programs.calendars import calendar_for
from esp.progress.models import ReportDay
from esp.progress.selectors import agent_records, line_rows, lines_of
from esp.progress.services import agent_class_move, fact_record, projection
from esp.progress.services.activity import import_activity
from esp.roster.models import Agent, TrainingClass
from esp.roster.services import import_classes, import_roster
from esp.rules.report_lines import KINDS, TODAY, assemble, report_from_records
from esp.rules.reports import Context

AS_OF = date(2026, 11, 23)
DAYS = (date(2026, 11, 18), date(2026, 11, 20), AS_OF)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda time_zone="America/Chicago": NOW)
    monkeypatch.setattr(clock, "today", lambda time_zone="America/Chicago": NOW.date())


@pytest.fixture
def season(program, tmp_path):
    """Classes 3, 5 and 8 business days old on 11/23: each in licensing on one of the days."""
    load_default_pace(program)
    generated = generate_season(
        as_of=AS_OF,
        agents=18,
        seed=7,
        calendar=calendar_for(program),
        agents_per_class=6,
        class_ages=(3, 5, 8),
    )
    paths = write_season(generated, tmp_path / "season")
    import_classes(paths["classes"])
    import_roster(paths["roster"])
    import_activity(paths["activity"])
    return generated


def today_from_the_table(program, as_of: date) -> dict:
    ctx = Context(program.policy(), calendar_for(program), as_of, pace=pace.pace_table(program))
    return assemble(TODAY, lines_of(line_rows(program, as_of, TODAY)), ctx)


def today_from_the_rules(program, as_of: date) -> dict:
    """The Today lines computed from the facts, the grid's ticks and the pace table."""
    ctx = Context(program.policy(), calendar_for(program), as_of, pace=pace.pace_table(program))
    ticks = pace.module_facts(program, as_of, list(Agent.objects.values_list("pk", flat=True)))
    records = [
        dataclasses.replace(r, facts=tuple(sorted((*r.facts, *ticks.get(r.employee_id, ())))))
        for r in agent_records(program, as_of, kinds=KINDS[TODAY])
    ]
    return report_from_records(TODAY, records, ctx)


def pace_from_the_table(program, as_of: date) -> list[tuple]:
    return [
        (line.class_code, line.employee_id, *line.payload.values(), line.state == "behind")
        for line in lines_of(line_rows(program, as_of, TODAY, section="pace"))
    ]


def pace_from_the_list(program, as_of: date) -> list[tuple]:
    """What the pace list computes from the facts (the agents of the classes under way)."""
    return [
        (line["class_code"], line["employee_id"], line["licensing_day"], line["missing"],
         line["behind"])
        for line in pace.pace_lines(program, as_of)[1]
    ]  # fmt: skip


def assert_pace_lines_equal_the_rules(program) -> None:
    built = set(ReportDay.objects.values_list("as_of", "report"))
    for as_of in DAYS:
        assert today_from_the_table(program, as_of) == today_from_the_rules(program, as_of)
        assert pace_from_the_table(program, as_of) == pace_from_the_list(program, as_of), as_of
    assert set(ReportDay.objects.values_list("as_of", "report")) == built  # nothing rebuilt


def build_days(program) -> None:
    for as_of in DAYS:
        projection.ensure_day(program=program, as_of=as_of, report=TODAY, now=NOW)


def test_every_day_built_has_agents_in_licensing_some_behind(program, season):
    build_days(program)
    for as_of in DAYS:
        lines = pace_from_the_table(program, as_of)
        assert lines, as_of
        assert lines == pace_from_the_list(program, as_of)
    assert any(line[-1] for line in pace_from_the_table(program, AS_OF))


def _tick(agent, step, done: bool) -> None:
    modules = list(PaceModule.objects.filter(task_only=False).order_by("order"))
    module = modules[step[1] % len(modules)]
    day = DAYS[step[2] % len(DAYS)]
    if step[0] == "grid":  # several cells of the agent at once, as the grid's POST
        changes = []
        for m in modules[: 1 + step[1] % len(modules)]:
            row = ModuleProgress.objects.filter(agent=agent, module=m).first()
            was = row is not None and row.done_on is not None and row.done_on <= day
            changes.append(CellChange(agent, m, done, was))
        grid_save(changes=changes, day=day, actor=None, now=NOW)
        return
    module_progress_set(agent=agent, module=module, done=done, day=day, actor=None, now=NOW)


def _write(step) -> None:
    kind, pick, offset = step
    agents = list(Agent.objects.order_by("pk"))
    agent = agents[pick % len(agents)]
    day = DAYS[offset % len(DAYS)]
    try:
        if kind in ("tick", "grid", "untick"):
            _tick(agent, step, done=kind != "untick")
        elif kind == "task":  # the AHIP or carrier certification: modules done by their task
            item = ("ahip", "carrier_cert")[pick % 2]
            value = ("not_applicable", "in_progress", "done")[offset % 3]
            fact_record(agent=agent, day=day, kind="task", item=item, value=value, actor=None)
        elif kind == "status":
            value = ("termed", "active")[offset % 2]
            fact_record(
                agent=agent, day=day, kind="status", item="employment", value=value, actor=None
            )
        else:
            codes = sorted(TrainingClass.objects.values_list("code", flat=True))
            agent_class_move(
                agent=agent, to_class=codes[pick % len(codes)], day=day, reason="t", actor=None,
                now=NOW,
            )  # fmt: skip
    except ValidationError:  # e.g. a task that needs its proof, a move to the same class
        pass


STEPS = st.lists(
    st.tuples(
        st.sampled_from(["tick", "tick", "grid", "untick", "task", "status", "move"]),
        st.integers(0, 10_000),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_pace_writes_keep_every_built_day_equal_to_the_rules(program, season, steps):
    """The examples run one after the other on the same database, each adding to the last."""
    if not ReportDay.objects.exists():
        build_days(program)
    for step in steps:
        _write(step)
    assert_pace_lines_equal_the_rules(program)


def test_a_change_to_the_pace_table_drops_the_days_and_they_are_built_again(program, season):
    build_days(program)
    module = PaceModule.objects.get(key="ahip_3")
    module.due_by = module.due_by + 1
    module.save()
    assert not ReportDay.objects.exists()
    build_days(program)
    assert_pace_lines_equal_the_rules(program)
