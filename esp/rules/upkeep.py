"""Which teams keep up (R-N7), and the transfer that waits too long (R-I1a). Pure.

Per TL, licensing user and cert coordinator, the day's checks, computed from plain records
and the day's marks the selectors read; nothing is ticked by hand. A day that is not a
business day expects nothing of anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from esp.lib.display import label, us_day

from .calendar import BusinessCalendar
from .checklist import Checklist, DayMarks
from .exams import last_attempts_to_arrange
from .progress import AgentProgress
from .records import Policy

#: R-I1a: an ESP-complete agent is flagged "not transferred" once older than this many
#: business days (SPEC: "older than 1 business day").
TRANSFER_WITHIN_BUSINESS_DAYS = 1


def not_transferred(section_key: str, age_business_days: int, policy: Policy) -> bool:
    """R-I1a: a line of the transfer section older than the business days allowed."""
    return (
        section_key == policy.transfer_section and age_business_days > TRANSFER_WITHIN_BUSINESS_DAYS
    )


def late_transfers(report: dict, policy: Policy) -> frozenset[str]:
    """R-I1a: the employee ids of an incompletions report's transfer lines older than allowed."""
    return frozenset(
        agent["employee_id"]
        for section in report["sections"]
        for agent in section["agents"]
        if not_transferred(section["key"], agent["age_business_days"], policy)
    )


@dataclass
class Check:
    key: str
    label: str
    expected: int  # how many things should be done today
    open: list[dict] = field(default_factory=list)  # employee_id (optional), name, detail
    remark: str = ""

    @property
    def done(self) -> bool:
        return not self.open

    @property
    def status(self) -> str:
        return "done" if self.done else f"{len(self.open)} open"


def expects_checks(calendar: BusinessCalendar, as_of: date) -> bool:
    """Nothing is expected of the teams on a day that is not a business day."""
    return calendar.is_business_day(as_of)


def line(progress: AgentProgress, detail: str = "") -> dict:
    record = progress.record
    return {"employee_id": record.employee_id, "name": record.name, "detail": detail}


def by_name(progresses: Iterable[AgentProgress]) -> list[AgentProgress]:
    return sorted(progresses, key=lambda p: (p.record.last_name, p.record.name))


def in_window(progress: AgentProgress, window: tuple[str, str], as_of: date) -> bool:
    """Whether the agent's class is, on the day, between the start of `window[0]` (included)
    and the start of `window[1]` (excluded): a team's phases (access.scopes.PHASE_WINDOWS)."""
    first, following = window
    starts = progress.class_dates(as_of).phase_starts
    started, over = starts.get(first), starts.get(following)
    return started is not None and started <= as_of and not (over is not None and over <= as_of)


def class_started(progress: AgentProgress, as_of: date) -> bool:
    """Whether the class whose dates apply on the day (R-T3) has begun its first phase."""
    starts = progress.class_dates(as_of).phase_starts.values()
    return any(start <= as_of for start in starts)


def unticketed_equipment(progress: AgentProgress) -> bool:
    """The agent's latest equipment fact is an issue without an IT ticket number."""
    equipment = progress.facts("equipment")
    latest = equipment[-1] if equipment else None
    return latest is not None and latest.item == "issue" and not latest.value


def calls_without_follow_up(progress: AgentProgress, as_of: date, pass_mark: int) -> list[str]:
    """Call numbers whose latest score (on or before the day) is under the pass mark, with
    no note and no delivered step on or after the day of that score."""
    latest: dict[int, tuple[date, int]] = {}
    follow_ups = []
    for fact in progress.record.facts:
        if fact.date > as_of:
            break
        if fact.kind == "call":
            try:
                latest[int(fact.item)] = (fact.date, int(fact.value))
            except ValueError:
                continue
        elif fact.kind in ("note", "action"):
            follow_ups.append(fact.date)
    return [
        f"call {number} scored {score} on {day:%m/%d/%Y}"
        for number, (day, score) in sorted(latest.items())
        if score < pass_mark and not any(d >= day for d in follow_ups)
    ]


