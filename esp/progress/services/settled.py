"""Each agent's `settled_on` (issue 14): the first day from which their own facts show them
transferred to production or gone, kept in the transaction of every fact written.

It is the date of the agent's latest transfer fact when that fact is done or not applicable,
or of their latest employment status when it ended (the earlier of the two); None when
neither holds. Latest means latest of all (by date, then entry order): for any day on or
after `settled_on` that fact is also the latest dated by then, so the agent is known out of
flight that day (R-P3). Lists use it to leave settled agents out before the exact, costlier
checks of their facts (esp.access.scopes): a day before `settled_on`, or None, proves
nothing and the exact checks decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q

from esp.roster.models import Agent
from esp.rules.board import ENDED
from esp.rules.records import SATISFYING

from ..models import Fact

#: The facts that settle an agent: (kind, item) -> the values that do.
SETTLING = {("task", "transfer"): SATISFYING, ("status", "employment"): frozenset(ENDED)}
BATCH = 2000


def settles(kind: str, item: str) -> bool:
    return (kind, item) in SETTLING


def settled_days(facts: Iterable[tuple[int, str, str, str, date]]) -> dict[int, date | None]:
    """Agent pk -> settled_on, from (agent pk, kind, item, value, day) in (date, entry) order."""
    latest: dict[tuple[int, str, str], tuple[str, date]] = {}
    agents: set[int] = set()
    for agent_id, kind, item, value, day in facts:
        latest[(agent_id, kind, item)] = (value, day)
        agents.add(agent_id)
    found: dict[int, date | None] = dict.fromkeys(agents)
    for (agent_id, kind, item), (value, day) in latest.items():
        if value in SETTLING[(kind, item)]:
            known = found[agent_id]
            found[agent_id] = day if known is None else min(known, day)
    return found


@transaction.atomic
def settle(*, agent_ids: Iterable[int]) -> int:
    """Recompute `settled_on` for `agent_ids` from their facts, in the caller's transaction
    (like the report lines); returns how many changed."""
    ids = sorted(set(agent_ids))
    return sum(_settle(ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


def _settle(ids: list[int]) -> int:
    which = Q()
    for kind, item in SETTLING:
        which |= Q(kind=kind, item=item)
    facts = (
        Fact.objects.filter(which, agent_id__in=ids)
        .order_by("agent_id", "date", "pk")
        .values_list("agent_id", "kind", "item", "value", "date")
    )
    found = settled_days(facts)
    changed = [
        agent
        for agent in Agent.objects.filter(pk__in=ids).only("pk", "settled_on")
        if agent.settled_on != found.get(agent.pk)
    ]
    for agent in changed:
        agent.settled_on = found.get(agent.pk)
    Agent.objects.bulk_update(changed, ["settled_on"], batch_size=BATCH)
    return len(changed)


def settle_all() -> int:
    """Every agent (`esp rebuild`, after an upgrade or a restore)."""
    return settle(agent_ids=Agent.objects.values_list("pk", flat=True))
