from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0005_s_agent14_agent_email_lower"),
    ]

    operations = [
        migrations.AddField(
            model_name="agent",
            name="facts_until",
            field=models.DateField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="The date of the agent's latest task or employment fact (kept from the facts)",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="agent",
            name="tasks_done",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="The tasks the agent's latest facts show done (kept from the facts)",
            ),
        ),
    ]
