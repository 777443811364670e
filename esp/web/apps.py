from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "esp.web"
    verbose_name = "Tracker pages"
