from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "esp.playbooks"
    verbose_name = "Troubleshooting playbooks"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.playbooks.selectors.agent_page_context"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.playbooks.defaults.load_default_playbooks"
    default_auto_field = "django.db.models.BigAutoField"
