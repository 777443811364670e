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
