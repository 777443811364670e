from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "esp.progress"
    verbose_name = "Progress"
    # the worker builds each program's read model of the day once the day begins (issue 14)
    worker_chores = ("esp.progress.services.projection.build_today",)

    def ready(self) -> None:
        # Django's one place to wire an app once every app is loaded.
        from . import receivers

        receivers.connect()
