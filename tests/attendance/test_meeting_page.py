"""R-A3 in the web app: upload a meeting report, see the proposal, confirm — nothing is saved
before the confirmation; unmatched rows are listed, never guessed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esp.progress.models import Fact
from tests.reports.test_reports import CLASSES, ROSTER
from tests.web_support import staff

REPORT = b"""name,email,join_time,leave_time
Ann Able,ann@cxp.example,2026-11-05T08:25:00,2026-11-05T12:00:00
Ann Able,ann@cxp.example,2026-11-05T12:10:00,2026-11-05T16:30:00
Bob Baker,bob@cxp.example,2026-11-05T07:58:00,2026-11-05T16:31:00
A Guest,guest@elsewhere.example,2026-11-05T09:00:00,2026-11-05T10:00:00
"""


@pytest.fixture
def tl(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        assert esp("import", kind, write(text, f"{kind}.csv"))[0] == 0
    return staff("tl.one@cxp.example", "TL")


def upload(client, content=REPORT):
    return client.post(
        "/classes/AET-A/attendance/import/",
        {
            "step": "preview",
            "date": "2026-11-05",
            "file": SimpleUploadedFile("meet.csv", content, "text/csv"),
        },
    )


def test_it_previews_then_saves_only_what_was_confirmed(tl, client):
    client.force_login(tl)
    preview = upload(client)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Nothing is saved until you confirm" in text
    assert "Tardy 25 min" in text  # first join 08:25 against an 08:00 start
    assert "A Guest" in text and "never guessed" in text
    assert not Fact.objects.filter(kind="attendance").exists()

    response = client.post(
        "/classes/AET-A/attendance/import/",
        {"step": "confirm", "absent_E003": "ncns", "absent_E004": "absent_approved"},
    )
    assert (
        response.status_code == 302
        and "/classes/AET-A/attendance/?date=2026-11-05" in (response["Location"])
    )
    saved = sorted(
        Fact.objects.filter(kind="attendance").values_list("agent__employee_id", "item", "value")
    )
    assert saved == [("E001", "tardy", "25"), ("E003", "ncns", ""), ("E004", "absent_approved", "")]
    assert set(Fact.objects.filter(kind="attendance").values_list("recorded_by", flat=True)) == {
        tl.pk
    }


def test_a_malformed_file_is_rejected_whole_with_its_lines(tl, client):
    client.force_login(tl)
    response = upload(
        client, b"name,email,join_time,leave_time\nAnn Able,ann@cxp.example,soon,later\n"
    )
    assert response.status_code == 400
    assert b"line 2" in response.content
    assert not Fact.objects.filter(kind="attendance").exists()


def test_another_tl_gets_404(tl, client):
    client.force_login(staff("tl.two@cxp.example", "TL"))
    assert upload(client).status_code == 404
