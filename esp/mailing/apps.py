from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "esp.mailing"
    verbose_name = "Mail and reports sent"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.mailing.services.schedules.ensure_lists_and_schedules"
