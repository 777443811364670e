from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "esp.programs"
    verbose_name = "Programs"
