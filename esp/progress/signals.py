"""What progress tells the apps above it (issue 13: it imports none of them)."""

from django.dispatch import Signal

# Sent by esp.progress.notifications.notify_after_facts with `agents` (every call of each is
# scored and the latest score is news: dated since the previous business day) and `now`,
# however the scores arrived: the scoring page, the Call Certification form, the API or an
# import. esp.certification mails the scorecard workbook (R-C5; issue 15 item 2).
calls_scored = Signal()
