from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "esp.api"
    verbose_name = "REST API"
