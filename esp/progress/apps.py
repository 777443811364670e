from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "esp.progress"
    verbose_name = "Progress"
