"""Reading the CSV interchange files of SPEC §15: columns, rows with line numbers, errors.

Imports are two-phase (STYLE §5): every row is parsed and checked first and *all* errors are
collected with line, column and reason; only a clean file is applied, in one transaction.
A file named by its path is read as a stream (`iter_rows`), a record at a time, so a season's
activity file is never held whole in memory (issue 14 item 4).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from openpyxl import load_workbook

from esp.lib.formulas import escape_row, unescape_formula
from esp.lib.textcheck import CONTROL, text_problem

MISSING_COLUMN = "required column is missing"
EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}, column {self.column}: {self.reason}"
            if self.column
            else f"{where}: {self.reason}"
        )


class ImportRejected(Exception):
    """The file was rejected whole; nothing was written."""

    def __init__(self, errors: list[RowError], filename: str = ""):
        # a column missing from the header is named once, there, not again on every row
        missing = {e.column for e in errors if e.line == 1 and e.reason == MISSING_COLUMN}
        errors = [e for e in errors if e.line <= 1 or e.column not in missing]
        self.errors = sorted(errors, key=lambda e: (e.line, e.column))
        self.filename = filename
        super().__init__(self.message())

    def message(self) -> str:
        name = f"{self.filename}: " if self.filename else ""
        lines = [f"{name}rejected, nothing was imported ({len(self.errors)} error(s)):"]
        lines += [f"  {error}" for error in self.errors]
        return "\n".join(lines)


@dataclass
class ImportSummary:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    details: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return (
            f"{self.kind}: {verb} {self.rows} row(s): {self.created} new, {self.updated} updated, "
            f"{self.unchanged} already present"
        )


RowsDone = Callable[[int], None]  # called with the number of rows just processed


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_text(
    source: str | Path | bytes | IO, *, filename: str = "", newlines: bool = False
) -> str:
    """The text of a CSV file: a path, bytes (an upload) or a stream; UTF-8, a leading byte
    order mark dropped. An unreadable path is rejected (named `filename` when given). With
    `newlines`, a file's line ends are read as Python's text mode reads them (\\r\\n and \\r
    become \\n)."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, (str, Path)):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImportRejected(
                [RowError(0, "", f"cannot read the file: {exc.strerror}")], filename
            ) from exc
    else:
        data = source.read()
        if isinstance(data, str):
            return data.removeprefix("\ufeff")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(0, "", f"not UTF-8 text ({exc.reason})")]) from exc
    if newlines and isinstance(source, (str, Path)):
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return text


class MalformedCsv(Exception):
    """The CSV cannot be split into fields (an unclosed quote...) at `line`."""

    def __init__(self, line: int, exc: csv.Error):
        self.line = line
        super().__init__(f"malformed CSV: {exc}")

    def error(self, line: int | None = None) -> RowError:
        return RowError(self.line if line is None else line, "", str(self))


def csv_lines(text: str | IO[str]) -> Iterator[tuple[int, list[str]]]:
    """Each record of a CSV text (or a text stream, read as it goes) with the line number it
    ends on (the one CSV reader of the app's imports); a malformed record raises MalformedCsv."""
    reader = csv.reader(io.StringIO(text) if isinstance(text, str) else text)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise MalformedCsv(reader.line_num, exc) from None


def _columns(
    header: list[str], required: list[str], optional: list[str], found: list[RowError] | None
) -> list[str]:
    """The header's column names (lowercase); missing, repeated or unknown ones reject it:
    at once, or, given `found`, added to it while the rows are read on (SPEC §15: the error
    names every bad row, the header's problems with the rows')."""
    columns = [name.strip().lower() for name in header]
    errors = [RowError(1, name, MISSING_COLUMN) for name in required]
    errors = [error for error in errors if error.column not in columns]
    seen = set()
    for name in columns:
        if name in seen:
            errors.append(RowError(1, name, "column appears twice"))
        seen.add(name)
        if name not in required and name not in optional and not name.startswith("x_"):
            errors.append(RowError(1, name, "unknown column (prefix it with x_ to keep it)"))
    if errors and found is None:
        raise ImportRejected(errors)
    if found is not None:
        found.extend(errors)
    return columns


def _records(source: str | Path | bytes | IO) -> Iterator[tuple[int, list[str]]]:
    """The CSV records of `source`: a path is read a record at a time (its line ends read as
    `read_text(newlines=True)` reads them), anything else whole."""
    if not isinstance(source, (str, Path)):
        yield from csv_lines(read_text(source, newlines=True))
        return
    try:
        stream = open(source, encoding="utf-8-sig", newline=None)  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ImportRejected([RowError(0, "", f"cannot read the file: {exc.strerror}")]) from exc
    with stream:
        try:
            yield from csv_lines(stream)
        except UnicodeDecodeError as exc:
            raise ImportRejected([RowError(0, "", f"not UTF-8 text ({exc.reason})")]) from exc


class _RowReader:
    """Records into Rows: the kept columns' values stripped and read back from formula
    escaping, each checked for text that cannot be stored (problems go to `errors`)."""

    def __init__(
        self,
        columns: list[str],
        limits: Mapping[str, int | None] | None,
        errors,
        missing: Iterable[str] = (),
    ):
        self.columns, self.errors = columns, errors
        self.missing = [name for name in missing if name not in columns]  # read as empty
        self.kept = [(i, name) for i, name in enumerate(columns) if not name.startswith("x_")]
        self.limits = [(name, limit) for name, limit in (limits or {}).items() if limit is not None]
        self.all_limits = dict(limits or {})

    def row(self, line: int, values: list[str]) -> Row | None:
        """One record as a Row (None when its field count is wrong)."""
        if len(values) != len(self.columns):
            self.errors.append(
                RowError(line, "", f"has {len(values)} fields, the header has {len(self.columns)}")
            )
            return None
        kept = {}
        for i, name in self.kept:
            value = values[i].strip()
            kept[name] = unescape_formula(value) if value[:1] == "'" else value
        for name in self.missing:
            kept[name] = ""
        row = Row(line, kept)
        # the whole record at once first: one search finds no control character in most rows
        if CONTROL.search("".join(kept.values())) is None:
            for name, limit in self.limits:
                if len(kept.get(name, "")) > limit:
                    self.errors.append(RowError(line, name, text_problem(kept[name], limit)))
            return row
        for name, value in kept.items():
            problem = text_problem(value, self.all_limits.get(name))
            if problem:
                self.errors.append(RowError(line, name, problem))
        return row


