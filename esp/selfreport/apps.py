from django.apps import AppConfig


class SelfReportConfig(AppConfig):
    name = "esp.selfreport"
    verbose_name = "Agent self-reports"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.selfreport.selectors.agent_page_context"
