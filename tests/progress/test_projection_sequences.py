"""Issue 14: "Projection equals the rules: hypothesis over fact sequences (including moves,
re-scores, deletions/corrections, imports after writes) ... on both databases."

A season of two classes (17 and 3 business days old on 11/23/2026), every report built for
three as-of days. Each example is a sequence of writes through the services, each kind
forced in and made to take effect:

- class moves to the other class (R-T3, `agent_class_move`), so the agent's phase dates
  change;
- re-scores of a call already scored (R-C3, R-C4, `call_record`);
- corrections: a task status, the employment status (R-P1, R-P3, `task_status_set`,
  `employment_set`), the equipment (R-Q1), a red flag (R-N4b), readiness (R-C1), each
  set to another value than its latest;
- deletions of facts (any kind, a move included) and of agents with their facts. No
  service deletes a fact (the history is append-only, the admin's facts are read-only):
  a row deleted by the ORM, which the `post_delete` receiver refreshes, as it would an
  admin's deletion; an agent deleted as the admin deletes it (its facts by the cascade);
- an activity import (SPEC §15) in the middle of the sequence, of rows touching the agents
  the sequence wrote to (a re-score, a task status, an employment status, a move, a
  note): new facts in one statement, refreshed once (`activity._copy_staged`);
- and the earlier test's writes: any fact of the season's kinds, flags, self-reports and
  renames (`test_projection._write`).

After every step each built day of every report (incompletions, actions, callcert,
attendance, extensions: `build_report`) and the Today lines read from the table equal the
rules over the facts, and no day was built again to get there: the writes kept them
current (but an agent's deletion, after which the days are built again by design,
`line_reads.agents_version`). Each example runs in a savepoint rolled back at its end:
every example starts from the same season, and a failure replays and shrinks. How many
steps of each kind took effect is counted over the examples and checked at the end, so the
test cannot silently stop exercising any of them.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from esp.callqueue.services import readiness_record
from esp.demo.season import generate_season, write_season
from esp.programs.calendars import calendar_for
from esp.progress.checks import READINESS_TASKS
from esp.progress.models import Fact, ReportDay
from esp.progress.selectors import latest_fact
from esp.progress.services import (
    agent_class_move,
    call_record,
    class_on,
    employment_set,
    equipment_set,
    flag_record,
    task_status_set,
)
from esp.progress.services.activity import import_activity
from esp.roster.models import Agent, TrainingClass
from esp.roster.services import import_classes, import_roster
from tests.progress.test_projection import (  # noqa: F401 - fixed_clock: a fixture
    AS_OF,
    NOW,
    _write,
    assert_lines_equal_the_rules,
    build_days,
    fixed_clock,
)

# Enough sequences to meet every kind of step many times, few enough for well under 60 s on
# either database (each of their ~10 steps is followed by the whole check, 3 days × 6
# reports: about 0.5 s a sequence on SQLite, 0.9 s on PostgreSQL). Not the profiles' 40 or
# 100 (tests/conftest.py): about 40 and 95 s on PostgreSQL.
MAX_EXAMPLES = 20
SCORES = ("55", "70", "85", "95", "100")
EMPLOYMENT = ("active", "termed", "resigned", "withdrawn")
TASK_VALUES = ("not_started", "in_progress", "done", "not_applicable")
EQUIPMENT = ("not_received", "received", "verified", "issue")
FLAGS = ("needs_release", "cannot_sell", "background_check")


@pytest.fixture
def two_classes(program, tmp_path):
    """20 agents in two classes of 10 (17 and 3 business days old): moves succeed."""
    generated = generate_season(
        as_of=AS_OF, agents=20, seed=11, calendar=calendar_for(program), agents_per_class=10
    )
    paths = write_season(generated, tmp_path / "season")
    import_classes(paths["classes"])
    import_roster(paths["roster"])
    import_activity(paths["activity"])
    assert TrainingClass.objects.count() == 2
    return generated


def _agent(pick: int) -> Agent:
    agents = list(Agent.objects.select_related("training_class__program").order_by("pk"))
    return agents[pick % len(agents)]


def _day(pick: int, offset: int, latest) -> object:
    """Mostly on or after the latest fact (the write becomes the latest), one time in four
    back-dated by `offset` days (it may not)."""
    day = AS_OF - timedelta(days=offset)
    if latest is not None and pick % 4:
        day = max(day, latest.date)
    return day


def _other(values, current: str | None, pick: int) -> str:
    choices = [value for value in values if value != current]
    return choices[pick % len(choices)]


def _latest(agent, kind: str, item: str = "", value: str = ""):
    """The latest fact of what one fact sets: a call's score, a task's or the employment's
    status (kind and item), the equipment (kind), a red flag (kind and value)."""
    if kind == "equipment":
        return latest_fact(agent, kind)
    if kind == "flag":
        return latest_fact(agent, kind, value=value)
    return latest_fact(agent, kind, item)


def _took(fact, before) -> bool:
    """The write replaced an earlier, different value as the latest of what it sets."""
    if before is None:
        return False
    latest = _latest(fact.agent, fact.kind, fact.item, fact.value)
    return latest.pk == fact.pk and (before.item, before.value) != (fact.item, fact.value)


def move(program, season, pick, offset, template, ctx) -> str | None:
    """R-T3: to the class the agent is not in that day (always allowed)."""
    agent = _agent(pick)
    day = AS_OF - timedelta(days=offset % 20)
    current = class_on(agent, day)
    target = _other(sorted(TrainingClass.objects.values_list("code", flat=True)), current, 0)
    fact = agent_class_move(
        agent=agent, to_class=target, day=day, reason="test", actor=None, now=NOW
    )
    ctx["touched"].append(agent)
    ctx["facts"].append(fact)
    return "move"


def rescore(program, season, pick, offset, template, ctx) -> str | None:
    """R-C3, R-C4: another score for a call already scored (scored first when none is)."""
    scored = sorted(
        set(Fact.objects.filter(kind="call").exclude(item="1").values_list("agent_id", "item"))
    )
    if scored:
        agent_id, item = scored[pick % len(scored)]
        agent = Agent.objects.get(pk=agent_id)
    else:
        agent, item = _agent(pick), str(2 + pick % (program.calls_per_agent - 1))
        call_record(
            agent=agent, call=int(item), score=70, day=AS_OF - timedelta(days=3), actor=None
        )
    before = latest_fact(agent, "call", item)
    score = _other(SCORES, before.value, pick)
    fact = call_record(
        agent=agent,
        call=int(item),
        score=int(score),
        day=_day(pick, offset, before),
        actor=None,
        based_on=before.pk,
    )
    ctx["touched"].append(agent)
    ctx["facts"].append(fact)
    return "rescore" if _took(fact, before) else None


def _set(agent, what: str, key: str, before, day, pick: int):
    """`what` (of `key`: a task, a red flag) set through its service to another value than
    `before`'s."""
    if what == "employment":  # R-P3
        status = _other(EMPLOYMENT, getattr(before, "value", "active"), pick)
        return employment_set(agent=agent, status=status, day=day, actor=None)
    if what == "equipment":  # R-Q1
        status = _other(EQUIPMENT, getattr(before, "item", None), pick)
        return equipment_set(agent=agent, status=status, day=day, actor=None)
    if what == "flag":  # R-N4b: raised, resolved
        action = "resolved" if getattr(before, "item", "resolved") == "raised" else "raised"
        return flag_record(agent=agent, action=action, flag=key, day=day, actor=None)
    if what == "readiness":  # R-C1: done, or not done (a correction)
        done = getattr(before, "value", "not_started") != "done"
        return readiness_record(agent=agent, task=key, day=day, actor=None, done=done)
    status = _other(TASK_VALUES, getattr(before, "value", None), pick)  # R-P1
    return task_status_set(agent=agent, task=key, status=status, day=day, actor=None)


