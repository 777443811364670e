"""Issue 16 in the browser: the class day's upload takes a provider's file as downloaded (an
.xlsx, Excel's Windows-1252 CSV), previews it and saves what is confirmed; an unrecognised
workbook is refused naming its columns."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esp.progress.models import Fact
from tests.attendance.test_meeting_layouts import CLASSES, GOTO_MEETING_FACTS, ROSTER
from tests.web_support import staff

FIXTURES = Path(__file__).parents[1] / "fixtures" / "meeting"
PAGE = "/classes/AET-A/attendance/import/"


@pytest.fixture
def tl(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        assert esp("import", kind, write(text, f"{kind}.csv"))[0] == 0
    return staff("tl.one@cxp.example", "TL")


def upload(client, name: str, content: bytes):
    upload = SimpleUploadedFile(name, content, "application/octet-stream")
    return client.post(PAGE, {"step": "preview", "date": "2026-11-03", "file": upload})


def saved() -> list[tuple[str, str, str]]:
    return sorted(
        Fact.objects.filter(kind="attendance").values_list("agent__employee_id", "item", "value")
    )


@pytest.mark.parametrize(
    "name", ["goto_meeting_attendees.xlsx", "goto_meeting_attendees_excel.csv"]
)
def test_a_goto_meeting_file_as_downloaded_is_previewed_and_saved(tl, client, name):
    client.force_login(tl)
    preview = upload(client, name, (FIXTURES / name).read_bytes())
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Tardy 20 min" in text and "15125550199" in text and "Renée Müller" in text
    assert "Times converted from the report&#x27;s time zone, EST (UTC−05:00)" in text
    assert "<td>8:20 AM</td>" in text  # Ann's first join, 9:20 AM EST, in the program's zone
    assert saved() == []
    response = client.post(PAGE, {"step": "confirm"})
    assert response.status_code == 302
    assert saved() == GOTO_MEETING_FACTS


def test_an_unrecognised_workbook_is_refused_naming_its_columns(tl, client, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Who", "Joined", "Left"])
    book.save(tmp_path / "x.xlsx")
    client.force_login(tl)
    response = upload(client, "report.csv", (tmp_path / "x.xlsx").read_bytes())
    assert response.status_code == 400
    assert "an Excel workbook (.xlsx) whose first sheet has the columns" in (
        response.content.decode()
    )
    assert saved() == []
