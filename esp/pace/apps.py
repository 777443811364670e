from django.apps import AppConfig


class PaceConfig(AppConfig):
    name = "esp.pace"
    verbose_name = "Licensing pace"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.pace.defaults.load_default_pace"
    # Policy rows a program copy copies too (esp.programs.services.program_copy).
    copied_with_program = ["esp.pace.models.PaceModule"]
    # The reports this app mails every business day (esp.mailing.registry).
    mailed_reports = ("esp.pace.mailed.LICENSING_PACE",)
    # Its part of the agent page: the proctored last attempts to arrange (issue 15 item 13).
    agent_page_context = "esp.pace.selectors.agent_page_context"
    # Its part of the read model's rules: the pace table and the grid's ticks (R-I1b, issue 14).
    read_model_part = "esp.pace.selectors.read_model_part"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
