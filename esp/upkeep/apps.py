from django.apps import AppConfig


class UpkeepConfig(AppConfig):
    name = "esp.upkeep"
    verbose_name = "Team upkeep (which teams keep up)"
