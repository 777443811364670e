from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "esp.certification"
    verbose_name = "Call certification (scorecards, scored calls)"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.certification.services.load_default_scorecard"
