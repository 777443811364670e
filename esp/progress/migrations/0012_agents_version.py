"""The read model's freshness check reads a version of the agents that database triggers
move on every insert or delete of agents, where it counted them on every read (issue 14).

The version starts at 1 and the days built before carry 0: each is built again on its next
read (agents may have been added in bulk since, which only the count would have told).

SQLite drops a table's triggers when a migration rebuilds the table: a later migration that
alters roster_agent there must create them again (the test
test_every_statement_writing_agents_moves_their_version_whoever_writes fails until it does)."""

from django.db import migrations, models

FUNCTION = "progress_agents_changed"
TRIGGER = "progress_agents_changed"
# an upsert: a flush (TRUNCATE in tests) empties the table, the next insert writes row 1 again
BUMP = (
    "INSERT INTO progress_agentsversion (id, version) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET version = progress_agentsversion.version + 1"
)

POSTGRESQL = [
    f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN {BUMP}; RETURN NULL; END $$",
    # once per statement: a bulk insert of 20,000 agents moves it once
    f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR TRUNCATE ON roster_agent "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {TRIGGER} ON roster_agent",
    f"DROP FUNCTION IF EXISTS {FUNCTION}()",
]
# SQLite has row triggers only: one small upsert per agent written (a few µs each)
SQLITE = [
    f"CREATE TRIGGER {TRIGGER}_{event.lower()} AFTER {event} ON roster_agent "
    f"BEGIN {BUMP}; END"
    for event in ("INSERT", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TRIGGER}_{e}" for e in ("insert", "delete")]


def _first_version(apps, schema_editor):
    apps.get_model("progress", "AgentsVersion").objects.create(pk=1, version=1)


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0011_report_line_pick_index"),
        ("roster", "0007_classphase_phase_start"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgentsVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RemoveField(model_name="reportday", name="agents"),
        migrations.RemoveField(model_name="reportday", name="last_agent"),
        migrations.AddField(
            model_name="reportday",
            name="agents_version",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
        migrations.RunPython(_first_version, migrations.RunPython.noop),
    ]
