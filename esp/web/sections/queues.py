"""The Today sections other apps' selectors read: termination reviews to decide, Call Cert
not passed and over the clock, TBT and licensing pace, attendance, breakout help waiting,
classroom invites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from esp.access import scopes
from esp.accountability.selectors import pending_termination_reviews
from esp.breakouts.selectors import waiting_count
from esp.callqueue.selectors import over_the_clock as over_clock_lines
from esp.classrooms.selectors import esp_ladder, invites_due
from esp.pace.selectors import behind_pace as licensing_behind
from esp.reports.builders import build_report, scoped_report
from esp.tbt.selectors import behind_pace as tbt_behind_pace
from esp.tbt.selectors import help_desk_escalations

from .. import selectors
from .basis import Basis


@dataclass
class TerminationReviews:
    """R-L5: the delivered termination reviews the PM decides."""

    termination_reviews: list


def termination_reviews(base: Basis) -> TerminationReviews:
    return TerminationReviews(list(pending_termination_reviews(base.user)))


@dataclass
class Callcert:
    """The agents whose call certification is not passed (R-C4), with their names."""

    callcert: list[dict]


def callcert(base: Basis) -> Callcert:
    report = build_report("callcert", as_of=base.as_of, program=base.program)
    open_calls = [a for a in scoped_report(base.user, report)["agents"] if a["result"] != "passed"]
    base.names.update(selectors.agent_names(a["employee_id"] for a in open_calls))
    for line in open_calls:
        line["name"] = base.names.get(line["employee_id"], line["employee_id"])
    return Callcert(open_calls)


@dataclass
class OverTheClock:
    """R-C2: the connected agents over the certifier's clock, live."""

    over_the_clock: list[dict]


def over_the_clock(base: Basis) -> OverTheClock:
    return OverTheClock(over_clock_lines(scopes.visible_agents(base.user), base.now))


def _seen(base: Basis):
    """The agents a role limited to its scope sees (None: every agent)."""
    if scopes.ESP_MANAGER in base.roles:
        return None
    return selectors.visible_agent_ids(base.user)


@dataclass
class Tbt:
    """R-B5, R-B7: TBTs behind pace and agents without TBT access to escalate."""

    tbt_behind: list[dict]
    tbt_escalations: list[dict]


def tbt(base: Basis) -> Tbt:
    seen = _seen(base)
    return Tbt(
        tbt_behind_pace(base.program, base.as_of, seen),
        help_desk_escalations(base.program, base.as_of, seen),
    )


@dataclass
class LicensingPace:
    """R-I1b: the agents behind the licensing pace."""

    pace_behind: list[dict]


def licensing_pace(base: Basis) -> LicensingPace:
    seen = selectors.visible_agent_ids(base.user)
    return LicensingPace(licensing_behind(base.program, base.as_of, seen))


@dataclass
class Attendance:
    """The day's attendance occurrences (WFM)."""

    attendance: object  # lazy rows


def attendance(base: Basis) -> Attendance:
    return Attendance(selectors.attendance_on(base.as_of))


@dataclass
class Breakouts:
    """R-S4: how many agents the leader can see wait for breakout help."""

    breakouts_waiting: int


def breakouts(base: Basis) -> Breakouts:
    return Breakouts(waiting_count(base.user))


@dataclass
class ClassroomInvites:
    """R-S1, R-S3: the classroom invites to send now and the ESP invites to extend or move."""

    as_of: date
    due: list
    ladder: list

    @property
    def count(self) -> int:
        return len(self.due) + len(self.ladder)


@dataclass
class Classrooms:
    classrooms: ClassroomInvites


def classrooms(base: Basis) -> Classrooms:
    due = invites_due(scopes.visible_classes(base.user), base.as_of)
    ladder = esp_ladder(base.program, base.as_of, scopes.visible_agents(base.user))
    return Classrooms(ClassroomInvites(base.as_of, due, ladder))
