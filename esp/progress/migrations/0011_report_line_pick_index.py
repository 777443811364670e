"""Today's lists pick the read model's lines by report, section and state among the user's
agents: an index on exactly that, which also counts a list without reading the lines
(issue 14)."""

from django.db import migrations, models


def analyze(apps, schema_editor):
    """SQLite plans with the statistics ANALYZE left: a season's lines get the new index's
    (PostgreSQL's autovacuum does it by itself; esp.lib.dbstats after an import)."""
    ReportLine = apps.get_model("progress", "ReportLine")
    if schema_editor.connection.vendor == "sqlite" and ReportLine.objects.count() >= 1000:
        schema_editor.execute(f"ANALYZE {ReportLine._meta.db_table}")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_policy_stamp"),
        ("progress", "0010_agent_tasks_done"),
        ("roster", "0007_classphase_phase_start"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reportline",
            index=models.Index(
                fields=["program", "as_of", "report", "section", "state", "agent"],
                name="report_line_pick",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
