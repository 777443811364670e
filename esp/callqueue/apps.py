from django.apps import AppConfig


class CallqueueConfig(AppConfig):
    name = "esp.callqueue"
    verbose_name = "Call Cert queue (readiness, mentors, certifiers)"
    # Its part of the agent page (esp.progress.hooks.agent_page_context): readiness (R-C1).
    agent_page_context = "esp.callqueue.selectors.agent_page_context"
