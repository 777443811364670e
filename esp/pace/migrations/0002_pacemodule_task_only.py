from django.db import migrations, models

# The default pace table's modules that only an accepted proof completes (R-I1b, R-B2).
TASK_ONLY = ("ahip_final", "carrier_cert")


def mark_task_only(apps, schema_editor):
    PaceModule = apps.get_model("pace", "PaceModule")
    PaceModule.objects.filter(key__in=TASK_ONLY).exclude(satisfied_by_task="").update(
        task_only=True
    )


class Migration(migrations.Migration):
    dependencies = [("pace", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="pacemodule",
            name="task_only",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "The module counts as done only once its task is done (its proof accepted, "
                    "R-B2): the grid shows it read-only and refuses a hand tick"
                ),
                verbose_name="done only through its task",
            ),
        ),
        migrations.RunPython(mark_task_only, migrations.RunPython.noop),
    ]
