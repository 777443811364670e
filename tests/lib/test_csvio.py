"""The one CSV and Excel reader of the imports (esp/lib/csvio.py), without a database."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from esp.lib.csvio import ImportRejected, MalformedCsv, csv_lines, read_rows, read_sheet, read_text


def test_it_reads_paths_bytes_and_streams_alike(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b"\xef\xbb\xbfname\r\nAnn\r\n")
    assert read_text(path, newlines=True) == "name\nAnn\n"
    assert read_text(b"\xef\xbb\xbfname\nAnn\n") == "name\nAnn\n"
    assert read_text(io.StringIO("\ufeffname\nAnn\n")) == "name\nAnn\n"
    with pytest.raises(ImportRejected, match="missing.csv: rejected"):
        read_text(tmp_path / "missing.csv", filename="missing.csv")


def test_it_numbers_each_record_by_the_line_it_ends_on():
    assert list(csv_lines('a,b\n"x\ny",z\nlast,one\n')) == [
        (1, ["a", "b"]),
        (3, ["x\ny", "z"]),
        (4, ["last", "one"]),
    ]
    with pytest.raises(MalformedCsv) as malformed:  # a field over csv's size limit
        list(csv_lines("a\nb\n" + "x" * 200_000 + "\n"))
    assert malformed.value.error().line == 3


def test_read_rows_reads_back_escaped_formulas_and_drops_x_columns():
    rows = read_rows(io.StringIO("name,x_memo\n'=SUM(A1),kept aside\n"), required=["name"])
    assert [(row.line, row.values) for row in rows] == [(2, {"name": "=SUM(A1)"})]


def test_read_sheet_reads_the_first_sheet_with_formulas_read_back():
    workbook = Workbook()
    workbook.active.append(["Section", "'=1+1", 5])
    stream = io.BytesIO()
    workbook.save(stream)
    assert read_sheet(stream.getvalue()) == [["Section", "=1+1", 5]]


def test_iter_rows_streams_a_path_as_read_rows_reads_its_text(tmp_path):
    """issue 14 item 4: a path is read a record at a time, with the same rows, line numbers,
    line ends (\\r\\n and \\r read as \\n), formula escapes and errors as the whole text."""
    from esp.lib.csvio import iter_rows

    path = tmp_path / "rows.csv"
    path.write_bytes(
        b"\xef\xbb\xbfName,Note,x_memo\r\nAnn,'=1+1,a\r\n\r\n"
        b'Bob,"two\r\nlines",b\rCy,\x01bell,c\nDee,' + b"n" * 41 + b",d\n"
    )
    errors = []
    rows = iter_rows(path, required=["name", "note"], limits={"note": 40}, errors=errors)
    assert next(rows).values == {"name": "Ann", "note": "=1+1"}  # read lazily
    streamed = [(row.line, row.values) for row in rows]
    with pytest.raises(ImportRejected) as whole:
        read_rows(
            io.StringIO(read_text(path, newlines=True)),
            required=["name", "note"],
            limits={"note": 40},
        )
    assert streamed == [
        (5, {"name": "Bob", "note": "two\nlines"}),
        (6, {"name": "Cy", "note": "\x01bell"}),
        (7, {"name": "Dee", "note": "n" * 41}),
    ]
    assert errors == whole.value.errors
    assert [(e.line, e.column) for e in errors] == [(6, "note"), (7, "note")]
    assert "control character (U+0001) at position 1" in errors[0].reason
    assert "41 characters long; at most 40" in errors[1].reason


def test_a_streamed_file_that_stops_being_utf8_is_rejected_whole(tmp_path):
    """issue 14 item 4: a byte that is not UTF-8 far into a streamed file rejects it with the
    same one error as before (the file is no longer decoded whole first)."""
    path = tmp_path / "late.csv"
    path.write_bytes(b"name\n" + b"Ann\n" * 50_000 + b"B\xffb\n")
    with pytest.raises(ImportRejected) as rejected:
        read_rows(path, required=["name"])
    assert [str(e) for e in rejected.value.errors] == ["file: not UTF-8 text (invalid start byte)"]
