from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "esp.operations"
    verbose_name = "Manager operations (environment extensions, transfers to production)"
