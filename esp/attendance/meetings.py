"""Meeting attendance import (SPEC R-A3, §15 "Meeting attendance"): a meeting report of one
class day becomes proposed occurrences, proposed absences and unmatched rows.

Two phases (STYLE §5): ``propose_meeting`` reads and checks the whole file (a malformed file
is rejected whole with ``ImportRejected``, every bad row named with its line, column and
reason), matches rows to the class's agents and classifies each agent's joins against the
day's schedule; nothing is written. ``save_meeting`` then records what a person (or the
command line) confirmed, as ordinary ``attendance`` facts.

API::

    propose_meeting(source, *, class_code, day, columns=None) -> MeetingResult
    save_meeting(result, *, actor=None, absent_as=None, source="meeting") -> MeetingSaved
    parse_meeting(source, *, day, time_zone, columns=None) -> ParsedMeeting   (no database)
    class_day_times(training_class, day) -> DayTimes                          (R-A1)

``source`` is a path, bytes (an upload) or a text stream. ``columns`` maps the fields
``name`` (or ``first_name`` + ``last_name``), ``email``, ``join_time`` and ``leave_time`` to
the columns of any other CSV (case-insensitive); without it the layout is recognised from the
header: the generic CSV of §15 (``name, email, join_time, leave_time``; other columns only
with an ``x_`` prefix), the Google Meet attendance report (First name, Last name, Email,
Duration, Time joined, Time exited) and the GoTo Training attendance report (First Name,
Last Name, Email Address, Join Time, Leave Time, Time in Session; report lines above the
header are skipped). Times are ISO 8601 or ``MM/DD/YYYY HH:MM AM`` (seconds optional, a
trailing zone abbreviation allowed when it is the program's), or a time of day alone (the
class day is then the date); times without an offset are in the program's time zone.

Matching (never guessed): a row belongs to the agent of the class whose work or personal
e-mail it names (case-insensitive), else to the one agent of the class whose full name
("First Last", case and spaces ignored) it names; anything else — a TL, a guest, two agents
with the same name — is an unmatched row, listed and not an error. An agent may have several
rows (a rejoin after a drop). The agents of a class are those in it on the day (moves
honoured) whose employment is active and who are not transferred to production.

``absent_as`` is None (proposed absences are only listed), one kind (``absent``,
``absent_approved`` or ``ncns``) for every agent with no row, or a mapping employee id ->
kind for the agents a person confirmed one by one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from django.db import transaction

from esp.lib.csvio import ImportRejected, RowError, is_email
from esp.lib.textcheck import text_problem
from esp.rules.attendance import (
    ABSENT,
    ABSENT_APPROVED,
    NCNS,
    Schedule,
    classify,
    half_shift,
    working_minutes,
)

ABSENCE_KINDS = (ABSENT, ABSENT_APPROVED, NCNS)
FIELDS = ("name", "first_name", "last_name", "email", "join_time", "leave_time")
PREAMBLE_LINES = 30  # report lines a provider may print above the header row


class MeetingImportError(ValueError):
    """The import cannot run for this class and day (unknown class, no class that day...)."""


# -- layouts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a meeting report names its columns: field -> the header names accepted for it."""

    key: str
    title: str
    fields: Mapping[str, tuple[str, ...]]
    strict: bool = False  # other columns: an error unless prefixed x_ (SPEC §15), else ignored
    preamble: bool = False  # report lines may come before the header row

    def resolve(self, header: Sequence[str]) -> dict[str, int] | None:
        """Field -> column index when every field of the layout is in `header`."""
        found = {}
        for name, accepted in self.fields.items():
            index = next((i for i, column in enumerate(header) if column in accepted), None)
            if index is None:
                return None
            found[name] = index
        return found


GENERIC = Layout(
    "generic",
    "generic CSV",
    {
        "name": ("name",),
        "email": ("email",),
        "join_time": ("join_time",),
        "leave_time": ("leave_time",),
    },
    strict=True,
)
# Google Workspace help, "Track attendance in Google Meet": the attendance report lists each
# participant's name, e-mail, how long they were in the call and when they joined and left.
GOOGLE_MEET = Layout(
    "google_meet",
    "Google Meet attendance report",
    {
        "first_name": ("first name",),
        "last_name": ("last name",),
        "email": ("email", "email address"),
        "join_time": ("time joined",),
        "leave_time": ("time exited",),
    },
)
# GoTo Training, "Get Attendance Details": per attendee givenName, surname, email,
# timeInSession, and per part of the session joined joinTime, leaveTime, timeInPartOfSession.
GOTO_TRAINING = Layout(
    "goto_training",
    "GoTo Training attendance report",
    {
        "first_name": ("first name", "given name"),
        "last_name": ("last name", "surname"),
        "email": ("email address", "email"),
        "join_time": ("join time",),
        "leave_time": ("leave time",),
    },
    preamble=True,
)
LAYOUTS = (GENERIC, GOOGLE_MEET, GOTO_TRAINING)


