from django.apps import AppConfig


class TbtConfig(AppConfig):
    name = "esp.tbt"
    verbose_name = "TBTs"
    # The reports this app mails every business day (esp.mailing.registry).
    mailed_reports = ("esp.tbt.mailed.CALLCERT_SUMMARY", "esp.tbt.mailed.TBT_COMPLETION")
