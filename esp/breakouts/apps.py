from django.apps import AppConfig


class BreakoutsConfig(AppConfig):
    name = "esp.breakouts"
    verbose_name = "Breakout rooms (help queue)"
