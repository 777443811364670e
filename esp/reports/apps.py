from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "esp.reports"
    verbose_name = "Reports"
    # The reports this app mails every business day (esp.mailing.registry).
    mailed_reports = (
        "esp.reports.mailed.DAILY_INCOMPLETIONS",
        "esp.reports.mailed.ACTIONS_PER_TL",
        "esp.reports.mailed.TL_CHECKLIST",
        "esp.reports.mailed.WFM_DIGEST",
    )
