from django.apps import AppConfig
from django.utils.module_loading import import_string

from esp.progress.signals import calls_scored

# R-C5 (issue 15 item 2): the workbook is mailed however the scores arrive (the scoring page,
# the Call Certification form, the API, an import); progress, a lower app, sends the signal.
# A dotted path: the services import models, not importable while the registry fills.
ON_CALLS_SCORED = "esp.certification.services.on_calls_scored"


class CertificationConfig(AppConfig):
    name = "esp.certification"
    verbose_name = "Call certification (scorecards, scored calls)"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.certification.selectors.agent_page_context"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.certification.services.load_default_scorecard"

    def ready(self) -> None:
        calls_scored.connect(import_string(ON_CALLS_SCORED), dispatch_uid=ON_CALLS_SCORED)
