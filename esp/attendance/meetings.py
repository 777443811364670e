"""Meeting attendance import (SPEC R-A3, §15 "Meeting attendance"): a meeting report of one
class day becomes proposed occurrences, proposed absences and unmatched rows; what a person
(or the command line) confirms is saved as ordinary ``attendance`` facts.

The import's API in one place; the work is done by

    parse.py      reading and checking the file (no database)
    match.py      matching rows to agents, classifying their joins (no database)
    selectors.py  the class day's times, the class's agents, ``propose_meeting`` (reads only)
    services.py   ``meeting_save``: the confirmed save (one transaction, audited)

API::

    propose_meeting(source, *, class_code, day, columns=None) -> MeetingResult
    save_meeting(result, *, actor=None, absent_as=None, source="meeting") -> MeetingSaved
    parse_meeting(source, *, day, time_zone, columns=None) -> ParsedMeeting   (no database)
    class_day_times(training_class, day) -> DayTimes                          (R-A1)
"""

from __future__ import annotations

from collections.abc import Mapping

from esp.lib import clock

from .match import (
    ABSENCE_KINDS,
    AgentDay,
    ClassAgent,
    DayTimes,
    MeetingImportError,
    MeetingResult,
    describe_times,
    match_rows,
)
from .parse import (
    LAYOUTS,
    Layout,
    MeetingRow,
    ParsedMeeting,
    describe_row,
    parse_meeting,
    parse_moment,
)
from .selectors import class_agents, class_day_times, propose_meeting
from .services import MeetingSaved, meeting_save

__all__ = [
    "ABSENCE_KINDS",
    "LAYOUTS",
    "AgentDay",
    "ClassAgent",
    "DayTimes",
    "Layout",
    "MeetingImportError",
    "MeetingResult",
    "MeetingRow",
    "MeetingSaved",
    "ParsedMeeting",
    "class_agents",
    "class_day_times",
    "describe_row",
    "describe_times",
    "match_rows",
    "parse_meeting",
    "parse_moment",
    "propose_meeting",
    "save_meeting",
]


def save_meeting(
    result: MeetingResult,
    *,
    actor=None,
    absent_as: str | Mapping[str, str] | None = None,
    source: str = "meeting",
    dry_run: bool = False,
) -> MeetingSaved:
    """`meeting_save` confirmed now (the callers that have no clock of their own: tests)."""
    return meeting_save(
        result=result,
        now=clock.now(),
        actor=actor,
        absent_as=absent_as,
        source=source,
        dry_run=dry_run,
    )
