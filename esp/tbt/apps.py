from django.apps import AppConfig


class TbtConfig(AppConfig):
    name = "esp.tbt"
    verbose_name = "TBTs"
    # The reports this app mails every business day (esp.mailing.registry).
    mailed_reports = ("esp.tbt.mailed.CALLCERT_SUMMARY", "esp.tbt.mailed.TBT_COMPLETION")
    # The board's TBT marks and the tracker's TBT access (esp.progress.hooks; seed 000).
    board_marks = "esp.tbt.selectors.board_marks"
    # Its part of the agent page: N-Number request, TBT access, the 8-hour clock, SMEs.
    agent_page_context = "esp.tbt.selectors.agent_page_context"
