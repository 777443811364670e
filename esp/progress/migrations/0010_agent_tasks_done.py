"""Issue 14: each agent's `tasks_done` and `facts_until` (and `settled_on` again) from the
facts already stored, as esp.progress.services.settled keeps them from now on."""

from django.db import migrations
from django.db.models import Q

SETTLING = {
    ("task", "transfer"): {"done", "not_applicable"},
    ("status", "employment"): {"termed", "resigned", "withdrawn"},
}
SATISFYING = {"done", "not_applicable"}


def backfill(apps, schema_editor):
    Agent = apps.get_model("roster", "Agent")
    Fact = apps.get_model("progress", "Fact")
    latest = {}
    facts = Fact.objects.filter(Q(kind="task") | Q(kind="status", item="employment"))
    rows = facts.order_by("agent_id", "date", "pk").values_list(
        "agent_id", "kind", "item", "value", "date"
    )
    for agent_id, kind, item, value, day in rows.iterator(chunk_size=5000):
        latest.setdefault(agent_id, {})[(kind, item)] = (value, day)
    agents = []
    for agent in Agent.objects.only("pk").iterator():
        facts_of = latest.get(agent.pk)
        if not facts_of:
            continue
        settled = [d for key, (v, d) in facts_of.items() if v in SETTLING.get(key, ())]
        done = sorted(i for (k, i), (v, _) in facts_of.items() if k == "task" and v in SATISFYING)
        agent.settled_on = min(settled, default=None)
        agent.tasks_done = "".join(f",{task}" for task in done) + "," if done else ""
        agent.facts_until = max(d for _, d in facts_of.values())
        agents.append(agent)
    Agent.objects.bulk_update(agents, ["settled_on", "tasks_done", "facts_until"], batch_size=2000)
    if schema_editor.connection.vendor == "sqlite" and Agent.objects.count() >= 1000:
        schema_editor.execute(f"ANALYZE {Agent._meta.db_table}")


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0009_agent_settled_on"),
        ("roster", "0006_agent_tasks_done"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
