from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "esp.reports"
    verbose_name = "Reports"
