"""The ESP outlook (issue 18): durations learned from the program's own history, forecasts per
agent and class, the certifiers each coming day needs, and the replay that measures them.
Pure: records, policy, calendar and as-of day in; plain values out."""

from .forecast import AgentOutlook, ClassOutlook, Outlook, build_outlook, complete_dates
from .learn import Durations, Forecast, percentile
from .report import OutlookSnapshot, outlook_report, snapshot
from .state import State, Timeline

__all__ = [
    "AgentOutlook",
    "ClassOutlook",
    "Durations",
    "Forecast",
    "Outlook",
    "OutlookSnapshot",
    "State",
    "Timeline",
    "build_outlook",
    "complete_dates",
    "outlook_report",
    "snapshot",
    "percentile",
]
