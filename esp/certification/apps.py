from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "esp.certification"
    verbose_name = "Call certification (scorecards, scored calls)"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.certification.selectors.agent_page_context"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.certification.services.load_default_scorecard"
