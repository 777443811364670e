"""Column mappings of meeting reports in layouts the app does not know (issue 16 item 7), with
no database: the header a person maps the fields to, the key a mapping is remembered under
(per program and layout), and a duration column read as minutes.

API::

    likely_header(table) -> (index, names)     the row a person maps (the widest early row)
    layout_key(names) -> str                   the layout's key: its column names, folded
    fits(table, columns) -> bool               a mapping's columns are all in one early row
    parse_duration(text) -> timedelta          "45", "45 min", "1:05:00", "1 hr 5 min"
    FIELD_LABELS                               the fields, as the mapping step names them
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta

from .sources import Table

PREAMBLE_LINES = 30  # report lines a provider may print above the header row
FIELD_LABELS = (
    ("name", "Name (first and last)"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "E-mail"),
    ("join_time", "Join time"),
    ("leave_time", "Leave time"),
    ("duration", "Duration (when there is no leave time)"),
)


def folded(values: Sequence[str]) -> list[str]:
    """Header cells as compared: spaces collapsed, lower case."""
    return [" ".join(v.split()).lower() for v in values]


def likely_header(table: Table) -> tuple[int, list[str]]:
    """The index in ``table.lines`` of the widest early row, the likeliest header (report
    lines above it have fewer cells), and its names as written (blank cells kept as "")."""
    early = table.lines[:PREAMBLE_LINES]
    index = max(range(len(early)), key=lambda i: sum(1 for v in early[i][1] if v.strip()))
    names = [" ".join(v.split()) for v in early[index][1]]
    while names and not names[-1]:
        names.pop()
    return index, names


def layout_key(names: Sequence[str]) -> str:
    """The key a layout's mapping is remembered under: its column names, folded and sorted
    (a provider's export in another column order is the same layout), hashed to 40 hex."""
    text = "\n".join(sorted({name for name in folded(names) if name}))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def fits(table: Table, columns: Mapping[str, str]) -> bool:
    """Whether one early row of `table` has every column `columns` names."""
    wanted = {" ".join(c.split()).lower() for c in columns.values()}
    return any(wanted <= set(folded(values)) for _, values in table.lines[:PREAMBLE_LINES])


_CLOCK = re.compile(r"^(?P<a>\d+):(?P<b>\d{2})(?::(?P<c>\d{2}))?$")
_WORDS = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>h|hr|hrs|hour|hours|m|min|mins|minute|minutes|s|sec|secs|"
    r"second|seconds)\b"
)


def parse_duration(text: str) -> timedelta:
    """A duration cell: minutes as a number ("45", "62.5"), H:MM or H:MM:SS ("1:05:00"), or
    words ("1 hr 5 min", "45 mins 10 secs"); anything else raises ValueError."""
    text = " ".join(text.split()).lower()
    if not text:
        raise ValueError("is empty")
    try:
        minutes = float(text)
    except ValueError:
        pass
    else:
        if minutes < 0:
            raise ValueError(f"'{text}' is not a duration")
        return timedelta(minutes=minutes)
    match = _CLOCK.match(text)
    if match:
        hours, minutes, seconds = int(match["a"]), int(match["b"]), int(match["c"] or 0)
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    parts = list(_WORDS.finditer(text))
    if parts and not _WORDS.sub("", text).strip(" ,"):
        seconds = {"h": 3600, "m": 60, "s": 1}
        return timedelta(seconds=sum(float(p["n"]) * seconds[p["unit"][0]] for p in parts))
    raise ValueError(f"'{text}' is not a duration (minutes, H:MM:SS or '1 hr 5 min')")


_HINTS = (  # (field, words in a column's name that suggest it), tried in order
    ("email", ("e-mail", "email", "mail")),
    ("join_time", ("join", "first seen", "arriv", "start", "entered", "in time")),
    ("leave_time", ("leave", "left", "exit", "last seen", "end", "out time")),
    ("duration", ("duration", "minutes", "time in", "attended")),
    ("first_name", ("first name", "given")),
    ("last_name", ("last name", "surname", "family")),
    ("name", ("name", "participant", "attendee", "user")),
)


def suggested(names: Sequence[str]) -> dict[str, str]:
    """A first guess at the mapping, for the person to check: each field -> the first
    column with a word starting like one suggesting it, each column used once; "name" only without first and last
    names."""
    chosen: dict[str, str] = {}
    for field, words in _HINTS:
        for name in names:
            starts = (re.search(r"\b" + re.escape(w), name.lower()) for w in words)
            if name and name not in chosen.values() and any(starts):
                chosen[field] = name
                break
    if "first_name" in chosen and "last_name" in chosen:
        chosen.pop("name", None)
    else:
        chosen.pop("first_name", None)
        chosen.pop("last_name", None)
    if "leave_time" in chosen:
        chosen.pop("duration", None)
    return chosen