def mapped_layout(columns: Mapping[str, str]) -> Layout:
    """A layout from a column mapping (field -> the file's column name)."""
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ImportRejected(
            [
                RowError(
                    0,
                    "",
                    f"unknown field(s) {', '.join(unknown)} in the column mapping "
                    f"(one of {', '.join(FIELDS)})",
                )
            ]
        )
    names = set(columns)
    missing = [f for f in ("join_time", "leave_time") if f not in names]
    if "name" not in names and not {"first_name", "last_name"} <= names and "email" not in names:
        missing.append("name (or first_name and last_name) or email")
    if missing:
        raise ImportRejected([RowError(0, "", f"the column mapping lacks {', '.join(missing)}")])
    return Layout(
        "mapped",
        "CSV with a column mapping",
        {name: (column.strip().lower(),) for name, column in columns.items()},
    )


# -- reading the file -------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    """One join: a row of the report, with its line number."""

    line: int
    name: str
    email: str
    joined: datetime
    left: datetime


@dataclass(frozen=True)
class ParsedMeeting:
    layout: Layout
    rows: tuple[MeetingRow, ...]


def _text(source: str | Path | bytes | IO) -> str:
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImportRejected(
                [RowError(0, "", f"cannot read the file: {exc.strerror}")], str(source)
            ) from exc
    else:
        data = source.read()
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, "", f"not UTF-8 text ({exc.reason})")]) from exc


def _header_names(values: Sequence[str]) -> list[str]:
    return [" ".join(v.split()).lower() for v in values]


def _find_header(lines: list[tuple[int, list[str]]], columns: Mapping[str, str] | None):
    """The layout, the header's index in `lines` and the field -> column index map."""
    if columns:
        layout = mapped_layout(columns)
        for index, (_, values) in enumerate(lines[:PREAMBLE_LINES]):
            found = layout.resolve(_header_names(values))
            if found is not None:
                return layout, index, found
        wanted = ", ".join(f"'{c}'" for c in columns.values())
        raise ImportRejected([RowError(1, "", f"no header row with the columns {wanted}")])
    if lines:
        header = _header_names(lines[0][1])
        for layout in LAYOUTS:
            found = layout.resolve(header)
            if found is not None:
                return layout, 0, found
    for index, (_, values) in enumerate(lines[1:PREAMBLE_LINES], start=1):
        header = _header_names(values)
        for layout in LAYOUTS:
            if layout.preamble:
                found = layout.resolve(header)
                if found is not None:
                    return layout, index, found
    raise ImportRejected(
        [
            RowError(
                1,
                "",
                "not a meeting attendance report: expected the columns name, email, join_time, "
                "leave_time (SPEC §15), a Google Meet or GoTo Training attendance report, "
                "or a column mapping",
            )
        ]
    )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(
    r"^(?P<date>\d{1,2}/\d{1,2}/\d{4}\s+)?(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?(?:\s+(?P<zone>[A-Za-z]{2,5}))?$"
)


