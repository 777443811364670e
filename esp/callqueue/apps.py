from django.apps import AppConfig


class CallqueueConfig(AppConfig):
    name = "esp.callqueue"
    verbose_name = "Call Cert queue (readiness, mentors, certifiers)"
