"""Reading a meeting report (SPEC R-A3, §15 "Meeting attendance"): the first phase of the
meeting import (STYLE §5), with no database. A malformed file is rejected whole with
``ImportRejected``, every bad row named with its line, column and reason.

API::

    parse_meeting(source, *, day, time_zone, columns=None) -> ParsedMeeting
        (.kind, .stated_zone, .zone_note: what the file is, how its times were read)
    parse_moment(text, day, zone, *, stated=None, anchor=None) -> datetime
    describe_found(table) -> str   (an unrecognised file's kind and columns)

``source`` is a path, bytes (an upload) or a text stream. ``columns`` maps the fields
``name`` (or ``first_name`` + ``last_name``), ``email``, ``join_time`` and ``leave_time`` (or
``duration``) to the columns of any other CSV (case-insensitive); a file no layout reads
raises ``UnknownLayout``, carrying its table for the mapping step; without it the layout is recognised from the
header, by the file's content (issue 16): the generic CSV of §15 (``name, email,
join_time, leave_time``; other columns only with an ``x_`` prefix), the Google Meet
attendance report (First name, Last name, Email, Duration, Time joined, Time exited), the
GoTo Training attendance report (First Name, Last Name, Email Address, Join Time, Leave
Time, Time in Session), the GoTo Meeting attendee list (Name, Email Address, Join Time,
Leave Time, Time in Session (minutes)) and the Zoom participants report (Name (Original
Name), User Email, Join Time, Leave Time, Duration (Minutes), Guest); report lines above the
header are skipped for the last three. Each may be CSV (UTF-8 or Windows-1252), an .xlsx or
an .xls workbook (``sources.read_table``).

Times are ISO 8601 or ``MM/DD/YYYY HH:MM AM`` (seconds optional, a trailing zone
abbreviation allowed when it is the report's), or a time of day alone (on the meeting's
date). A time without an offset is in the zone the report states above its header (GoTo's
``Meeting Date`` row, ``zones.stated_start``) converted to the program's, else in the
program's zone — ``ParsedMeeting.zone_note`` says which, for the preview.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from esp.lib.csvio import ImportRejected, RowError, is_email
from esp.lib.display import clock_time
from esp.lib.textcheck import text_problem

from .mapping import PREAMBLE_LINES, parse_duration
from .sources import Lines, Table, read_table
from .zones import Stated, stated_start, zone_label

FIELDS = ("name", "first_name", "last_name", "email", "join_time", "leave_time", "duration")


class UnknownLayout(ImportRejected):
    """No layout the app knows (and no mapping given) reads the file: `table` is what it
    holds, for the mapping step (issue 16 item 7)."""

    def __init__(self, errors, filename: str = "", *, table: Table):
        super().__init__(errors, filename)
        self.table = table


# -- layouts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How a meeting report names its columns: field -> the header names accepted for it."""

    key: str
    title: str
    fields: Mapping[str, tuple[str, ...]]
    strict: bool = False  # other columns: an error unless prefixed x_ (SPEC §15), else ignored
    preamble: bool = False  # report lines may come before the header row
    optional: tuple[tuple[str, tuple[str, ...]], ...] = ()  # fields read when present

    def resolve(self, header: Sequence[str]) -> dict[str, int] | None:
        """Field -> column index when every field of the layout is in `header` (and each
        optional field that is)."""
        found = {}
        for name, accepted in self.fields.items():
            index = next((i for i, column in enumerate(header) if column in accepted), None)
            if index is None:
                return None
            found[name] = index
        for name, accepted in self.optional:
            index = next((i for i, column in enumerate(header) if column in accepted), None)
            if index is not None:
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
    optional=(("duration", ("duration",)),),  # the time in the call: gaps inside a row
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
# GoTo Meeting, History → "download attendee list": a title row, Summary, the meeting's date
# (with its organizer's zone), duration, attendees and ID, Details, then one row per join.
GOTO_MEETING = Layout(
    "goto_meeting",
    "GoTo Meeting attendee list",
    {
        "name": ("name",),
        "email": ("email address", "email"),
        "join_time": ("join time",),
        "leave_time": ("leave time",),
    },
    preamble=True,
)
# Zoom, Reports → Usage → Participants (export with or without the meeting data above).
ZOOM = Layout(
    "zoom",
    "Zoom participants report",
    {
        "name": ("name (original name)", "participant"),
        "email": ("user email", "email"),
        "join_time": ("join time",),
        "leave_time": ("leave time",),
    },
    preamble=True,
)
LAYOUTS = (GENERIC, GOOGLE_MEET, GOTO_TRAINING, ZOOM, GOTO_MEETING)


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
    missing = [f for f in ("join_time",) if f not in names]
    if "leave_time" not in names and "duration" not in names:
        missing.append("leave_time (or duration)")
    if "name" not in names and not {"first_name", "last_name"} <= names and "email" not in names:
        missing.append("name (or first_name and last_name) or email")
    if missing:
        raise ImportRejected([RowError(0, "", f"the column mapping lacks {', '.join(missing)}")])
    return Layout(
        "mapped",
        "CSV with a column mapping",
        {name: (column.strip().lower(),) for name, column in columns.items()},
    )


