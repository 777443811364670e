"""Licensing pace reads (R-I1b): the pace table, each agent's progress → the pure rule → lines.

Every function takes the program, the as-of date and optionally `agent_ids` (a queryset of
agent pks the reader may see); each returns plain dicts a page, CSV or e-mail renders.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict
from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery

from esp.access import scopes
from esp.access.writes import may_write
from esp.lib import compiled
from esp.programs.calendars import calendar_for
from esp.programs.models import Phase, Program
from esp.progress.models import Fact as FactRow
from esp.progress.models import ReportLine
from esp.progress.selectors import agent_records
from esp.progress.services import projection
from esp.roster.models import Agent, ClassPhase
from esp.rules import pace as rules
from esp.rules.exams import last_attempts_to_arrange, same_day_repeats
from esp.rules.progress import AgentProgress
from esp.rules.records import Fact
from esp.rules.report_lines import TODAY, TODAY_SECTIONS

from .models import ModuleProgress, PaceModule, ProctoredArrangement

PACE_KINDS = ("task", "status", "move")


def pace_phase(program: Program) -> Phase | None:
    """The phase the program's pace table paces (the first one with modules)."""
    return (
        Phase.objects.filter(program=program, pace_modules__isnull=False)
        .order_by("order")
        .distinct()
        .first()
    )


def pace_modules(phase: Phase | None) -> list[PaceModule]:
    if phase is None:
        return []
    return list(phase.pace_modules.order_by("order", "pk"))


def phase_days(phase: Phase) -> int | None:
    """Business days the phase occupies: ceil of its length (§3: 3.5 → 4)."""
    return max(1, math.ceil(phase.length)) if phase.length is not None else None


def in_phase_window(phase: Phase, as_of: date, calendar, agent_ids=None):
    """The pks of the agents who may be in `phase` on D, as a subquery: those of the classes
    whose start of the phase lies in the window of a phase under way on D, or moved (on or
    before D) into such a class. A superset: the pure rule decides for each agent."""
    starts = ClassPhase.objects.filter(phase=phase, start_date__lte=as_of)
    after = rules.started_after(as_of=as_of, phase_days=phase_days(phase), calendar=calendar)
    if after is not None:
        starts = starts.filter(start_date__gt=after)
    moved_in = FactRow.objects.filter(
        kind="move",
        date__lte=as_of,
        item__in=starts.values("training_class__code"),
    ).values("agent_id")
    agents = Agent.objects.filter(
        Q(training_class__in=starts.values("training_class")) | Q(pk__in=moved_in)
    )
    if agent_ids is not None:
        agents = agents.filter(pk__in=agent_ids)
    return agents.values("pk")


def pace_table(program: Program) -> rules.PaceTable | None:
    """The program's pace table as the rules read it (R-I1b), in one query: the first phase
    (by order) with modules, and its modules in table order. None: the program has none."""
    modules = list(
        PaceModule.objects.filter(phase__program=program)
        .select_related("phase")
        .order_by("phase__order", "phase_id", "order", "pk")
    )
    if not modules:
        return None
    phase = modules[0].phase
    return _table(phase, [m for m in modules if m.phase_id == phase.pk])


def _table(phase: Phase, modules: list[PaceModule]) -> rules.PaceTable:
    return rules.PaceTable(
        phase=phase.key,
        phase_days=phase_days(phase),
        modules=tuple(
            rules.PaceModuleRule(m.key, m.name, m.due_by, m.satisfied_by_task, m.task_only)
            for m in modules
        ),
    )


def module_facts(program: Program, as_of: date, agent_ids=None) -> dict[str, list[Fact]]:
    """The grid's ticks dated on or before D, as facts of the agents' records (kind
    `rules.MODULE`, by employee id): of `agent_ids` (pks), else of the agents who may be in
    the paced phase on D (`in_phase_window`, a superset). One query (two with the window)."""
    phase = pace_phase(program) if agent_ids is None else None
    ticks = ModuleProgress.objects.filter(
        module__phase__program=program, done_on__isnull=False, done_on__lte=as_of
    )
    if agent_ids is not None:
        ticks = ticks.filter(agent_id__in=list(agent_ids))
    elif phase is None:
        return {}
    else:
        window = in_phase_window(phase, as_of, calendar_for(program))
        ticks = ticks.filter(module__phase=phase, agent_id__in=window)
    return _tick_facts(ticks)


def _tick_facts(ticks) -> dict[str, list[Fact]]:
    found: dict[str, list[Fact]] = defaultdict(list)
    rows = ticks.values_list("agent__employee_id", "pk", "module__key", "done_on")
    for employee_id, pk, key, day in rows.order_by("agent_id", "done_on", "pk"):
        found[employee_id].append(Fact(day, pk, rules.MODULE, key))
    return found


