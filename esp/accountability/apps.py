from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "esp.accountability"
    verbose_name = "Accountability (CAP documents)"

    def ready(self) -> None:
        # Django's one place to wire an app once every app is loaded (issue 13: the agent
        # page's accountability part and forms, through esp.progress.hooks).
        from . import receivers

        receivers.connect()