# -- the header -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    """One join: a row of the report, with its line number."""

    line: int
    name: str
    email: str
    joined: datetime
    left: datetime
    present: int | None = None  # minutes in the call, when the report says (Meet's Duration)


@dataclass(frozen=True)
class ParsedMeeting:
    layout: Layout
    rows: tuple[MeetingRow, ...]
    kind: str = ""  # what the file is: "a CSV file (Windows-1252)", "an Excel workbook (.xlsx)"
    stated_zone: str = ""  # the zone the report states, e.g. "IST (UTC+05:30)"; "" when none
    time_zone: str = ""  # the program's, the times' zone once read
    header: tuple[str, ...] = ()  # the header row's names, as compared (folded)
    chosen_zone: str = ""  # the zone the person said the report is in (IANA), if they did

    @property
    def zone_note(self) -> str:
        """What the preview says about the times' zone (issue 16 item 5)."""
        if self.chosen_zone and self.chosen_zone != self.time_zone:
            return (
                f"times read in the time zone you chose, {self.chosen_zone}, and converted "
                f"to the program's ({self.time_zone})"
            )
        if self.chosen_zone:
            return f"times read in the program's time zone ({self.time_zone}), as you chose"
        if self.stated_zone:
            return (
                f"times converted from the report's time zone, {self.stated_zone}, "
                f"to the program's ({self.time_zone})"
            )
        return (
            f"the report states no time zone: times without one were read in the program's "
            f"({self.time_zone})"
        )


def _header_names(values: Sequence[str]) -> list[str]:
    return [" ".join(v.split()).lower() for v in values]


def _mapped_header(lines: Lines, columns: Mapping[str, str]):
    layout = mapped_layout(columns)
    for index, (_, values) in enumerate(lines[:PREAMBLE_LINES]):
        found = layout.resolve(_header_names(values))
        if found is not None:
            return layout, index, found
    wanted = ", ".join(f"'{c}'" for c in columns.values())
    raise ImportRejected([RowError(1, "", f"no header row with the columns {wanted}")])


def _known_header(lines: Lines):
    """A known layout's header: on the first line, or below a report's preamble."""
    if lines:
        header = _header_names(lines[0][1])
        for layout in LAYOUTS:
            found = layout.resolve(header)
            if found is not None:
                return layout, 0, found
    for index, (_, values) in enumerate(lines[1:PREAMBLE_LINES], start=1):
        header = _header_names(values)
        for layout in (layout for layout in LAYOUTS if layout.preamble):
            found = layout.resolve(header)
            if found is not None:
                return layout, index, found
    return None


