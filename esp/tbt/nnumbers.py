"""The N-Number request dates as the Cert Coordinator copies them from the carrier's master
N-Number tracker (seed 000: "Update the 'Date of N Number Request' column of the ESP Tracker
for each class using info from the Aetna Master N Number Tracker"; issue 15 item 3).

Pure parsing, no database: pasted text (tab-separated as a spreadsheet copies it, or
comma-separated) or the rows of an .xlsx sheet become `RequestRow`s, each naming the agent by
employee ID or by name, with the request date and, when the tracker has it, the N-Number.
The header row is found by its titles; without one the columns are taken as identifier, date,
then N-Number. Every problem is a `RowError` naming the line: the service rejects the whole
paste when there is any (SPEC §15: all or nothing).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from esp.lib.csvio import RowError

ID, NAME, FIRST, LAST, DATE, N_NUMBER = "id", "name", "first", "last", "date", "n_number"


@dataclass(frozen=True)
class RequestRow:
    line: int
    identifier: str  # the employee ID, or the name as written
    by_name: bool
    requested_on: date
    n_number: str = ""


def folded(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: how names and titles are compared."""
    bare = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace(".", " ").split())


def name_key(text: str) -> str:
    """A name as "first last" folded, whether written "First Last" or "Last, First"."""
    if "," in text:
        last, _, first = text.partition(",")
        text = f"{first} {last}"
    return folded(text)


def _title(cell) -> str | None:
    title = re.sub(r"[^a-z0-9 ]", " ", folded(cell or "")).split()
    words = " ".join(title)
    compact = words.replace(" ", "")
    if not compact:
        return None
    if "nnumber" in compact and "date" not in compact and "request" not in compact:
        return N_NUMBER
    if "date" in compact or "requested" in compact:
        return DATE
    if compact in ("employeeid", "eid", "empid", "employee", "employeenumber", "id", "empno"):
        return ID
    if compact in ("firstname", "first"):
        return FIRST
    if compact in ("lastname", "last", "surname"):
        return LAST
    if compact in ("name", "agent", "agentname", "fullname", "employeename", "agentfullname"):
        return NAME
    return None


def _header(cells: list) -> dict[str, int] | None:
    """The columns a header row names, or None when the row is not a header."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        title = _title(cell) if isinstance(cell, str) else None
        if title and title not in found:
            found[title] = index
    has_who = ID in found or NAME in found or (FIRST in found and LAST in found)
    return found if has_who and DATE in found else None


def _date_of(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%m-%d-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no zone
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (write MM/DD/YYYY)")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _row(line: int, cells: list, columns: dict[str, int], today: date):
    """One data row as a RequestRow, or its errors."""
    errors = []
    who = _text(_cell(cells, columns.get(ID)))
    by_name = not who
    if by_name:
        who = _text(_cell(cells, columns.get(NAME)))
        if not who and FIRST in columns:
            first = _text(_cell(cells, columns[FIRST]))
            last = _text(_cell(cells, columns.get(LAST)))
            who = f"{first} {last}".strip()
    if not who:
        errors.append(RowError(line, "Agent", "no employee ID or name"))
    raw = _cell(cells, columns.get(DATE))
    requested_on = None
    if raw is None or _text(raw) == "":
        errors.append(RowError(line, "Date", "no request date"))
    else:
        try:
            requested_on = _date_of(raw)
        except ValueError as error:
            errors.append(RowError(line, "Date", str(error)))
        else:
            if requested_on > today:
                errors.append(RowError(line, "Date", f"{requested_on:%m/%d/%Y} is after today"))
    n_number = _text(_cell(cells, columns.get(N_NUMBER)))
    if n_number.isdigit():
        errors.append(
            RowError(line, "N-Number", f"'{n_number}' looks like an NPN, not an N-Number")
        )
    if errors:
        return None, errors
    return RequestRow(line, who, by_name, requested_on, n_number), []


def parse_rows(rows: list[list], today: date) -> tuple[list[RequestRow], list[RowError]]:
    """The rows of a paste or a sheet (line 1 first): empty rows and the rows above the header
    skipped; without a header, identifier, date, N-Number by position."""
    columns, start, headerless = {ID: 0, DATE: 1, N_NUMBER: 2}, 0, True
    for index, cells in enumerate(rows[:20]):  # a title or two may come first
        header = _header(list(cells))
        if header is not None:
            columns, start, headerless = header, index + 1, False
            break
    parsed, errors = [], []
    for index in range(start, len(rows)):
        cells = list(rows[index])
        if not any(_text(c) for c in cells):
            continue
        row, problems = _row(index + 1, cells, columns, today)
        errors.extend(problems)
        if row is not None:
            parsed.append(row)
    if not parsed and not errors:
        errors.append(RowError(0, "", "nothing to import: paste the rows with a date each"))
    if headerless:  # the first column may hold names rather than employee IDs
        parsed = [
            RequestRow(
                r.line, r.identifier, not _looks_like_id(r.identifier), r.requested_on, r.n_number
            )
            for r in parsed
        ]
    return parsed, errors


def _looks_like_id(text: str) -> bool:
    return " " not in text.strip() and "," not in text


def paste_rows(text: str) -> list[list[str]]:
    """Pasted text as rows: tab-separated (a spreadsheet's copy) unless it has no tab."""
    delimiter = "\t" if "\t" in text else ","
    return [list(r) for r in csv.reader(io.StringIO(text.strip("\n")), delimiter=delimiter)]