def read_model_part(program: Program, as_of: date, agent_ids=None) -> tuple[dict, dict]:
    """The pace app's part of the read model (esp.progress.hooks.read_model_parts): the pace
    table in the rules' context, and the ticks in the agents' records."""
    table = pace_table(program)
    if table is None:
        return {}, {}
    return {"pace": table}, module_facts(program, as_of, agent_ids)


def _pace_line(record, code: str, pace: rules.AgentPace, table: rules.PaceTable) -> dict:
    status = pace.status
    return {
        "class_code": code,
        "employee_id": record.employee_id,
        "name": record.name,
        "licensing_day": status.day,
        "phase_start": pace.phase_start,
        "due": status.due,
        "missing_keys": status.missing,
        "missing": pace.missing_names(table),
        "behind": status.behind,
        "done_on": dict(pace.done_on),
        "by_task": set(pace.by_task),
    }


def pace_lines(
    program: Program,
    as_of: date,
    *,
    agent_ids=None,
    class_code: str | None = None,
    outside_too: bool = False,
) -> tuple[list[PaceModule], list[dict]]:
    """The pace table and one line per active, in-flight agent in the paced phase as of D
    (with `outside_too`, the agents outside it as well: a class grid shows every agent).
    A constant number of queries, whatever the number of agents: without `outside_too` the
    database reads only the agents of the classes under way in the phase (`in_phase_window`).
    Each line is the rule's (`rules.agent_pace`), the one the read model's lines hold.

    A `task_only` module is done only through its task (its proof accepted, R-B2): a hand
    tick stored for it does not count."""
    phase = pace_phase(program)
    modules = pace_modules(phase)
    if phase is None:
        return [], []
    policy = program.policy()
    calendar = calendar_for(program)
    if not outside_too:
        agent_ids = in_phase_window(phase, as_of, calendar, agent_ids)
    records = agent_records(
        program,
        as_of,
        class_code=class_code,
        in_flight=True,
        transfer_task=policy.transfer_task,
        kinds=PACE_KINDS,
        agent_ids=agent_ids,
    )
    table = _table(phase, modules)
    ticks = _tick_facts(
        ModuleProgress.objects.filter(
            module__in=modules,
            agent__employee_id__in=[r.employee_id for r in records],
            done_on__lte=as_of,
        )
    )
    lines = []
    for record in records:
        more = ticks.get(record.employee_id)
        if more:
            record = dataclasses.replace(record, facts=tuple(sorted((*record.facts, *more))))
        progress = AgentProgress(record, policy)
        if not progress.is_active(as_of):
            continue
        code = progress.class_dates(as_of).code
        if class_code is not None and code != class_code:
            continue  # moved out of the class
        pace = rules.agent_pace(progress, table, as_of, calendar)
        if pace.status.in_phase or outside_too:
            lines.append(_pace_line(record, code, pace, table))
    lines.sort(key=lambda line: (line["class_code"], line["employee_id"]))
    return modules, lines


BEHIND_COLUMNS = ["class_code", "employee_id", "name", "licensing_day", "missing"]


#: The read model's Today section of the pace lines (esp.rules.report_lines), and its place:
#: filtering on the place too lets the `report_line_order` index narrow to that section.
SECTION = "pace"
SECTION_ORDER = TODAY_SECTIONS.index(SECTION)


def behind_lines(lines):
    """Of the day's Today lines, the pace lines of the agents behind pace (R-I1b)."""
    return lines.filter(section_order=SECTION_ORDER, section=SECTION, state="behind")


def pace_page_lines(program: Program, as_of: date, *, agent_ids=None, now) -> list[dict]:
    """The pace lines of D from the read model (the day built now if need be, issue 14), of
    `agent_ids` (a subquery; None: every agent): one line per agent in the paced phase, by
    class and agent, as `pace_lines` gives them for the list (name, licensing day, what is
    missing, whether behind). Two queries once the day is built."""
    projection.ensure_day(program=program, as_of=as_of, report=TODAY, now=now)
    lines = ReportLine.objects.filter(
        program=program, as_of=as_of, report=TODAY, section_order=SECTION_ORDER, section=SECTION
    )
    if agent_ids is not None:
        lines = lines.filter(agent_id__in=agent_ids)
    rows = lines.values_list(
        "class_code", "employee_id", "agent__first_name", "agent__last_name", "state", "payload"
    )
    found = [
        {
            "class_code": code,
            "employee_id": employee_id,
            "name": f"{first} {last}",
            "behind": state == "behind",
            **json.loads(payload),
        }
        for code, employee_id, first, last, state, payload in rows
    ]
    return sorted(found, key=lambda line: (line["class_code"], line["employee_id"]))


