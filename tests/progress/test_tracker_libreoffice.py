"""The tracker workbook opened by a real spreadsheet program (issue 16 item 10): LibreOffice
prints it landscape, fit to the page's width, the header on every page, and reads its day
cells as dates (MM/DD/YYYY), not text.

Skips, saying why, when `soffice` is missing (`.ci/run` installs libreoffice-calc with apt).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER

SOFFICE = shutil.which("soffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="soffice is missing: apt-get install libreoffice-calc"
)


def convert(source, to: str, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [SOFFICE, "--headless", "--convert-to", to, "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},  # a fresh LibreOffice profile per run
        check=False,
    )
    converted = out / f"{source.stem}.{to.split(':')[0]}"
    assert converted.exists(), (done.returncode, done.stdout, done.stderr)
    return converted


def test_libreoffice_prints_the_tracker_landscape_on_one_page_width_with_dates(
    program, write, esp, tmp_path
):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    source = tmp_path / "tracker.xlsx"
    code, _, err = esp("export", "tracker", source, "--class", "AET-A", "--as-of", "2026-12-02")
    assert code == 0, err

    pdf = PdfReader(convert(source, "pdf", tmp_path))
    box = pdf.pages[0].mediabox
    assert box.width > box.height  # landscape
    assert len(pdf.pages) == 1  # 6 agents, 21 class days: one page wide, one page long
    text = pdf.pages[0].extract_text()
    assert "Employee ID" in text and "11/02/2026" in text and "Ann Able" in text

    rows = list(csv.reader(convert(source, "csv", tmp_path).read_text("utf-8").splitlines()))
    ann = dict(zip(rows[0], next(r for r in rows if r[0] == "E001"), strict=True))
    assert ann["AHIP+Aetna Completion"] == "11/06/2026"  # a date cell, shown as written