def iter_rows(
    source: str | Path | bytes | IO,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    limits: Mapping[str, int | None] | None = None,
    errors: list[RowError],
    header_errors: list[RowError] | None = None,
) -> Iterator[Row]:
    """The rows of a CSV as `read_rows` reads them, one at a time; the problems found go to
    `errors` (the caller rejects the file when there are any, once it has read them all). A
    header that cannot be read, or a file that cannot, rejects it at once; so do missing,
    repeated or unknown columns, unless `header_errors` is given to collect them."""
    lines = _records(source)
    try:
        _, header = next(lines)
    except StopIteration:
        raise ImportRejected([RowError(0, "", "the file is empty (no header row)")]) from None
    except MalformedCsv as exc:
        raise ImportRejected([exc.error(1)]) from None
    required = list(required)
    columns = _columns(header, required, list(optional), header_errors)
    reader = _RowReader(columns, limits, errors, missing=required)
    try:
        for line, values in lines:
            if any(v.strip() for v in values):
                row = reader.row(line, values)
                if row is not None:
                    yield row
    except MalformedCsv as exc:
        errors.append(exc.error())


def read_rows(
    source: str | Path | bytes | IO,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    limits: Mapping[str, int | None] | None = None,
    header_errors: list[RowError] | None = None,
) -> list[Row]:
    """Read a UTF-8 CSV with a header row; column names are case-insensitive.

    Missing required columns and unknown columns (unless prefixed `x_`) reject the file: at
    once, or, given `header_errors`, collected there for the caller to reject the file with
    its rows' errors (a row's error at a missing column is left out: the header names it).
    Values are stripped of surrounding spaces and read back from formula escaping (a cell
    `'=x` that an export wrote is the value `=x`); `x_` columns are dropped. A value that
    cannot be stored (a NUL or other control character, or longer than `limits[column]`, the
    max_length of the field it is stored in) is an error at its line and column.
    """
    errors: list[RowError] = []
    rows = list(
        iter_rows(
            source,
            required=required,
            optional=optional,
            limits=limits,
            errors=errors,
            header_errors=header_errors,
        )
    )
    if errors:
        raise ImportRejected([*(header_errors or []), *errors])
    return rows


def read_sheet(content: bytes) -> list[list]:
    """The rows of an .xlsx file's first sheet, each a list of cell values, text read back from
    formula escaping (the one Excel reader of the app's imports). Raises whatever openpyxl
    raises for a file it cannot read."""
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    return [
        [unescape_formula(c) if isinstance(c, str) else c for c in r]
        for r in sheet.iter_rows(values_only=True)
    ]


def parse_date(text: str) -> date:
    """ISO 8601 (YYYY-MM-DD), or MM/DD/YYYY as people write it."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no zone
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (expected YYYY-MM-DD)")


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def is_email(text: str) -> bool:
    return bool(EMAIL.match(text))


def write_csv(path_or_stream, columns: list[str], rows: Iterable[Iterable[str]]) -> None:
    """Write a UTF-8 CSV with a header row and `\\n` line ends (stable bytes); cells that a
    spreadsheet would run as formulas are escaped (`read_rows` reads them back as written)."""

    def write(stream):
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(map(escape_row, rows))

    if isinstance(path_or_stream, (str, Path)):
        with open(path_or_stream, "w", encoding="utf-8", newline="") as stream:
            write(stream)
    else:
        write(path_or_stream)


# -- provider exports: Windows-1252 text and legacy .xls (issue 16, the meeting import) --------

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: Excel 97-2003 (.xls)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file's bytes and the encoding it was read in: UTF-8 (a byte order mark
    dropped), else Windows-1252 — what Excel writes for "CSV (Comma delimited)" on a Western
    Windows. Bytes that are neither are rejected."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8_problem = exc.reason
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ImportRejected(
            [RowError(0, "", f"neither UTF-8 nor Windows-1252 text ({utf8_problem})")]
        ) from None


def _xls_value(cell, datemode: int):
    import xlrd  # noqa: PLC0415 - only a legacy workbook needs it

    if cell.ctype == xlrd.XL_CELL_DATE:
        if cell.value < 1:  # a time of day alone
            seconds = round(cell.value * 86400) % 86400
            return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
        return xlrd.xldate_as_datetime(cell.value, datemode)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return unescape_formula(cell.value) if isinstance(cell.value, str) else cell.value


def read_xls(content: bytes) -> list[list]:
    """The rows of a legacy Excel workbook's (.xls) first sheet, as `read_sheet` gives an
    .xlsx's: text, numbers, datetimes (a time of day alone as a time), None for an empty cell.
    Needs xlrd; raises whatever xlrd raises for a file it cannot read."""
    import xlrd  # noqa: PLC0415 - only a legacy workbook needs it

    book = xlrd.open_workbook(file_contents=content, on_demand=True)
    sheet = book.sheet_by_index(0)
    return [
        [_xls_value(cell, book.datemode) for cell in sheet.row(index)]
        for index in range(sheet.nrows)
    ]
