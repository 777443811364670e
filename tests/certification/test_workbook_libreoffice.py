"""The scorecard workbook read by a real spreadsheet program (issue 6; SPEC R-C5): LibreOffice
converts it to CSV and the values are where the Cert Coordinator expects them.

Skips, saying why, when `soffice` is missing (`.ci/run` installs libreoffice-calc with apt).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess

import pytest

from esp.certification.services import call_score, load_default_scorecard
from esp.certification.workbooks import scorecard_workbook
from esp.roster.models import Agent, CertifierAssignment
from esp.roster.roles import CERTIFIER
from tests.certification.test_certification import CLASSES, DAY, ROSTER, points_for
from tests.web_support import staff

SOFFICE = shutil.which("soffice")

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="soffice is missing: apt-get install libreoffice-calc"
)


def test_it_writes_a_workbook_libreoffice_reads_with_the_five_calls(program, write, esp, tmp_path):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    jane = Agent.objects.get(employee_id="E001")
    certifier = staff("cert.one@cxp.example", CERTIFIER)
    # A certifier scores the agents connected to them (issue 12 item 3).
    CertifierAssignment.objects.create(certifier=certifier, agent=jane)
    template = load_default_scorecard()
    call_score(agent=jane, call_number=1, actor=certifier, day=DAY)
    for number, score in zip(range(2, 6), [85, 84, "84.5", 70], strict=True):
        call_score(
            agent=jane,
            call_number=number,
            item_points=points_for(template, score),
            notes_well=f"Good rapport on call {number}",
            actor=certifier,
            day=DAY,
            template=template,
        )
    workbook = scorecard_workbook(jane)
    assert workbook.filename == "Doe_Jane_60%.xlsx"
    source = tmp_path / workbook.filename
    source.write_bytes(workbook.content)
    out = tmp_path / "out"
    env = {**os.environ, "HOME": str(tmp_path)}  # a fresh LibreOffice profile per run
    done = subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "csv", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    converted = out / "Doe_Jane_60%.csv"
    assert converted.exists(), (done.returncode, done.stdout, done.stderr)
    rows = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    assert rows[0][:2] == ["Agent", "Doe, Jane"]
    assert rows[3][:2] == ["Pass rate", "60%"]
    assert rows[4][:2] == ["Result", "failed"]
    header = next(n for n, r in enumerate(rows) if r[:3] == ["Call", "Score", "Passed"])
    calls = [r[:3] for r in rows[header + 1 : header + 6]]
    assert calls == [
        ["1", "100", "yes"],
        ["2", "85", "yes"],
        ["3", "84", "no"],
        ["4", "85", "yes"],
        ["5", "70", "no"],
    ]
    assert rows[header + 2][6] == "Good rapport on call 2"
    assert rows[header + 6][:2] == ["Total passed", "3"]
    totals = {r[0]: r[4] for r in rows if len(r) > 4 and r[2] == "Call total"}
    assert totals == {"1": "100", "2": "85", "3": "84", "4": "85", "5": "70"}