def _set_already(program, what: str) -> list[tuple[int, str]]:
    """(agent, key) of what has a value already: a task's status, a red flag, ..."""
    if what == "employment":
        facts = Fact.objects.filter(kind="status", item="employment")
    elif what == "equipment":
        facts = Fact.objects.filter(kind="equipment")
    elif what == "flag":
        return sorted(set(Fact.objects.filter(kind="flag").values_list("agent_id", "value")))
    elif what == "readiness":
        facts = Fact.objects.filter(kind="task", item__in=READINESS_TASKS)
    else:
        tasks = program.tasks.filter(needs_proof=False).values_list("key", flat=True)
        facts = Fact.objects.filter(kind="task", item__in=list(tasks))
    return sorted(set(facts.values_list("agent_id", "item")))


def correct(program, season, pick, offset, template, ctx) -> str | None:
    """Something already set (set first when nothing is) set to another value through its
    service: a task status, the employment, the equipment, a red flag, readiness."""
    what = ("task", "employment", "equipment", "flag", "readiness")[offset % 5]
    kind = {"employment": "status", "readiness": "task"}.get(what, what)
    already = _set_already(program, what)
    if already:
        agent_id, key = already[pick % len(already)]
        agent = Agent.objects.select_related("training_class__program").get(pk=agent_id)
    else:
        agent = _agent(pick)
        key = {
            "flag": FLAGS[0],
            "readiness": READINESS_TASKS[0],
            "task": program.tasks.filter(needs_proof=False).order_by("key").first().key,
        }.get(what, "employment")
        _set(agent, what, key, None, AS_OF - timedelta(days=5), pick)
    before = _latest(agent, kind, key, key)
    fact = _set(agent, what, key, before, _day(pick, offset, before), pick)
    ctx["touched"].append(agent)
    ctx["facts"].append(fact)
    return f"correction {what}" if _took(fact, before) else None


