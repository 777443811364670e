from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "esp.progress"
    verbose_name = "Progress"

    def ready(self) -> None:
        # Django's one place to wire an app once every app is loaded.
        from . import receivers

        receivers.connect()
