"""Issue 14: each agent's `settled_on` from the facts already stored (as
esp.progress.services.settled keeps it from now on)."""

from django.db import migrations

SETTLING = {
    ("task", "transfer"): {"done", "not_applicable"},
    ("status", "employment"): {"termed", "resigned", "withdrawn"},
}


def backfill(apps, schema_editor):
    Agent = apps.get_model("roster", "Agent")
    Fact = apps.get_model("progress", "Fact")
    latest = {}
    for kind, item in SETTLING:
        facts = Fact.objects.filter(kind=kind, item=item).order_by("agent_id", "date", "pk")
        for agent_id, value, day in facts.values_list("agent_id", "value", "date").iterator():
            latest[(agent_id, kind, item)] = (value, day)
    settled = {}
    for (agent_id, kind, item), (value, day) in latest.items():
        if value in SETTLING[(kind, item)]:
            settled[agent_id] = min(day, settled.get(agent_id, day))
    agents = [agent for agent in Agent.objects.only("pk").iterator() if agent.pk in settled]
    for agent in agents:
        agent.settled_on = settled[agent.pk]
    Agent.objects.bulk_update(agents, ["settled_on"], batch_size=2000)
    if schema_editor.connection.vendor == "sqlite" and Agent.objects.count() >= 1000:
        # the planner's statistics know the new index (esp.lib.dbstats after an import)
        schema_editor.execute(f"ANALYZE {Agent._meta.db_table}")


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0008_help_texts_in_words"),
        ("roster", "0004_agent_settled_on"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
