from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "esp.reports"
    verbose_name = "Reports"
    # The outlook's line on the agent page (esp.progress.hooks.agent_page_context; issue 18).
    agent_page_context = "esp.reports.outlook.agent_page_context"
    # The outlook of the day built before the first page asks (esp.mailing.runs.run_chores).
    worker_chores = ("esp.reports.services.build_outlooks",)
    # The reports this app mails every business day (esp.mailing.registry).
    mailed_reports = (
        "esp.reports.mailed.DAILY_INCOMPLETIONS",
        "esp.reports.mailed.ACTIONS_PER_TL",
        "esp.reports.mailed.TL_CHECKLIST",
        "esp.reports.mailed.WFM_DIGEST",
    )
