from django.apps import AppConfig


class PaceConfig(AppConfig):
    name = "esp.pace"
    verbose_name = "Licensing pace"
