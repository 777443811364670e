"""Issue 15 item 11 (seed 001, R-A2): attendance cannot be recorded for a day that has not
come yet — on the attendance page, the meeting import and, here, `esp import activity`: the
file is refused whole, the row named, nothing written."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from esp.lib.csvio import ImportRejected
from esp.progress.models import Fact
from esp.progress.services.activity import import_activity
from tests.progress.test_import_batches import HEADER, agents  # noqa: F401 - E001, E002

WEDNESDAY = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.mark.usefixtures("agents")
def test_the_activity_import_refuses_attendance_for_a_day_that_has_not_come(write):
    """Seed 001: "a Saturday three days ahead took an Absent" — no longer."""
    rows = [
        HEADER,
        "2026-11-25,E001,attendance,tardy,15,tl@cxp.example,",
        "2026-11-28,E002,attendance,absent,,tl@cxp.example,",
    ]
    with time_machine.travel(WEDNESDAY, tick=False):
        with pytest.raises(ImportRejected) as rejected:
            import_activity(write("\n".join(rows)))
        assert [str(e) for e in rejected.value.errors] == [
            "line 3, column date: attendance for 11/28/2026, a day that has not come yet "
            "(today is 11/25/2026): attendance is recorded on or after the class day"
        ]
        assert Fact.objects.count() == 0
        assert import_activity(write("\n".join(rows[:2]))).created == 1  # today's is taken
