"""R-A3 without a database: reading a report (parse) and matching its rows to agents (match)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from esp.attendance.match import (
    ClassAgent,
    DayTimes,
    MeetingImportError,
    chosen_absences,
    match_rows,
    propose,
)
from esp.attendance.parse import parse_meeting
from esp.lib.csvio import ImportRejected
from esp.rules.attendance import Schedule

DAY = date(2026, 11, 3)
ZONE = "America/Chicago"
AGENTS = [
    ClassAgent(1, "E001", "Ann Able", ("ann@cxp.example",)),
    ClassAgent(2, "E002", "Bob Baker", ("bob@cxp.example",)),
    ClassAgent(3, "E003", "Cy Cole", ()),
    ClassAgent(4, "E004", "Cy Cole", ()),
]
REPORT = b"""name,email,join_time,leave_time
Someone,ann@cxp.example,08:20,16:30
Bob Baker,,08:00,16:30
Cy Cole,,08:00,16:30
A Guest,guest@elsewhere.example,09:00,10:00
"""


def times() -> DayTimes:
    schedule = Schedule(
        start=time(8),
        end=time(16, 30),
        first_break_minutes=15,
        second_break_minutes=15,
        lunch_minutes=30,
    )
    zone = ZoneInfo(ZONE)
    start, end = (datetime.combine(DAY, at, zone) for at in (schedule.start, schedule.end))
    return DayTimes(DAY, schedule, start, end, "licensing")


def test_it_matches_by_email_then_by_a_unique_full_name_and_never_guesses():
    parsed = parse_meeting(REPORT, day=DAY, time_zone=ZONE)
    matched, unmatched = match_rows(parsed.rows, AGENTS)
    assert sorted(matched) == ["E001", "E002"]
    assert [row.name for row in unmatched] == ["Cy Cole", "A Guest"]  # two Cy Coles, a guest


def test_it_proposes_occurrences_and_absences_and_checks_the_chosen_absences():
    parsed = parse_meeting(REPORT, day=DAY, time_zone=ZONE)
    result = propose(parsed, AGENTS, times(), class_code="AET-A", minimum=10, absent=240)
    assert [a.agent.employee_id for a in result.matched] == ["E001", "E002"]
    assert [a.employee_id for a in result.absences] == ["E003", "E004"]
    assert chosen_absences(result, "ncns") == {"E003": "ncns", "E004": "ncns"}
    with pytest.raises(MeetingImportError, match="not a proposed absence"):
        chosen_absences(result, {"E001": "absent"})


def test_a_bad_row_rejects_the_whole_file_with_its_line_and_column():
    with pytest.raises(ImportRejected) as rejected:
        parse_meeting(
            b"name,email,join_time,leave_time\nAnn,ann@cxp.example,soon,16:30\n",
            day=DAY,
            time_zone=ZONE,
        )
    assert [(e.line, e.column) for e in rejected.value.errors] == [(2, "join_time")]
