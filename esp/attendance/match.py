"""Matching a meeting report's rows to the class's agents and proposing what they mean
(SPEC R-A3), with no database: the agents, the class day's times and the parsed rows are
given.

Matching (never guessed): a row belongs to the agent of the class whose work or personal
e-mail it names (case-insensitive), else to the one agent of the class whose full name it
names: "First Last" or "Last, First", case, spaces and accents ignored, a trailing
parenthesised part (Zoom's device, "Bob Baker (Bob's iPhone)", or original name, "Bobby
(Bob Baker)") tried apart from the rest (issue 16 item 6); anything else — a TL, a guest, a
dial-in number, two agents with the same name — is an unmatched row, listed and not an
error. An agent may have several
rows (a rejoin after a drop). Each matched agent's joins are classified against the day's
schedule (``esp.rules.attendance.classify``); an agent with no row is a proposed absence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from esp.lib.display import clock_time
from esp.rules.attendance import (
    ABSENT,
    ABSENT_APPROVED,
    NCNS,
    Schedule,
    classify,
    half_shift,
    unseen_minutes,
    working_minutes,
)

from .parse import MeetingRow, ParsedMeeting

ABSENCE_KINDS = (ABSENT, ABSENT_APPROVED, NCNS)


class MeetingImportError(ValueError):
    """The import cannot run for this class and day (unknown class, no class that day...)."""


@dataclass(frozen=True)
class DayTimes:
    """A class day's schedule (R-A1) and its start and end in the program's time zone."""

    day: date
    schedule: Schedule
    start: datetime
    end: datetime
    phase: str
    pauses: tuple[tuple[datetime, datetime], ...] = ()  # the breaks and lunch (R-A1)

    @property
    def working_minutes(self) -> int:
        return working_minutes(self.schedule)

    @property
    def half_shift(self) -> float:
        return half_shift(self.schedule)


@dataclass(frozen=True)
class ClassAgent:
    agent_id: int
    employee_id: str
    name: str
    emails: tuple[str, ...]


@dataclass(frozen=True)
class AgentDay:
    """A matched agent's rows and the occurrences they make (``classify``)."""

    agent: ClassAgent
    rows: tuple[MeetingRow, ...]
    occurrences: tuple[tuple[str, int | None], ...]

    @property
    def first_join(self) -> datetime:
        return min(row.joined for row in self.rows)

    @property
    def last_leave(self) -> datetime:
        return max(row.left for row in self.rows)


@dataclass(frozen=True)
class MeetingResult:
    class_code: str
    day: date
    layout: str  # generic, google_meet, goto_training or mapped
    times: DayTimes
    matched: tuple[AgentDay, ...]  # every agent with a row, by employee id
    absences: tuple[ClassAgent, ...]  # proposed: agents of the class with no row
    unmatched: tuple[MeetingRow, ...]  # in file order
    zone_note: str = ""  # how the report's times were read (ParsedMeeting.zone_note)
    header: tuple[str, ...] = ()  # the report's column names (ParsedMeeting.header)
    columns: tuple[tuple[str, str], ...] = ()  # a column mapping used: (field, column)
    mapping_note: str = ""  # whose remembered mapping read the columns, if one did
    layout_title: str = ""  # the layout as people name it: "Zoom participants report"

    @property
    def hours_off(self) -> int:
        """Whole hours most agents read late (or early) by, when the report's times look read
        in the wrong time zone: at least half the matched agents join within 15 minutes of
        the same whole number of hours after (or leave that long before) the class day's
        start (end). 0 when nothing looks off."""
        if not self.matched:
            return 0
        start = self.times.start
        shifts = [round((a.first_join - start).total_seconds() / 3600) for a in self.matched]
        for hours in sorted(set(shifts) - {0}, key=abs):
            near = [
                a
                for a in self.matched
                if abs((a.first_join - start).total_seconds() / 60 - hours * 60) <= 15
            ]
            if len(near) * 2 >= len(self.matched):
                return hours
        return 0

    @property
    def occurrences(self) -> list[tuple[ClassAgent, str, int | None]]:
        """The proposed occurrences: (agent, kind, minutes), by employee id."""
        return [(a.agent, kind, minutes) for a in self.matched for kind, minutes in a.occurrences]


# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ı": "i", "Æ": "AE", "æ": "ae"}
    | {"Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "Th", "þ": "th", "Ð": "D", "ð": "d"}
)
_TRAILING = re.compile(r"^(?P<name>[^()]*?)\s*\((?P<inner>[^()]*)\)\s*$")


