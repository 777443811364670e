"""The Cert Coordinator uploads the certifier's own Excel scorecard for an agent (seed 004
item 7; issue 15 item 2; SPEC R-C3, R-C5).

Seed 004: "The Cert Coordinator will upload the scorecard by Clicking Here." The file is kept
as Jane Doe's scorecard (downloadable from her page by the staff who see her); its five scores
are read from the sheet when it has the layout of the program's scorecard (the blank scoring
sheet), otherwise the coordinator enters them beside it. A bad file saves nothing.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from esp.certification.models import CallScore, ScorecardUpload
from esp.certification.scorecard_uploads import scoring_sheet_xlsx
from esp.certification.selectors import latest_calls
from esp.mailing.models import OutboxMessage
from esp.progress.models import Fact
from esp.roster.roles import PM, TL
from tests.certification.test_certification import world as world  # noqa: F401 (fixture)
from tests.web_support import staff

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # Monday
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def monday_morning(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def coordinator(world):
    client = Client()
    client.force_login(world[2])
    OutboxMessage.objects.all().delete()
    return client


def filled_sheet(template, marked_down: dict[tuple[int, str], object]) -> bytes:
    """The blank scoring sheet with some cells changed: (call, item text) → value."""
    items = list(template.items())
    book = load_workbook(io.BytesIO(scoring_sheet_xlsx(template, items, 5)))
    sheet = book.active
    rows = {sheet.cell(r, 2).value: r for r in range(5, sheet.max_row + 1)}
    for (call, item), value in marked_down.items():
        sheet.cell(rows[item], 4 + call).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def other_layout() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Aetna QA"
    sheet.append(["Aetna QA Scorecard", "", "Agent: Jane Doe"])
    sheet.append(["Question", "Weight", "Call 1", "Call 2", "Call 3", "Call 4", "Call 5"])
    sheet.append(["Greeting", 5, 5, 5, 5, 5, 5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def post(client, content: bytes, name="Doe_Jane_80%.xlsx", **scores):
    data = {f"call_{n}": str(scores.get(f"call_{n}", "")) for n in range(2, 6)}
    data["file"] = SimpleUploadedFile(name, content, content_type=XLSX)
    return client.post("/agents/E001/scorecard/", data)


def test_it_reads_the_five_scores_from_a_scorecard_in_the_programs_layout(world, coordinator):
    """Seed 004: "The Cert Coordinator will upload the scorecard by Clicking Here." — the
    certifier's sheet in the scorecard's layout gives the five scores itself."""
    jane, _, _, template = world
    content = filled_sheet(
        template,
        {
            (2, "Prescriptions"): 5,  # 95
            (3, "Scope of appointment"): 0,  # 90
            (4, "TPMO disclaimer read"): "missed",  # auto-fail: 0
            (5, "Explains costs accurately"): 0,
            (5, "Prescriptions"): 0,  # 80
        },
    )
    answer = post(coordinator, content)
    assert answer.status_code == 302, answer.content.decode()[-1500:]
    upload = ScorecardUpload.objects.get()
    assert (upload.scores, upload.scores_from) == ([100, 95, 90, 0, 80], "sheet")
    assert {n: f.value for n, f in latest_calls(jane).items()} == {
        1: "100",
        2: "95",
        3: "90",
        4: "0",
        5: "80",
    }
    assert CallScore.objects.filter(agent=jane).count() == 5  # item by item, as on the page
    [workbook] = OutboxMessage.objects.filter(report="callcert_workbook")
    assert workbook.attachments.get().filename == "Doe_Jane_60%.xlsx"

    # Downloadable from her page by the staff who see her, as it was uploaded.
    page = coordinator.get("/agents/E001/")
    assert "Doe_Jane_80%.xlsx" in page.content.decode()
    tl = Client()
    tl.force_login(staff("tl.one@cxp.example", TL))
    got = tl.get(f"/agents/E001/scorecard/{upload.pk}/")
    assert got.status_code == 200
    assert got.content == content
    assert got["Content-Disposition"] == 'attachment; filename="Doe_Jane_80%.xlsx"'
    assert tl.get("/agents/E001/scorecard/").status_code == 404  # a TL does not upload
    stranger = Client()
    stranger.force_login(staff("pm.two@cxp.example", PM))  # not this class's PM
    assert stranger.get(f"/agents/E001/scorecard/{upload.pk}/").status_code == 404


def test_it_takes_the_scores_entered_beside_a_scorecard_of_another_layout(world, coordinator):
    """Seed 004: "The Certifier will use the Aetna Excel QA Scorecard (below) to grade the
    calls" — a carrier's sheet the app cannot read is kept, with the scores entered beside."""
    jane, *_ = world
    answer = post(coordinator, other_layout())
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "no sheet has the layout of the program&#x27;s scorecard" in text
    assert "Enter the score of call 2, 3, 4, 5 beside the file" in text
    assert not ScorecardUpload.objects.exists() and not Fact.objects.filter(kind="call").exists()

    answer = post(coordinator, other_layout(), call_2=90, call_3=85, call_4=70, call_5=88)
    assert answer.status_code == 302
    upload = ScorecardUpload.objects.get()
    assert (upload.scores, upload.scores_from) == ([100, 90, 85, 70, 88], "entered")
    assert {n: f.value for n, f in latest_calls(jane).items()} == {
        1: "100",
        2: "90",
        3: "85",
        4: "70",
        5: "88",
    }
    assert OutboxMessage.objects.get(report="callcert_workbook").attachments.get().filename == (
        "Doe_Jane_80%.xlsx"
    )


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (b"%PDF-1.7 ...", "scorecard.xlsx", "scorecard.xlsx: a PDF document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.xlsx", "Excel 97–2003"),
        (b"", "empty.xlsx", "empty.xlsx: an empty file"),
        (b"Call,Score\n2,90\n", "scores.xlsx", "scores.xlsx: not an Excel workbook"),
    ],
)
def test_it_refuses_a_file_that_is_not_an_excel_workbook_and_saves_nothing(
    world, coordinator, content, name, expected
):
    """Seed 004: the certifier's scorecard is "the Aetna Excel QA Scorecard": an Excel file,
    checked by its content, not its name."""
    answer = post(coordinator, content, name=name, call_2=90, call_3=90, call_4=90, call_5=90)
    assert answer.status_code == 400
    assert expected in answer.content.decode()
    assert "Nothing was saved" in answer.content.decode()
    assert not ScorecardUpload.objects.exists() and not Fact.objects.filter(kind="call").exists()


def test_it_names_the_cell_of_a_bad_score_in_the_scorecard_and_saves_nothing(world, coordinator):
    """Seed 004: "The Certifier will use the Aetna Excel QA Scorecard ... to grade the calls":
    a cell that is not a score is named by its sheet and cell."""
    _, _, _, template = world
    content = filled_sheet(template, {(3, "Prescriptions"): "ten", (4, "Prescriptions"): 12})
    answer = post(coordinator, content)
    assert answer.status_code == 400
    text = answer.content.decode().replace("&#x27;", "'")
    assert "sheet 'Scorecard', cell G9: 'ten' is not a number for 'Prescriptions' on call 3" in text
    assert "sheet 'Scorecard', cell H9: 12 for 'Prescriptions' on call 4; it scores 0–10" in text
    assert not ScorecardUpload.objects.exists() and not Fact.objects.filter(kind="call").exists()
