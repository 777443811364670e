from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "esp.playbooks"
    verbose_name = "Troubleshooting playbooks"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.playbooks.defaults.load_default_playbooks"
    default_auto_field = "django.db.models.BigAutoField"
