from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "esp.playbooks"
    verbose_name = "Troubleshooting playbooks"
    default_auto_field = "django.db.models.BigAutoField"
