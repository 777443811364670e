"""Issue 14: each agent's kept marks (`tasks_done`, `facts_until`, `settled_on`) computed
again, now by the rules (a Call Cert done by its calls, a TBT by its courses, the equipment
task by the equipment verified: esp.progress.services.settled).

The service itself is called, not a copy of it: "done" is computed in one place, the rules.
Should a later migration change a table the service reads, `esp rebuild` recomputes the
marks after the upgrade as well."""

from django.db import migrations

from esp.progress.services.settled import settle_all


def recompute(apps, schema_editor):
    settle_all()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0012_agents_version"),
        ("programs", "0005_policy_stamp"),
        ("roster", "0007_classphase_phase_start"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
