from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "esp.mailing"
    verbose_name = "Mail and reports sent"
