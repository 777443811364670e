from django.apps import AppConfig


class TbtConfig(AppConfig):
    name = "esp.tbt"
    verbose_name = "TBTs"
