from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "esp.accountability"
    verbose_name = "Accountability (CAP documents)"
    # Its part of the agent page (esp.progress.hooks.agent_page_context; issue 13).
    agent_page_context = "esp.accountability.selectors.agent_page_context"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.accountability.defaults.load_default_cap_templates"
    # Policy rows a program copy copies too (esp.programs.services.program_copy).
    copied_with_program = ["esp.accountability.models.CapTemplate"]
    # R-L5 (issue 15 item 10): a termination review due by the rules is mailed to the PM once.
    worker_chores = ("esp.accountability.services.mail_due_termination_reviews",)

    def ready(self) -> None:
        # Django's one place to wire an app once every app is loaded (issue 13: the agent
        # page's accountability part and forms, through esp.progress.hooks).
        from . import receivers

        receivers.connect()