def delete_fact(program, season, pick, offset, template, ctx) -> str | None:
    """A fact deleted, by the instance or by a query: one this sequence wrote (a move, a
    re-score, a correction: what it replaced is the latest again), or one of any kind. The
    last of its content (an equal fact recorded later is numbered after the ones left)."""
    written = [fact for fact in ctx["facts"] if Fact.objects.filter(pk=fact.pk).exists()]
    if written and pick % 3:
        fact = written[offset % len(written)]
    else:
        kinds = sorted(set(Fact.objects.values_list("kind", flat=True)))
        facts = Fact.objects.filter(kind=kinds[pick % len(kinds)]).order_by("pk")
        fact = facts[template % facts.count()]
    fact = Fact.objects.filter(content_hash=fact.content_hash).order_by("-occurrence").first()
    if pick % 2:
        fact.delete()
    else:
        Fact.objects.filter(pk=fact.pk).delete()
    assert not Fact.objects.filter(pk=fact.pk).exists()
    ctx["touched"].append(fact.agent)
    return f"delete {fact.kind}"


def delete_agent(program, season, pick, offset, template, ctx) -> str | None:
    """An agent deleted as the admin does, its facts by the cascade (a day built before
    then is built again on its next read: `agents_version`)."""
    agent = _agent(pick)
    gone = agent.pk
    try:
        agent.delete()
    except ProtectedError:
        return None
    ctx["rebuilt"] = True
    ctx["touched"] = [a for a in ctx["touched"] if a.pk != gone]
    return "agent deleted"


def import_rows(program, season, pick, offset, template, ctx) -> str | None:
    """SPEC §15: a few rows for agents this sequence already wrote to, each new."""
    agents = list({a.pk: a for a in ctx["touched"]}.values()) or [_agent(pick)]
    codes = sorted(TrainingClass.objects.values_list("code", flat=True))
    tasks = sorted(program.tasks.filter(needs_proof=False).values_list("key", flat=True))
    out = io.StringIO()
    rows = csv.writer(out, lineterminator="\n")
    rows.writerow(["date", "employee_id", "kind", "item", "value", "by", "note"])
    for n, agent in enumerate(agents[:3]):
        day = AS_OF - timedelta(days=(offset + n) % 12)
        eid, note = agent.employee_id, f"imported {ctx['step']}"
        call = latest_fact(agent, "call") or None
        item = call.item if call is not None and call.item != "1" else "2"
        rows.writerow([day, eid, "call", item, SCORES[(pick + n) % 4], "Import", note])
        rows.writerow([day, eid, "task", tasks[(pick + n) % len(tasks)], "in_progress", "TL", note])
        rows.writerow([day, eid, "status", "employment", EMPLOYMENT[(pick + n) % 2], "HR", note])
        rows.writerow([day, eid, "move", _other(codes, class_on(agent, day), 0), "", "TL", note])
    summary = import_activity(ctx["write"](out.getvalue()))
    assert summary.created == summary.rows, summary
    return "import"


