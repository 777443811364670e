"""What each agent's latest facts settle (issue 14), kept on the agent in the transaction of
every fact written, so the scopes (esp.access.scopes) read columns instead of looking up
each agent's facts:

- `settled_on`: the first day from which their own facts show them transferred to
  production or gone (R-P3): the date of the agent's latest transfer fact when that fact is
  done or not applicable, or of their latest employment status when it ended (the earlier
  of the two); None when neither holds.
- `tasks_done`: the tasks the rules call done (or not applicable) on any day from
  `facts_until` on (`AgentProgress.done_tasks`, R-P4, R-T5): marked so, or done by their own
  rule — the Call Cert by the calls passed (R-C4), the TBT by every course done, the
  equipment task by the equipment verified. Each key between commas (",ahip,carrier_cert,":
  a LIKE finds one on SQLite and PostgreSQL).
- `facts_until`: the date of the latest of the facts those read (`is_marked`: the tasks',
  the calls', the courses', the equipment's, the employment status).

Latest means latest of all (by date, then entry order). On any day from `facts_until` on,
the facts dated by that day are all of them, so the marks are the exact answer for that
day; a day before `facts_until` (facts dated ahead) they prove nothing but `settled_on`, and
the exact checks decide (by the rules too, esp.access.scopes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from esp.programs.models import Program
from esp.roster.models import Agent
from esp.roster.selectors import EMPLOYMENT, progress_records, tasks_done_text
from esp.rules.board import ENDED
from esp.rules.progress import DONE_READS, AgentProgress
from esp.rules.records import SATISFYING, AgentRecord, Policy

from ..models import SettledPolicy

#: The facts that settle an agent out of flight: (kind, item) -> the values that do.
SETTLING = {("task", "transfer"): SATISFYING, EMPLOYMENT: frozenset(ENDED)}
BATCH = 2000


@dataclass(frozen=True)
class Marks:
    settled_on: date | None = None
    tasks_done: str = ""
    facts_until: date | None = None


NONE = Marks()


def is_marked(kind: str, item: str) -> bool:
    """Whether a fact of `kind` `item` is one the marks read: a write of one settles its
    agent again."""
    return kind in DONE_READS or (kind, item) == EMPLOYMENT


def marks_of(record: AgentRecord, policy: Policy) -> Marks:
    """One agent's marks from their record (its facts: at least every one `is_marked`, in
    date and entry order), "done" as the rules say it (`AgentProgress.done_tasks`)."""
    facts = [fact for fact in record.facts if is_marked(fact.kind, fact.item)]
    if not facts:
        return NONE
    latest = {(fact.kind, fact.item): fact for fact in facts}
    settled = [f.date for key, f in latest.items() if f.value in SETTLING.get(key, ())]
    until = max(fact.date for fact in facts)
    return Marks(
        settled_on=min(settled, default=None),
        tasks_done=tasks_done_text(AgentProgress(record, policy).done_tasks(until)),
        facts_until=until,
    )


def policies(program_ids: Iterable[int]) -> dict[int, Policy]:
    """Program pk -> its policy (kept in the process per settings version)."""
    return {pk: p.policy() for pk, p in Program.objects.in_bulk(set(program_ids)).items()}


@transaction.atomic
def settle(*, agent_ids: Iterable[int]) -> int:
    """Recompute the marks of `agent_ids` from their facts, in the caller's transaction
    (like the report lines); returns how many agents changed."""
    ids = sorted(set(agent_ids))
    return sum(_settle(ids[i : i + BATCH]) for i in range(0, len(ids), BATCH))


FIELDS = ("settled_on", "tasks_done", "facts_until")


def _settle(ids: list[int]) -> int:
    records = progress_records(ids, kinds=DONE_READS)
    policy = policies(program_id for _, program_id, _ in records)
    found = {pk: marks_of(record, policy[program_id]) for pk, program_id, record in records}
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
    return sum(
        settle_program(pk, force=True) for pk in Program.objects.values_list("pk", flat=True)
    )


@transaction.atomic
def settle_program(program_id: int, *, force: bool = False) -> int:
    """The marks of a program's agents computed again unless they are by its current settings
    (`SettledPolicy`; `force`: in any case); returns how many agents changed. "Done" depends
    on the policy, so a settings change calls for this after its commit (`settle_later`).
    The program's row is locked first: two processes settle it one after the other, the
    second finding the work done."""
    stamp = (
        Program.objects.select_for_update()
        .filter(pk=program_id)
        .values_list("policy_stamp", flat=True)
        .first()
    )
    if stamp is None:
        return 0
    if not force and SettledPolicy.objects.filter(pk=program_id, policy_stamp=stamp).exists():
        return 0
    changed = settle(
        agent_ids=Agent.objects.filter(training_class__program_id=program_id).values_list(
            "pk", flat=True
        )
    )
    SettledPolicy.objects.update_or_create(pk=program_id, defaults={"policy_stamp": stamp})
    return changed


def settle_later(program_id: int | None) -> None:
    """A program's settings were written (None: some program's): its agents' marks are
    computed again once the transaction commits (once per program and transaction: a course
    import's rows ask each, the first does the work)."""
    ids = [program_id] if program_id is not None else None
    transaction.on_commit(lambda: settle_programs(program_ids=ids))


def settle_programs(*, now=None, program_ids: Iterable[int] | None = None) -> int:
    """Each program whose marks are not by its current settings, settled (a worker round's
    chore, `now` unused: after a commit whose settle did not happen, after an upgrade)."""
    if program_ids is None:  # one query when every program's marks are current
        current = SettledPolicy.objects.filter(
            program=OuterRef("pk"), policy_stamp=OuterRef("policy_stamp")
        )
        program_ids = list(
            Program.objects.exclude(Exists(current)).order_by("pk").values_list("pk", flat=True)
        )
    return sum(settle_program(pk) for pk in program_ids)
