from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "esp.certification"
    verbose_name = "Call certification (scorecards, scored calls)"