def _name_key(name: str) -> str:
    """A name with accents, case and spaces folded: "  José  NÚÑEZ" -> "jose nunez"."""
    bare = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return " ".join(bare.split()).casefold()


def name_keys(name: str) -> list[str]:
    """The keys a report's name is tried under, in order: the name without a trailing
    parenthesised part, then that part (each "Last, First" read as "First Last")."""
    match = _TRAILING.match(name)
    parts = [match["name"], match["inner"]] if match else [name]
    keys = []
    for part in parts:
        last, comma, first = part.partition(",")
        key = _name_key(f"{first} {last}" if comma else part)
        if key and key not in keys:
            keys.append(key)
    return keys


def match_rows(
    rows: Sequence[MeetingRow], agents: Sequence[ClassAgent]
) -> tuple[dict[str, list[MeetingRow]], list[MeetingRow]]:
    """Rows by employee id (e-mail first, then a unique full name), and the unmatched rows."""
    by_email: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    for agent in agents:
        for email in agent.emails:
            by_email.setdefault(email, set()).add(agent.employee_id)
        by_name.setdefault(_name_key(agent.name), set()).add(agent.employee_id)
    matched: dict[str, list[MeetingRow]] = {}
    unmatched: list[MeetingRow] = []
    for row in rows:
        candidates = by_email.get(row.email.lower(), set()) if row.email else set()
        if not candidates and row.name:
            found = (by_name[key] for key in name_keys(row.name) if key in by_name)
            candidates = next(found, set())
        if len(candidates) == 1:
            matched.setdefault(next(iter(candidates)), []).append(row)
        else:
            unmatched.append(row)
    return matched, unmatched


def propose(
    parsed: ParsedMeeting,
    agents: Sequence[ClassAgent],
    times: DayTimes,
    *,
    class_code: str,
    minimum: int,
    absent: int,
) -> MeetingResult:
    """What a parsed report means for the class's agents on the day: each matched agent's
    occurrences (R-A3, with the program's `minimum` and `absent` minutes), the proposed
    absences and the unmatched rows."""
    rows_of, unmatched = match_rows(parsed.rows, agents)
    matched = []
    absences = []
    for agent in agents:
        rows = rows_of.get(agent.employee_id)
        if not rows:
            absences.append(agent)
            continue
        joins = [(row.joined, row.left) for row in rows]
        unseen = [
            unseen_minutes(
                (row.joined, row.left), row.present, times.start, times.end, times.pauses
            )
            for row in rows
            if row.present is not None
        ]
        occurrences = classify(
            joins,
            times.start,
            times.end,
            minimum=minimum,
            absent=absent,
            pauses=times.pauses,
            unseen=unseen,
        )
        matched.append(AgentDay(agent, tuple(rows), tuple(occurrences)))
    return MeetingResult(
        class_code=class_code,
        day=times.day,
        layout=parsed.layout.key,
        layout_title=parsed.layout.title,
        times=times,
        matched=tuple(matched),
        absences=tuple(absences),
        unmatched=tuple(unmatched),
        zone_note=parsed.zone_note,
        header=parsed.header,
    )


def chosen_absences(
    result: MeetingResult, absent_as: str | Mapping[str, str] | None
) -> dict[str, str]:
    """Employee id -> absence kind to record: None (none), one kind for every proposed
    absence, or a mapping for the ones a person confirmed; anything else is refused."""
    if absent_as is None:
        return {}
    ids = {agent.employee_id for agent in result.absences}
    chosen = (
        dict.fromkeys(sorted(ids), absent_as) if isinstance(absent_as, str) else dict(absent_as)
    )
    for employee_id, kind in chosen.items():
        if kind not in ABSENCE_KINDS:
            raise MeetingImportError(
                f"an agent with no row is recorded as {', '.join(ABSENCE_KINDS)}, not '{kind}'"
            )
        if employee_id not in ids:
            raise MeetingImportError(f"{employee_id} is not a proposed absence of this meeting")
    return chosen


def describe_times(times: DayTimes) -> str:
    """E.g. "08:00 AM–04:30 PM (450 working minutes)"."""
    return (
        f"{clock_time(times.start)}–{clock_time(times.end)} "
        f"({times.working_minutes} working minutes, half a shift {times.half_shift:g})"
    )
