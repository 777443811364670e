from django.apps import AppConfig


class PaceConfig(AppConfig):
    name = "esp.pace"
    verbose_name = "Licensing pace"
    # The reports this app mails every business day (esp.mailing.registry).
    mailed_reports = ("esp.pace.mailed.LICENSING_PACE",)
