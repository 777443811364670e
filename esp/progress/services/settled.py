"""What each agent's latest facts settle (issue 14), kept on the agent in the transaction of
every fact written, so the scopes (esp.access.scopes) read columns instead of looking up
each agent's facts:

- `settled_on`: the first day from which their own facts show them transferred to
  production or gone (R-P3): the date of the agent's latest transfer fact when that fact is
  done or not applicable, or of their latest employment status when it ended (the earlier
  of the two); None when neither holds.
- `tasks_done`: the tasks whose latest fact is done or not applicable (R-P4), each key
  between commas (",ahip,carrier_cert,": a LIKE finds one on SQLite and PostgreSQL).
- `facts_until`: the date of the latest of those facts (any task, the employment status).

Latest means latest of all (by date, then entry order). On any day from `facts_until` on,
the latest facts dated by that day are those latest of all, so the marks are the exact
answer for that day; a day before `facts_until` (facts dated ahead) they prove nothing
but `settled_on`, and the exact checks decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Q

from esp.roster.models import Agent
from esp.roster.selectors import tasks_done_text
from esp.rules.board import ENDED
from esp.rules.records import SATISFYING

from ..models import Fact

#: The facts that settle an agent out of flight: (kind, item) -> the values that do.
SETTLING = {("task", "transfer"): SATISFYING, ("status", "employment"): frozenset(ENDED)}
MARKED = Q(kind="task") | Q(kind="status", item="employment")  # the facts the marks read
BATCH = 2000


@dataclass(frozen=True)
class Marks:
    settled_on: date | None = None
    tasks_done: str = ""
    facts_until: date | None = None


NONE = Marks()


def is_marked(kind: str, item: str) -> bool:
    """Whether a fact of `kind` `item` is one the marks read."""
    return kind == "task" or (kind, item) == ("status", "employment")


def marks_of(facts: Iterable[tuple[int, str, str, str, date]]) -> dict[int, Marks]:
    """Agent pk -> Marks, from (agent pk, kind, item, value, day) in (date, entry) order."""
    latest: dict[int, dict[tuple[str, str], tuple[str, date]]] = {}
    for agent_id, kind, item, value, day in facts:
        latest.setdefault(agent_id, {})[(kind, item)] = (value, day)
    found = {}
    for agent_id, facts_of in latest.items():
        settled = [day for key, (value, day) in facts_of.items() if value in SETTLING.get(key, ())]
        done = [
            item
            for (kind, item), (value, _) in facts_of.items()
            if kind == "task" and value in SATISFYING
        ]
        found[agent_id] = Marks(
            settled_on=min(settled, default=None),
            tasks_done=tasks_done_text(done),
            facts_until=max(day for _, day in facts_of.values()),
        )
    return found


def settled_days(facts: Iterable[tuple[int, str, str, str, date]]) -> dict[int, date | None]:
    """Agent pk -> settled_on, from (agent pk, kind, item, value, day) in (date, entry) order."""
    return {agent_id: found.settled_on for agent_id, found in marks_of(facts).items()}


@transaction.atomic
def settle(*, agent_ids: Iterable[int]) -> int:
    """Recompute the marks of `agent_ids` from their facts, in the caller's transaction
    (like the report lines); returns how many agents changed."""
    ids = sorted(set(agent_ids))
    return sum(_settle(ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


FIELDS = ("settled_on", "tasks_done", "facts_until")


def _settle(ids: list[int]) -> int:
    facts = (
        Fact.objects.filter(MARKED, agent_id__in=ids)
        .order_by("agent_id", "date", "pk")
        .values_list("agent_id", "kind", "item", "value", "date")
    )
    found = marks_of(facts.iterator(chunk_size=BATCH))
    changed = []
    for agent in Agent.objects.filter(pk__in=ids).only("pk", *FIELDS):
        new = found.get(agent.pk, NONE)
        if any(getattr(agent, name) != getattr(new, name) for name in FIELDS):
            changed.append((agent.pk, new))
    _write(changed)
    return len(changed)


def _write(changed: list[tuple[int, Marks]]) -> None:
    """One UPDATE per agent, sent as one batch (`bulk_update`'s CASE over 2,000 ids costs
    quadratic time: 10 s for a season's 20,000 agents against well under 1 s)."""
    if not changed:
        return
    ops, quote = connection.ops, connection.ops.quote_name
    columns = ", ".join(f"{quote(name)} = %s" for name in FIELDS)
    sql = f"UPDATE {quote(Agent._meta.db_table)} SET {columns} WHERE {quote('id')} = %s"
    rows = [
        (
            ops.adapt_datefield_value(marks.settled_on),
            marks.tasks_done,
            ops.adapt_datefield_value(marks.facts_until),
            pk,
        )
        for pk, marks in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def settle_all() -> int:
    """Every agent (`esp rebuild`, after an upgrade or a restore)."""
    return settle(agent_ids=Agent.objects.values_list("pk", flat=True))
