from django.apps import AppConfig


class BreakoutsConfig(AppConfig):
    name = "esp.breakouts"
    verbose_name = "Breakout rooms (help queue)"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.breakouts.selectors.agent_page_context"