def describe_found(table: Table) -> str:
    """What an unrecognised file holds: its kind and its widest early row, the likeliest
    header (issue 16 item 8)."""
    early = [values for _, values in table.lines[:PREAMBLE_LINES]]
    widest = max(early, key=lambda values: sum(1 for v in values if v.strip()))
    names = [" ".join(v.split()) for v in widest if v.strip()]
    shown = ", ".join(f'"{name[:40]}"' for name in names[:10]) + (", …" if len(names) > 10 else "")
    where = "whose first sheet has" if table.sheet else "with"
    return f"{table.kind} {where} the columns {shown}"


def _find_header(table: Table, columns: Mapping[str, str] | None):
    """The layout, the header's index in `lines` and the field -> column index map."""
    if columns:
        return _mapped_header(table.lines, columns)
    known = _known_header(table.lines)
    if known is not None:
        return known
    raise UnknownLayout(
        [
            RowError(
                1,
                "",
                f"not a meeting attendance report: found {describe_found(table)}; expected the "
                "columns name, email, join_time, leave_time, a Google Meet, GoTo "
                "Meeting, GoTo Training or Zoom attendance report, or a column mapping",
            )
        ],
        table=table,
    )


def _header_errors(layout: Layout, header: list[str], line: int) -> list[RowError]:
    """Repeated columns, and in the generic CSV columns it does not know."""
    errors: list[RowError] = []
    seen: set[str] = set()
    allowed = {name for accepted in layout.fields.values() for name in accepted}
    for name in header:
        if name in seen and name:
            errors.append(RowError(line, name, "column appears twice"))
        seen.add(name)
        if layout.strict and name not in allowed and not name.startswith("x_"):
            errors.append(RowError(line, name, "unknown column (prefix it with x_ to keep it)"))
    return errors


# -- times ------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_CLOCK = re.compile(
    r"^(?P<date>\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}),?\s+)?(?P<time>\d{1,2}:\d{2}(?::\d{2})?)"
    r"(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?(?:\s+(?P<zone>[A-Za-z]{2,5}))?$"
)


