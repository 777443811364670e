from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "esp.programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        # The default program's names join the one label map (issue 17 item 2).
        from . import default_program, receivers

        default_program.register_labels()
        receivers.connect()  # a settings row written: a new policy stamp (issue 14)
