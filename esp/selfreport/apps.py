from django.apps import AppConfig


class SelfReportConfig(AppConfig):
    name = "esp.selfreport"
    verbose_name = "Agent self-reports"