def _iso_moment(text: str, zone: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO 8601 date and time") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment


def _nearest(at: time, anchor: datetime, zone: tzinfo) -> datetime:
    """A time of day on the date that puts it nearest `anchor` (a report's meeting start)."""
    on = anchor.astimezone(zone).date()
    candidates = (datetime.combine(on + timedelta(days=d), at, zone) for d in (0, -1, 1))
    return min(candidates, key=lambda moment: abs(moment - anchor))


def _clock_moment(
    text: str, match: re.Match, day: date, zone: tzinfo, anchor: datetime | None = None
) -> datetime:
    """`MM/DD/YYYY HH:MM AM` or a time of day on `day` (nearest `anchor` if given), in
    `zone`."""
    hours, minutes, *seconds = (int(part) for part in match["time"].split(":"))
    ampm = (match["ampm"] or "").replace(".", "").upper()
    if ampm:
        if not 1 <= hours <= 12:
            raise ValueError(f"'{text}': hour {hours} with {ampm}")
        hours = hours % 12 + (12 if ampm == "PM" else 0)
    if match["date"]:
        written = match["date"].strip().rstrip(",")
        pattern = "%m/%d/%Y" if len(written.rsplit("/", 1)[1]) == 4 else "%m/%d/%y"
        try:
            on = datetime.strptime(written, pattern).date()  # noqa: DTZ007
        except ValueError:
            raise ValueError(f"'{text}' has no valid MM/DD/YYYY date") from None
    else:
        on = day
    try:
        at = time(hours, minutes, seconds[0] if seconds else 0)
    except ValueError:
        raise ValueError(f"'{text}' is not a valid time of day") from None
    if anchor is not None and not match["date"]:
        return _nearest(at, anchor, zone)
    return datetime.combine(on, at, zone)


def parse_moment(
    text: str,
    day: date,
    zone: ZoneInfo,
    *,
    stated: tzinfo | None = None,
    anchor: datetime | None = None,
) -> datetime:
    """A join or leave time as an aware datetime in `zone` (see the module's docstring): a
    time without an offset is read in `stated` (the report's zone) when given, else in
    `zone`; a time of day alone falls on `day`, or on the date nearest `anchor` (the report's
    meeting start) when given."""
    text = " ".join(text.split())
    source = stated or zone
    if not text:
        raise ValueError("is empty")
    if _ISO_DATE.match(text):
        return _iso_moment(text, source).astimezone(zone)
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(
            f"'{text}' is not a time (ISO 8601, MM/DD/YYYY HH:MM AM, or HH:MM AM on the day)"
        )
    moment = _clock_moment(text, match, day, source, anchor)
    abbreviation = (match["zone"] or "").upper()
    if abbreviation in ("UTC", "GMT"):
        return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    if abbreviation and abbreviation != moment.tzname():
        whose = "the report's" if stated else "the program's"
        raise ValueError(
            f"'{text}': time zone {abbreviation} is not {whose} ({moment.tzname()}); "
            "write the time with an offset (ISO 8601)"
        )
    return moment.astimezone(zone)


# -- rows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    """Where a file's fields are: field -> column index, and each index's header name."""

    found: dict[str, int]
    label: dict[int, str]
    width: int
    pad: bool = False  # a sheet's row may end before the header's last column

    def of(self, name: str) -> str:
        return self.label[self.found[name]]


@dataclass(frozen=True)
class _Clock:
    """How a report's times are read: the class day and the program's zone, the zone the
    report states and its meeting's start (time-of-day values fall on the start's date)."""

    day: date
    zone: ZoneInfo
    stated: tzinfo | None = None
    anchor: datetime | None = None


def _person(cell: dict[str, str]) -> str:
    if "name" in cell:
        return " ".join(cell["name"].split())
    return " ".join(f"{cell.get('first_name', '')} {cell.get('last_name', '')}".split())


def _who_errors(line: int, cell: dict, person: str, email: str, at: _Columns) -> list[RowError]:
    errors = [
        RowError(line, at.label[at.found[name]], problem)
        for name, value in cell.items()
        if (problem := text_problem(value))
    ]
    if email and not is_email(email):
        errors.append(RowError(line, at.of("email"), f"'{email}' is not an e-mail address"))
    if not person and not email:
        errors.append(RowError(line, "", "names neither a person nor an e-mail"))
    return errors


def _time_errors(line: int, cell: dict, clock: _Clock, at: _Columns, moments: dict):
    """The row's join and leave times into `moments`; what is wrong with them returned."""
    errors = []
    day = clock.day
    for name in ("join_time", "leave_time"):
        try:
            if name in cell:
                moments[name] = parse_moment(
                    cell[name], day, clock.zone, stated=clock.stated, anchor=clock.anchor
                )
            elif "join_time" in moments:  # a mapped layout with a duration, no leave time
                moments[name] = moments["join_time"] + parse_duration(cell["duration"])
        except ValueError as exc:
            errors.append(RowError(line, at.of(name if name in cell else "duration"), str(exc)))
    joined, left = moments.get("join_time"), moments.get("leave_time")
    if joined is not None and joined.date() != day:
        errors.append(
            RowError(
                line,
                at.of("join_time"),
                f"is on {joined:%m/%d/%Y}, not the class day {day:%m/%d/%Y}",
            )
        )
    if joined is not None and left is not None and left < joined:
        errors.append(RowError(line, at.of("leave_time"), "is before the join time"))
    return errors


def _fitted(values: list[str], at: _Columns) -> list[str]:
    """A row cut to the header's width when only empty cells follow (Excel pads its CSV rows
    to the widest one), a sheet's short row padded."""
    if len(values) > at.width and not any(v.strip() for v in values[at.width :]):
        return values[: at.width]
    if at.pad and len(values) < at.width:
        return values + [""] * (at.width - len(values))
    return values


def _row(line: int, values: list[str], clock: _Clock, at: _Columns, errors: list):
    """One join of the report, or None with its problems added to `errors`."""
    values = _fitted(values, at)
    if len(values) != at.width:
        errors.append(RowError(line, "", f"has {len(values)} fields, the header has {at.width}"))
        return None
    cell = {name: values[index].strip() for name, index in at.found.items()}
    person, email = _person(cell), cell.get("email", "")
    moments: dict[str, datetime] = {}
    row_errors = _who_errors(line, cell, person, email, at)
    row_errors += _time_errors(line, cell, clock, at, moments)
    errors.extend(row_errors)
    if row_errors:
        return None
    present = None
    if "duration" in cell and "leave_time" in cell and cell["duration"]:
        try:
            present = int(parse_duration(cell["duration"]).total_seconds() // 60)
        except ValueError as exc:
            errors.append(RowError(line, at.of("duration"), str(exc)))
            return None
    return MeetingRow(line, person, email, moments["join_time"], moments["leave_time"], present)


def _clock(
    preamble: Lines, day: date, zone: ZoneInfo, chosen: ZoneInfo | None = None
) -> tuple[_Clock, Stated | None]:
    """How to read the times, from the meeting start the report states above its header, or
    in the zone the person chose for the report (`chosen`: it wins over a stated one); a
    start on another day than the class day rejects the file."""
    stated = stated_start(preamble)
    if stated is None:
        return _Clock(day, zone, chosen), None
    if chosen is not None:
        stated = replace(stated, start=stated.start.replace(tzinfo=chosen), zone=chosen)
    start = stated.start if stated.zone else stated.start.replace(tzinfo=zone)
    if start.astimezone(zone).date() != day:
        problem = (
            f"the report's meeting is on {start.astimezone(zone):%m/%d/%Y} "
            f"('{stated.text}'), not the class day {day:%m/%d/%Y}"
        )
        raise ImportRejected([RowError(stated.line, stated.column, problem)])
    return _Clock(day, zone, stated.zone, start), stated


def _header(lines: Lines, at: int) -> tuple[int, list[str]]:
    """The header row's line and names, the empty cells Excel pads it with dropped."""
    line, values = lines[at]
    header = _header_names(values)
    while header and not header[-1]:
        header.pop()
    return line, header


def parse_meeting(
    source: str | Path | bytes | IO,
    *,
    day: date,
    time_zone: str,
    columns: Mapping[str, str] | None = None,
    report_zone: str = "",
) -> ParsedMeeting:
    """Read and check a meeting report of `day`; raise ImportRejected naming every bad row.
    `report_zone` (an IANA name): the zone the person says the report's times are in."""
    zone = ZoneInfo(time_zone)
    chosen = ZoneInfo(report_zone) if report_zone else None
    filename = str(source) if isinstance(source, (str, Path)) else ""
    table = read_table(source, filename)
    lines = table.lines
    try:
        layout, at, found = _find_header(table, columns)
        clock, stated = _clock(lines[:at], day, zone, chosen)
    except UnknownLayout as exc:
        raise UnknownLayout(exc.errors, filename, table=table) from None
    except ImportRejected as exc:
        raise ImportRejected(exc.errors, filename) from None
    header_line, header = _header(lines, at)
    errors = _header_errors(layout, header, header_line)  # reported with the rows' (§15)
    labels = {index: header[index] for index in found.values()}
    where = _Columns(found, labels, len(header), pad=table.sheet)
    rows = [_row(line, values, clock, where, errors) for line, values in lines[at + 1 :]]
    if errors:
        raise ImportRejected(errors, filename)
    return ParsedMeeting(
        layout,
        tuple(row for row in rows if row is not None),
        kind=table.kind,
        stated_zone=zone_label(stated.zone, stated.start) if stated and stated.zone else "",
        time_zone=time_zone,
        chosen_zone=report_zone,
        header=tuple(header),
    )


def describe_row(row: MeetingRow) -> str:
    who = " ".join(part for part in (row.name, f"<{row.email}>" if row.email else "") if part)
    return f"line {row.line}: {who}, {clock_time(row.joined)}–{clock_time(row.left)}"