def parse_moment(text: str, day: date, zone: ZoneInfo) -> datetime:
    """A join or leave time as an aware datetime in `zone` (see the module's docstring)."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("is empty")
    if _ISO_DATE.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not an ISO 8601 date and time") from None
        if moment.tzinfo is None:
            return moment.replace(tzinfo=zone)
        return moment.astimezone(zone)
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(
            f"'{text}' is not a time (ISO 8601, MM/DD/YYYY HH:MM AM, or HH:MM AM on the day)"
        )
    hours, minutes, *seconds = (int(part) for part in match["time"].split(":"))
    ampm = (match["ampm"] or "").replace(".", "").upper()
    if ampm:
        if not 1 <= hours <= 12:
            raise ValueError(f"'{text}': hour {hours} with {ampm}")
        hours = hours % 12 + (12 if ampm == "PM" else 0)
    if match["date"]:
        try:
            on = datetime.strptime(match["date"].strip(), "%m/%d/%Y").date()  # noqa: DTZ007
        except ValueError:
            raise ValueError(f"'{text}' has no valid MM/DD/YYYY date") from None
    else:
        on = day
    try:
        moment = datetime.combine(on, time(hours, minutes, seconds[0] if seconds else 0), zone)
    except ValueError:
        raise ValueError(f"'{text}' is not a valid time of day") from None
    abbreviation = (match["zone"] or "").upper()
    if abbreviation in ("UTC", "GMT"):
        return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    if abbreviation and abbreviation != moment.tzname():
        raise ValueError(
            f"'{text}': time zone {abbreviation} is not the program's ({moment.tzname()}); "
            "write the time with an offset (ISO 8601)"
        )
    return moment


def parse_meeting(
    source: str | Path | bytes | IO,
    *,
    day: date,
    time_zone: str,
    columns: Mapping[str, str] | None = None,
) -> ParsedMeeting:
    """Read and check a meeting report of `day`; raise ImportRejected naming every bad row."""
    zone = ZoneInfo(time_zone)
    filename = str(source) if isinstance(source, (str, Path)) else ""
    reader = csv.reader(io.StringIO(_text(source)))
    lines: list[tuple[int, list[str]]] = []
    try:
        for values in reader:
            if any(v.strip() for v in values):
                lines.append((reader.line_num, values))
    except csv.Error as exc:
        raise ImportRejected(
            [RowError(reader.line_num, "", f"malformed CSV: {exc}")], filename
        ) from None
    if not lines:
        raise ImportRejected([RowError(0, "", "the file is empty (no header row)")], filename)
    try:
        layout, at, found = _find_header(lines, columns)
    except ImportRejected as exc:
        raise ImportRejected(exc.errors, filename) from None
    header_line, header_values = lines[at]
    header = _header_names(header_values)
    errors: list[RowError] = []
    seen: set[str] = set()
    allowed = {name for accepted in layout.fields.values() for name in accepted}
    for name in header:
        if name in seen and name:
            errors.append(RowError(header_line, name, "column appears twice"))
        seen.add(name)
        if layout.strict and name not in allowed and not name.startswith("x_"):
            errors.append(
                RowError(header_line, name, "unknown column (prefix it with x_ to keep it)")
            )
    if errors:
        raise ImportRejected(errors, filename)
    label = {index: header[index] for index in found.values()}
    rows: list[MeetingRow] = []
    for line, values in lines[at + 1 :]:
        if len(values) != len(header_values):
            errors.append(
                RowError(line, "", f"has {len(values)} fields, the header has {len(header)}")
            )
            continue
        cell = {name: values[index].strip() for name, index in found.items()}
        row_errors: list[RowError] = [
            RowError(line, label[found[name]], problem)
            for name, value in cell.items()
            if (problem := text_problem(value))
        ]
        if "name" in cell:
            person = " ".join(cell["name"].split())
        else:
            person = " ".join(f"{cell.get('first_name', '')} {cell.get('last_name', '')}".split())
        email = cell.get("email", "")
        if email and not is_email(email):
            row_errors.append(
                RowError(line, label[found["email"]], f"'{email}' is not an e-mail address")
            )
        if not person and not email:
            row_errors.append(RowError(line, "", "names neither a person nor an e-mail"))
        moments = {}
        for name in ("join_time", "leave_time"):
            try:
                moments[name] = parse_moment(cell[name], day, zone)
            except ValueError as exc:
                row_errors.append(RowError(line, label[found[name]], str(exc)))
        joined, left = moments.get("join_time"), moments.get("leave_time")
        if joined is not None and joined.date() != day:
            row_errors.append(
                RowError(
                    line,
                    label[found["join_time"]],
                    f"is on {joined:%m/%d/%Y}, not the class day {day:%m/%d/%Y}",
                )
            )
        if joined is not None and left is not None and left < joined:
            row_errors.append(RowError(line, label[found["leave_time"]], "is before the join time"))
        errors.extend(row_errors)
        if not row_errors:
            rows.append(MeetingRow(line, person, email, joined, left))
    if errors:
        raise ImportRejected(errors, filename)
    return ParsedMeeting(layout, tuple(rows))


# -- the class day -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayTimes:
    """A class day's schedule (R-A1) and its start and end in the program's time zone."""

    day: date
    schedule: Schedule
    start: datetime
    end: datetime
    phase: str

    @property
    def working_minutes(self) -> int:
        return working_minutes(self.schedule)

    @property
    def half_shift(self) -> float:
        return half_shift(self.schedule)


def class_day_times(training_class, day: date) -> DayTimes:
    """The schedule of the class's phase on `day` (or the program's schedule for every
    phase), with the class's own start and/or end for that date (ClassDay) over it. A closed
    day, or a weekend or holiday without a ClassDay giving its times, has no class."""
    from esp.programs.calendars import calendar_for
    from esp.programs.models import DaySchedule

    program = training_class.program
    override = training_class.class_days.filter(date=day).first()
    if override is not None and override.closed:
        note = f" ({override.note})" if override.note else ""
        raise MeetingImportError(f"class {training_class.code} is closed on {day:%m/%d/%Y}{note}")
    has_times = override is not None and bool(override.start or override.end)
    if not has_times and not calendar_for(program).is_business_day(day):
        raise MeetingImportError(f"{day:%m/%d/%Y} is not a business day (R-T1): no class")
    starts = training_class.phase_starts.select_related("phase").order_by("start_date")
    current = [p for p in starts if p.start_date <= day]
    if not current:
        raise MeetingImportError(
            f"class {training_class.code} has not started on {day:%m/%d/%Y} "
            f"(it starts {training_class.start_date:%m/%d/%Y})"
        )
    phase = current[-1].phase
    row = (
        DaySchedule.objects.filter(program=program, phase=phase).first()
        or DaySchedule.objects.filter(program=program, phase=None).first()
    )
    if row is None:
        raise MeetingImportError(f"program {program.key} has no class-day schedule (R-A1)")
    schedule = Schedule(
        start=(override.start if has_times else None) or row.start,
        end=(override.end if has_times else None) or row.end,
        first_break_minutes=row.break_minutes,
        second_break_minutes=row.break_minutes,
        lunch_minutes=row.lunch_minutes,
    )
    zone = ZoneInfo(program.time_zone)
    return DayTimes(
        day,
        schedule,
        datetime.combine(day, schedule.start, zone),
        datetime.combine(day, schedule.end, zone),
        phase.key,
    )


# -- matching and classifying -----------------------------------------------------------------


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

    @property
    def occurrences(self) -> list[tuple[ClassAgent, str, int | None]]:
        """The proposed occurrences: (agent, kind, minutes), by employee id."""
        return [(a.agent, kind, minutes) for a in self.matched for kind, minutes in a.occurrences]


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def class_agents(training_class, day: date) -> list[ClassAgent]:
    """The agents in the class on `day`: moves honoured, employment active, not transferred."""
    from esp.progress.selectors import agent_records
    from esp.roster.models import Agent
    from esp.rules.progress import Progress

    program = training_class.program
    policy = program.policy()
    records = agent_records(
        program,
        day,
        class_code=training_class.code,
        in_flight=True,
        transfer_task=policy.transfer_task,
        kinds=("status", "move"),
    )
    ids = [
        r.employee_id
        for r in records
        if Progress(r, policy).class_dates(day).code == training_class.code
    ]
    rows = Agent.objects.filter(employee_id__in=ids).values_list(
        "pk", "employee_id", "first_name", "last_name", "work_email", "personal_email"
    )
    return sorted(
        (
            ClassAgent(
                pk,
                employee_id,
                f"{first} {last}",
                tuple(e.strip().lower() for e in (work, personal) if e),
            )
            for pk, employee_id, first, last, work, personal in rows
        ),
        key=lambda a: a.employee_id,
    )


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
            candidates = by_name.get(_name_key(row.name), set())
        if len(candidates) == 1:
            matched.setdefault(next(iter(candidates)), []).append(row)
        else:
            unmatched.append(row)
    return matched, unmatched


def propose_meeting(
    source: str | Path | bytes | IO,
    *,
    class_code: str,
    day: date,
    columns: Mapping[str, str] | None = None,
) -> MeetingResult:
    """Read a meeting report of `class_code` on `day` and propose what it means (R-A3)."""
    from esp.roster.models import TrainingClass

    training_class = TrainingClass.objects.select_related("program").filter(code=class_code).first()
    if training_class is None:
        raise MeetingImportError(f"unknown class '{class_code}'")
    program = training_class.program
    times = class_day_times(training_class, day)
    parsed = parse_meeting(source, day=day, time_zone=program.time_zone, columns=columns)
    agents = class_agents(training_class, day)
    rows_of, unmatched = match_rows(parsed.rows, agents)
    matched = []
    absences = []
    for agent in agents:
        rows = rows_of.get(agent.employee_id)
        if not rows:
            absences.append(agent)
            continue
        occurrences = classify(
            [(row.joined, row.left) for row in rows],
            times.start,
            times.end,
            minimum=program.occurrence_minimum_minutes,
            absent=program.occurrence_absent_minutes,
        )
        matched.append(AgentDay(agent, tuple(rows), tuple(occurrences)))
    return MeetingResult(
        class_code=class_code,
        day=day,
        layout=parsed.layout.key,
        times=times,
        matched=tuple(matched),
        absences=tuple(absences),
        unmatched=tuple(unmatched),
    )


# -- saving ------------------------------------------------------------------------------------


@dataclass
class MeetingSaved:
    """What `save_meeting` recorded: (employee id, kind, minutes) triples."""

    created: list[tuple[str, str, int | None]] = field(default_factory=list)
    already: list[tuple[str, str, int | None]] = field(default_factory=list)
    absences: list[tuple[str, str, int | None]] = field(default_factory=list)
    dry_run: bool = False


def _absences_to_save(
    result: MeetingResult, absent_as: str | Mapping[str, str] | None
) -> dict[str, str]:
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


def save_meeting(
    result: MeetingResult,
    *,
    actor=None,
    absent_as: str | Mapping[str, str] | None = None,
    source: str = "meeting",
    dry_run: bool = False,
) -> MeetingSaved:
    """Record the proposed occurrences, and the absences chosen by `absent_as`, as
    ``attendance`` facts dated on the class day (one transaction, each through
    ``fact_record``: validated, recorded with who and where from).

    Saving the same result again adds nothing: an occurrence is skipped when the agent already
    has an attendance fact of that kind on the day (from any source, e.g. entered by hand),
    an absence when the agent already has a full-day absence (absent, absent_approved, ncns).
    """
    from esp.progress.models import Fact
    from esp.progress.services import actor_name, fact_record
    from esp.roster.models import Agent

    absences = _absences_to_save(result, absent_as)
    ids = {a.agent.agent_id for a in result.matched} | {
        a.agent_id for a in result.absences if a.employee_id in absences
    }
    agents = {
        agent.employee_id: agent
        for agent in Agent.objects.select_related("training_class__program").filter(pk__in=ids)
    }
    recorded: dict[str, set[str]] = {}
    for employee_id, kind in Fact.objects.filter(
        agent_id__in=ids, date=result.day, kind="attendance"
    ).values_list("agent__employee_id", "item"):
        recorded.setdefault(employee_id, set()).add(kind)
    by = actor_name(actor) or "esp import meeting"
    saved = MeetingSaved(dry_run=dry_run)
    plan: list[tuple[str, str, int | None, list]] = []
    for agent, kind, minutes in result.occurrences:
        entry = (agent.employee_id, kind, minutes)
        if kind in recorded.get(agent.employee_id, set()):
            saved.already.append(entry)
        else:
            plan.append((*entry, saved.created))
    for employee_id, kind in sorted(absences.items()):
        if recorded.get(employee_id, set()) & set(ABSENCE_KINDS):
            saved.already.append((employee_id, kind, None))
        else:
            plan.append((employee_id, kind, None, saved.absences))
    with transaction.atomic():
        for employee_id, kind, minutes, into in plan:
            if not dry_run:
                fact_record(
                    agent=agents[employee_id],
                    day=result.day,
                    kind="attendance",
                    item=kind,
                    value="" if minutes is None else str(minutes),
                    by=by,
                    actor=actor,
                    source=source,
                )
            into.append((employee_id, kind, minutes))
    return saved


def describe_times(times: DayTimes) -> str:
    """E.g. "08:00 AM–04:30 PM (450 working minutes)"."""
    return (
        f"{times.start:%I:%M %p}–{times.end:%I:%M %p} "
        f"({times.working_minutes} working minutes, half a shift {times.half_shift:g})"
    )


def describe_row(row: MeetingRow) -> str:
    who = " ".join(part for part in (row.name, f"<{row.email}>" if row.email else "") if part)
    return f"line {row.line}: {who}, {row.joined:%I:%M %p}–{row.left:%I:%M %p}"