def _step_detail(action: dict) -> str:
    """`Written CAP on the Failed exams ladder, overdue, due 11/20/2026`: the step and the
    ladder named as the agent page and Today name them, not by their keys."""
    due_on = date.fromisoformat(action["due_on"])
    step, ladder = label(action["step"], "step"), label(action["ladder"], "ladder")
    status = label(action["status"], "status").lower()
    return f"{step} on the {ladder} ladder, {status}, due {us_day(due_on)}"


def tl_checks(
    agents: list[AgentProgress], checklist: Checklist, *, delivered: int, tickets: int
) -> list[Check]:
    """A TL's checks (R-N5 items): `agents` sorted by name, their evening `checklist`, the
    steps `delivered` and the carrier `tickets` recorded on the day."""
    steps = [{**_named(a), "detail": _step_detail(a)} for a in checklist.due]
    unticketed = [p for p in agents if unticketed_equipment(p)]
    not_touched = {a["employee_id"] for a in checklist.not_touched}
    not_reported = {a["employee_id"] for a in checklist.not_reported}
    return [
        Check(
            "updates",
            "Statuses updated today",
            len(agents),
            [line(p) for p in agents if p.record.employee_id in not_touched],
        ),
        Check(
            "steps",
            "Due corrective actions delivered",
            len(steps) + delivered,
            steps,
            f"{delivered} delivered today",
        ),
        Check(
            "self_reports",
            "Agents self-reported",
            len(agents),
            [line(p) for p in agents if p.record.employee_id in not_reported],
        ),
        Check(
            "tickets",
            "Equipment issues with an IT ticket",
            len(unticketed),
            [line(p, "equipment issue without a ticket number") for p in unticketed],
            f"{tickets} carrier ticket(s) recorded today",
        ),
    ]


def _named(action: dict) -> dict:
    return {"employee_id": action["employee_id"], "name": action["name"]}


def licensing_checks(
    agents: list[AgentProgress],
    waiting: Mapping[str, list[tuple[str, date]]],
    marks: DayMarks,
    calendar: BusinessCalendar,
    as_of: date,
    attempts: int,
    arranged: frozenset[tuple[str, str]] = frozenset(),
) -> list[Check]:
    """Licensing's checks: proofs waiting (item, day submitted) with their age in business
    days, licensing-phase agents updated today, proctored last attempts to arrange (R-N4a)
    but those `arranged` ((employee id, exam): issue 15 item 13)."""
    proofs, arrange = [], []
    for progress in agents:
        for item, submitted in waiting.get(progress.record.employee_id, ()):
            age = calendar.age(submitted, as_of)
            proofs.append(
                line(progress, f"{item.replace('_', ' ')} proof waiting {age} business day(s)")
            )
        for last in last_attempts_to_arrange(progress.facts("exam"), as_of, attempts):
            if (progress.record.employee_id, last.exam) in arranged:
                continue
            arrange.append(line(progress, f"{last.exam.replace('_', ' ')}: proctored attempt"))
    return [
        Check("proofs", "Proofs reviewed", len(proofs), proofs),
        Check(
            "updates",
            "Licensing-phase agents updated today",
            len(agents),
            [line(p) for p in agents if p.record.employee_id not in marks.touched],
        ),
        Check(
            "proctored",
            "Proctored last attempts arranged",
            len(arrange),
            arrange,
            "open until the agent passes or takes the last attempt",
        ),
    ]


def cert_checks(
    agents: list[AgentProgress],
    over_clock: list[dict],
    *,
    as_of: date,
    pass_mark: int,
    live: bool,
    report_sent: bool,
    report_status: str,
) -> list[Check]:
    """The cert coordinator's checks: connected agents over the 4-hour clock (R-C2, lines
    given), calls not passed without a follow-up, the end-of-day Call Cert report (R-N2)."""
    not_followed = [
        line(p, detail) for p in agents for detail in calls_without_follow_up(p, as_of, pass_mark)
    ]
    report_open = (
        [] if report_sent else [{"name": "End-of-day Call Cert report", "detail": report_status}]
    )
    return [
        Check(
            "clock",
            "Connected agents within the 4-hour clock",
            len(over_clock),
            list(over_clock),
            "" if live else "the clock is live: shown for today only",
        ),
        Check("follow_up", "Calls not passed followed up", len(not_followed), not_followed),
        Check("callcert_report", "End-of-day Call Cert report sent", 1, report_open),
    ]