def behind_pace(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """R-I1b: the agents in the paced phase missing a minimum that counts as of D."""
    _, lines = pace_lines(program, as_of, agent_ids=agent_ids)
    return [line for line in lines if line["behind"]]


def behind_table(lines: list[dict]) -> tuple[list[str], list[list]]:
    return BEHIND_COLUMNS, [
        ["" if line[c] is None else line[c] for c in BEHIND_COLUMNS] for line in lines
    ]


def class_grid(program: Program, class_code: str, as_of: date, agent_ids=None) -> dict:
    """The grid of one class: modules as columns, its active agents as rows, a cell each."""
    modules, lines = pace_lines(
        program, as_of, agent_ids=agent_ids, class_code=class_code, outside_too=True
    )
    rows = []
    for line in lines:
        cells = []
        for module in modules:
            cells.append(
                {
                    "module": module,
                    "name": f"{line['employee_id']}:{module.key}",
                    "done": module.key in line["done_on"],
                    "by_task": module.key in line["by_task"],
                    "task_only": module.task_only,
                    "missing": module.key in line["missing_keys"],
                }
            )
        rows.append({**line, "cells": cells})
    return {"modules": module_labels(modules), "rows": rows}


def module_labels(modules: list[PaceModule]) -> list[dict]:
    return [{"module": m, "due_label": rules.due_label(m.due_by)} for m in modules]


def agents_by_employee_id(employee_ids) -> dict[str, Agent]:
    return {a.employee_id: a for a in Agent.objects.filter(employee_id__in=set(employee_ids))}


def visible_agent_ids(user):
    """The pks of the agents the user may see today, whatever the page's day (issue 12 item 2),
    as a subquery; None for the ESP Manager (every agent, no filter)."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return None
    return scopes.visible_agents(user).values("pk")


# -- proctored last attempts arranged (R-N4a; issue 15 item 13) --------------------------------


def exam_facts_of(agent: Agent, as_of: date) -> list:
    """The agent's exam facts as of the day, as the rules read them (by date, then entry)."""
    program = agent.training_class.program
    [record] = agent_records(program, as_of, agent_ids=[agent.pk], kinds=("exam",))
    return AgentProgress(record, program.policy()).facts("exam")


def _arranged(program: Program):
    """An arrangement of the line's agent and exam for the current last attempt."""
    return ProctoredArrangement.objects.filter(
        agent=OuterRef("agent"), exam=OuterRef("step"), fails=program.exam_attempts - 1
    )


def proctored_to_arrange(lines, program: Program):
    """Of the day's `proctored` lines (esp.rules.report_lines), those not arranged yet."""
    return lines.exclude(Exists(_arranged(program)))


def proctored_arranged(lines, program: Program, *, key: tuple | None = None) -> list[dict]:
    """Of the day's `proctored` lines, those arranged, soonest first: each with the agent's
    employee id, name, class, exam and the day it is arranged for. With a `key` naming the
    lines (esp.web.sections.sources.key), `lines` is a function making them and the query is
    built and compiled once per process (esp.lib.compiled)."""

    def arranged():
        return (
            (lines() if key else lines)
            .filter(Exists(_arranged(program)))
            .annotate(arranged_for=Subquery(_arranged(program).values("arranged_for")[:1]))
            .order_by("arranged_for", "class_code", "employee_id")
            .values_list(
                "employee_id", "class_code", "agent__first_name", "agent__last_name", "step",
                "arranged_for",
            )
        )  # fmt: skip

    fails = program.exam_attempts - 1  # what the query is made of besides the lines
    rows = compiled.rows(("pace.proctored_arranged", *key, fails), arranged) if key else arranged()
    return [
        {"employee_id": e, "class_code": c, "name": f"{f} {la}", "exam": x, "arranged_for": d}
        for e, c, f, la, x, d in rows
    ]


def arrangements_of(agent: Agent) -> dict[str, ProctoredArrangement]:
    """The agent's arrangements of a current last attempt, by exam."""
    fails = agent.training_class.program.exam_attempts - 1
    return {row.exam: row for row in ProctoredArrangement.objects.filter(agent=agent, fails=fails)}


def arranged_pairs(attempts: int) -> frozenset[tuple[str, str]]:
    """(employee id, exam) of every arrangement of a last attempt (after attempts − 1 fails)."""
    return frozenset(
        ProctoredArrangement.objects.filter(fails=attempts - 1).values_list(
            "agent__employee_id", "exam"
        )
    )


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's part (esp.progress.hooks): the exams whose proctored last attempt is
    to arrange as of the page's day, each with its arrangement when made (R-N4a), and
    whether the user may arrange them (Licensing; a TBT SME for a TBT final exam)."""
    repeats = {f.pk for f in same_day_repeats(page.exams)}
    if page.for_agent:
        return {"proctored": [], "same_day_attempts": repeats}
    attempts = agent.training_class.program.exam_attempts
    lasts = last_attempts_to_arrange(page.exams, page.as_of, attempts)
    made = arrangements_of(agent) if lasts else {}
    return {
        "proctored": [
            {
                "exam": last.exam,
                "fails": last.fails,
                "arranged": made.get(last.exam),
                "can_arrange": may_write(user, "exam", last.exam),
            }
            for last in lasts
        ],
        "same_day_attempts": repeats,
    }