def earlier_kinds(program, season, pick, offset, template, ctx) -> str | None:
    kind = ("fact", "fact", "flag", "self_report", "rename")[template % 5]
    _write(program, season, (kind, pick, offset, template))
    ctx["touched"].append(_agent(pick))
    return None


STEPS = {
    "move": move,
    "rescore": rescore,
    "correct": correct,
    "delete": delete_fact,
    "delete_agent": delete_agent,
    "import": import_rows,
    "earlier": earlier_kinds,
}
FORCED = ("move", "rescore", "correct", "delete")
FORCED_TOOK = ("move", "rescore", "correction", "delete", "import")
NUMBERS = st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.integers(0, 100_000))


@st.composite
def sequences(draw) -> list[tuple]:
    """A few random steps, each forced kind (an agent's deletion in about half of the
    sequences) at a random place, then the import after the first write, before the last."""
    kinds = st.sampled_from(["earlier", "earlier", *FORCED])
    steps = draw(st.lists(st.tuples(kinds, NUMBERS), max_size=5))
    for kind in (*FORCED, "delete_agent") if draw(st.booleans()) else FORCED:
        steps.insert(draw(st.integers(0, len(steps))), (kind, draw(NUMBERS)))
    steps.insert(draw(st.integers(1, len(steps) - 1)), ("import", draw(NUMBERS)))
    return steps


# One sequence always run: a move and a re-score, an import of rows for both agents, then
# the move and the re-score deleted, a correction, an agent's deletion, a write after it.
SHOWN = [
    ("move", (3, 2, 0)),
    ("rescore", (5, 1, 0)),
    ("import", (1, 4, 0)),
    ("delete", (1, 0, 0)),  # the move of the first step (the instance)
    ("delete", (2, 0, 0)),  # the re-score (by a query): the earlier score the latest again
    ("correct", (1, 1, 0)),
    ("delete_agent", (2, 0, 0)),
    ("earlier", (4, 3, 10)),
]


class _Rollback(Exception):
    pass


def test_sequences_of_writes_keep_every_built_day_equal_to_the_rules(program, two_classes, write):
    """Issue 14: after every step of every sequence, the read model equals the rules; each
    kind of step took effect (R-T3 moves, R-C4 re-scores, corrections, deletions, imports)."""
    build_days(program)
    took: Counter[str] = Counter()

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(steps=sequences())
    @example(steps=SHOWN)
    def run(steps):
        try:
            with transaction.atomic():
                ctx = {"touched": [], "facts": [], "write": write}
                for number, (kind, (pick, offset, template)) in enumerate(steps):
                    ctx["step"] = number
                    days = set(ReportDay.objects.values_list("pk", "as_of", "report"))
                    done = STEPS[kind](program, two_classes, pick, offset, template, ctx)
                    if done:
                        took.update({done, done.split()[0]})
                    assert_lines_equal_the_rules(program)
                    if not ctx.pop("rebuilt", False):  # kept current: no day built again
                        assert set(ReportDay.objects.values_list("pk", "as_of", "report")) == days
                raise _Rollback
        except _Rollback:
            pass

    run()
    # none of them vacuous: the forced kinds took effect in most sequences
    assert all(took[kind] >= MAX_EXAMPLES // 2 for kind in FORCED_TOOK), took
    assert took["agent"] and took["delete move"], took
