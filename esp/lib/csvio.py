"""Reading the CSV interchange files of SPEC §15: columns, rows with line numbers, errors.

Imports are two-phase (STYLE §5): every row is parsed and checked first and *all* errors are
collected with line, column and reason; only a clean file is applied, in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from esp.lib.textcheck import text_problem
from esp.reports.render import escape_row, unescape_formula

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


Progress = Callable[[int], None]  # called with the number of rows just processed


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")


def read_rows(
    source: str | Path | io.TextIOBase,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    limits: Mapping[str, int | None] | None = None,
) -> list[Row]:
    """Read a UTF-8 CSV with a header row; column names are case-insensitive.

    Missing required columns and unknown columns (unless prefixed `x_`) reject the file.
    Values are stripped of surrounding spaces and read back from formula escaping (a cell
    `'=x` that an export wrote is the value `=x`); `x_` columns are dropped. A value that
    cannot be stored (a NUL or other control character, or longer than `limits[column]`, the
    max_length of the field it is stored in) is an error at its line and column.
    """
    if isinstance(source, (str, Path)):
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRejected([RowError(0, "", f"not UTF-8 text ({exc.reason})")]) from exc
        except OSError as exc:
            raise ImportRejected(
                [RowError(0, "", f"cannot read the file: {exc.strerror}")]
            ) from exc
    else:
        text = source.read()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([RowError(0, "", "the file is empty (no header row)")]) from None
    except csv.Error as exc:
        raise ImportRejected([RowError(1, "", f"malformed CSV: {exc}")]) from None
    columns = [name.strip().lower() for name in header]
    required, optional = list(required), list(optional)
    errors = []
    for name in required:
        if name not in columns:
            errors.append(RowError(1, name, "required column is missing"))
    seen = set()
    for name in columns:
        if name in seen:
            errors.append(RowError(1, name, "column appears twice"))
        seen.add(name)
        if name not in required and name not in optional and not name.startswith("x_"):
            errors.append(RowError(1, name, "unknown column (prefix it with x_ to keep it)"))
    if errors:
        raise ImportRejected(errors)
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) != len(columns):
                errors.append(
                    RowError(line, "", f"has {len(values)} fields, the header has {len(columns)}")
                )
                continue
            row = Row(
                line,
                {
                    name: unescape_formula(value.strip())
                    for name, value in zip(columns, values)
                    if not name.startswith("x_")
                },
            )
            for name, value in row.values.items():
                problem = text_problem(value, (limits or {}).get(name))
                if problem:
                    errors.append(RowError(line, name, problem))
            rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "", f"malformed CSV: {exc}"))
    if errors:
        raise ImportRejected(errors)
    return rows


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
