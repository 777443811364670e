from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "esp.roster"
    verbose_name = "Classes and agents"
