from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "esp.roster"
    verbose_name = "Classes and agents"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.roster.services.staff.ensure_roles"
