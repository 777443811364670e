from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "esp.accountability"
    verbose_name = "Accountability (CAP documents)"
