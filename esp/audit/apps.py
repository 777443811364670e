from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "esp.audit"
    verbose_name = "Audit history"
