"""What a meeting report's file is, read into numbered rows of text (issue 16 items 1–4, 8),
with no database. The kind comes from the content, never the file's name: an .xlsx workbook
(a ZIP archive), a legacy .xls workbook (an OLE2 compound file), else CSV text in UTF-8 or,
as Excel re-saves it, Windows-1252. A workbook's first sheet is read; its cells become the
text a CSV export would hold (a time as ``HH:MM:SS``, a date and time as ISO 8601).

API::

    read_table(source, filename) -> Table
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from esp.lib.csvio import (
    XLS_MAGIC,
    ImportRejected,
    MalformedCsv,
    RowError,
    csv_lines,
    decode_text,
    read_sheet,
    read_xls,
)

Lines = list[tuple[int, list[str]]]


@dataclass(frozen=True)
class Table:
    """A file's non-blank rows with their line (or sheet row) numbers, trailing empty cells
    dropped from a sheet's, and what the file is ("a CSV file (UTF-8)", "an Excel workbook (.xlsx)"...)."""

    kind: str
    sheet: bool
    lines: Lines


def _content(source: str | Path | bytes | IO, filename: str) -> bytes | str:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise ImportRejected(
                [RowError(0, "", f"cannot read the file: {exc.strerror}")], filename
            ) from exc
    return source.read()


def cell_text(value) -> str:
    """A workbook cell as the text a CSV export of it holds."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31)) or value.year < 1900:
            return f"{value:%H:%M:%S}"  # a time of day stored as a date and time
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trimmed(values: list[str]) -> list[str]:
    end = len(values)
    while end and not values[end - 1].strip():
        end -= 1
    return values[:end]


def _numbered(rows, *, trim: bool) -> Lines:
    return [
        (number, _trimmed(values) if trim else values)
        for number, values in rows
        if any(v.strip() for v in values)
    ]


def _workbook(data: bytes, filename: str) -> Table:
    try:
        if data.startswith(XLS_MAGIC):
            kind, rows = "a legacy Excel workbook (.xls)", read_xls(data)
        else:
            kind, rows = "an Excel workbook (.xlsx)", read_sheet(data)
    except ModuleNotFoundError:
        problem = "a legacy Excel workbook (.xls) cannot be read here (xlrd is not installed)"
        raise ImportRejected([RowError(0, "", problem)], filename) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        problem = f"a ZIP or OLE2 file that is not an Excel workbook one can read ({exc})"
        raise ImportRejected([RowError(0, "", problem)], filename) from None
    except Exception as exc:  # noqa: BLE001 - xlrd's own errors (XLRDError, CompDocError...)
        problem = f"an Excel file that cannot be read ({type(exc).__name__}: {exc})"
        raise ImportRejected([RowError(0, "", problem)], filename) from None
    texts = ((number, [cell_text(v) for v in row]) for number, row in enumerate(rows, start=1))
    return Table(kind, True, _numbered(texts, trim=True))


_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


def _not_a_table(data: bytes) -> str | None:
    """What a file is that cannot be a report (a NUL in text is named at its line and column
    later, as before)."""
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            return f"{kind}, not a CSV file or an Excel workbook"
    return None


def read_table(source: str | Path | bytes | IO, filename: str = "") -> Table:
    """The file's rows, whatever it is of the kinds above; anything else is rejected."""
    data = _content(source, filename)
    if isinstance(data, str):
        text, kind = data.removeprefix("\ufeff"), "a CSV file"
    elif data.startswith((b"PK\x03\x04", XLS_MAGIC)):
        table = _workbook(data, filename)
        if not table.lines:
            raise ImportRejected([RowError(0, "", f"{table.kind} with no rows")], filename)
        return table
    else:
        problem = _not_a_table(data)
        if problem:
            raise ImportRejected([RowError(0, "", problem)], filename)
        try:
            text, encoding = decode_text(data)
        except ImportRejected as exc:
            raise ImportRejected(exc.errors, filename) from None
        kind = f"a CSV file ({encoding})"
    try:
        lines = _numbered(csv_lines(text), trim=False)
    except MalformedCsv as exc:
        raise ImportRejected([exc.error()], filename) from None
    if not lines:
        raise ImportRejected([RowError(0, "", "the file is empty (no header row)")], filename)
    return Table(kind, False, lines)
