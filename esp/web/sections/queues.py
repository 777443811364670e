"""The Today sections other apps' selectors read: termination reviews to decide, Call Cert
not passed and over the clock, TBT and licensing pace, attendance, breakout help waiting,
classroom invites."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from esp.access import scopes
from esp.access.writes import may_write
from esp.accountability.selectors import due_termination_reviews, pending_termination_reviews
from esp.breakouts.selectors import waiting_count
from esp.callqueue.selectors import availability_of, my_connections
from esp.callqueue.selectors import over_the_clock as over_clock_lines
from esp.classrooms.selectors import esp_ladder, invites_due
from esp.pace.selectors import behind_lines
from esp.rules.report_lines import TODAY

from .. import selectors
from . import sources
from .basis import Basis
from .preview import Preview, own_page, preview, preview_kept, route


@dataclass
class TerminationReviews:
    """R-L5: the delivered termination reviews the PM decides."""

    termination_reviews: Preview
    # issue 15 item 10: the reviews the rules say are due, which nobody delivered yet
    termination_due: Preview


def termination_reviews(base: Basis) -> TerminationReviews:
    url = own_page("termination_reviews", base.as_of)
    # None: the user's own scope (the ESP Manager's: no filter at all)
    among = None if base.seen is None else selectors.agents_among(base.seen)
    deciding = may_write(base.user, "termination_decision")  # else none: another query
    return TerminationReviews(
        preview_kept(
            sources.key(base, "termination_reviews", deciding),
            lambda: pending_termination_reviews(base.user, among),
            url,
            base.first,
        ),
        preview_kept(
            sources.key(base, "termination_due"),
            lambda: due_termination_reviews(base.lines("actions")),
            own_page("termination_due", base.as_of),
            base.first,
        ),
    )


@dataclass
class Callcert:
    """The agents whose call certification is not passed (R-C4), with their names."""

    callcert: Preview


def callcert(base: Basis) -> Callcert:
    return Callcert(sources.callcert_open(base, own_page("callcert", base.as_of)))


@dataclass
class OverTheClock:
    """R-C2: the connected agents over the certifier's clock, live."""

    over_the_clock: Preview


def over_the_clock(base: Basis) -> OverTheClock:
    url = own_page("over_the_clock", base.as_of)
    if not selectors.connections_open():  # none open: none over the clock (issue 14)
        return OverTheClock(preview([], url, base.first))
    return OverTheClock(
        preview(over_clock_lines(selectors.ids_among(base.seen), base.now), url, base.first)
    )


@dataclass
class CertifierDay:
    """R-C2: the agents connected to the certifier now, with their clock, and whether the
    certifier is marked available today (the Cert Coordinator connects them to agents)."""

    my_connections: list[dict]
    my_availability: object  # today's CertifierAvailability, or None: not set


def certifier_day(base: Basis) -> CertifierDay:
    return CertifierDay(
        my_connections(base.user, base.now), availability_of(base.user, base.now.date())
    )


@dataclass
class Tbt:
    """R-B5, R-B7: TBTs behind pace and agents without TBT access to escalate."""

    tbt_behind: Preview
    tbt_escalations: int


def tbt(base: Basis) -> Tbt:
    return Tbt(
        sources.tbt_behind(base, route("tbt:behind_pace", base.as_of)),
        sources.escalations(base),
    )


@dataclass
class LicensingPace:
    """R-I1b: the agents behind the licensing pace."""

    pace_behind: Preview


def licensing_pace(base: Basis) -> LicensingPace:
    """The day's pace lines the rules built (esp.rules.report_lines), behind ones only, by
    class and agent: one query."""
    url = route("pace:behind", base.as_of)
    lines = lambda: behind_lines(base.lines(TODAY))  # noqa: E731
    return LicensingPace(
        sources.lines_preview(base, "pace_behind", lines, sources.REPORT_ORDER, url)
    )


@dataclass
class Attendance:
    """The day's attendance occurrences (WFM)."""

    attendance: Preview


def attendance(base: Basis) -> Attendance:
    return Attendance(
        preview(selectors.attendance_on(base.as_of), own_page("attendance", base.as_of), base.first)
    )


@dataclass
class Breakouts:
    """R-S4: how many agents the leader can see wait for breakout help."""

    breakouts_waiting: int


def breakouts(base: Basis) -> Breakouts:
    return Breakouts(waiting_count(selectors.ids_among(base.seen)))


@dataclass
class ClassroomInvites:
    """R-S1, R-S3: the classroom invites to send now and the ESP invites to extend or move:
    the first `FIRST` of both, the invites to send first, and how many in all."""

    as_of: date
    due: list
    ladder: list
    count: int
    url: str  # the planner: every invite

    @property
    def more(self) -> bool:
        return self.count > len(self.due) + len(self.ladder)


@dataclass
class Classrooms:
    classrooms: ClassroomInvites


def classrooms(base: Basis) -> Classrooms:
    # the ESP Manager (who sees every agent) sees every class
    due = invites_due(None if base.seen is None else scopes.visible_classes(base.user), base.as_of)
    ladder = esp_ladder(base.program, base.as_of, selectors.ids_among(base.seen))  # None: all
    first = base.first or len(due) + len(ladder)
    return Classrooms(
        ClassroomInvites(
            base.as_of,
            due[:first],
            ladder[: max(first - len(due), 0)],
            len(due) + len(ladder),
            route("classrooms:planner", base.as_of),
        )
    )
