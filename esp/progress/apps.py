from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "esp.progress"
    verbose_name = "Progress"
    # the worker builds each program's read model of the day once the day begins (issue 14)
    # and settles the marks of a program whose settings changed since they were computed
    worker_chores = (
        "esp.progress.services.projection.build_today",
        "esp.progress.services.settled.settle_programs",
    )

    def ready(self) -> None:
        # Django's one place to wire an app once every app is loaded.
        from . import receivers

        receivers.connect()
