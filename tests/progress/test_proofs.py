"""Proof files (R-B2, R-B3; issue 4 item 5): PDF, PNG and JPEG only, checked by content; images
re-encoded; a size cap; stored outside the web root under random names; served only through a
permission-checked view as an attachment; submitted → accepted or rejected with a reason; only
an accepted proof completes a task.

Class AET-A (test_reports) is in its licensing phase on Thursday 11/05/2026 (licensing from
11/04): its TL, licensing and the agent themselves may see its agents; the TL of AET-B may not.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

import esp
from esp.programs.models import Program, TbtCourse
from esp.progress.models import Fact, Proof
from esp.progress.pages import agent_row
from esp.progress.services.proofs import check_file, proof_submit
from esp.roster.models import Agent
from esp.roster.roles import AGENT, ESP_MANAGER, LICENSING, TL, WFM
from tests.reports.test_reports import CLASSES, ROSTER
from tests.web_support import jpeg, messages_of, pdf, png, staff

NOW = datetime(2026, 11, 5, 10, tzinfo=ZoneInfo("America/Chicago"))
TODAY = NOW.date()
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def proof_dir(settings, tmp_path) -> Path:
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return tmp_path / "proofs"


@pytest.fixture
def people(program, write, esp, proof_dir):
    """AET-A (licensing phase) and AET-B imported; a TBT course 101 in the program's list."""
    with time_machine.travel(NOW, tick=False):
        for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
            code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
            assert code == 0, err
        TbtCourse.objects.create(program=program, number="101", name="Medicare basics")
        people = {
            "tl": staff("tl.one@cxp.example", TL),
            "other_tl": staff("tl.two@cxp.example", TL),
            "licensing": staff("licensing@cxp.example", LICENSING),
            "manager": staff("esp.manager@cxp.example", ESP_MANAGER),
            "wfm": staff("wfm@cxp.example", WFM),
            "ann": staff("ann@cxp.example", AGENT),
            "bob": staff("bob@cxp.example", AGENT),
        }
        for employee_id, user in (("E001", people["ann"]), ("E002", people["bob"])):
            Agent.objects.filter(employee_id=employee_id).update(user=user)
        yield people


@pytest.fixture
def tl_client(client, people):
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["tl"])
        yield client


def upload(client, item: str, name: str, data: bytes, employee_id: str = "E001"):
    return client.post(
        reverse("progress:proof_upload", args=[employee_id]),
        {"item": item, "file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )


def stored_files(proof_dir: Path) -> list[Path]:
    return sorted(proof_dir.iterdir()) if proof_dir.exists() else []


def png_with_text_chunk() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HTML.decode())
    out = io.BytesIO()
    Image.new("RGB", (60, 30), "green").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


# -- refused ---------------------------------------------------------------------------------------

HOSTILE = [
    # (what, proof for, file name, content, what the message says)
    ("html named .pdf", "tbt:101", "certificate.pdf", HTML, "is not a PDF"),
    ("an svg", "carrier_cert", "checks.svg", SVG, "is not a PNG screenshot or a JPEG screenshot"),
    ("an svg named .png", "carrier_cert", "checks.png", SVG, "its content says otherwise"),
    ("a jpeg named .pdf for a tbt", "tbt:101", "certificate.pdf", jpeg(), "must be a PDF"),
    ("a pdf for a screenshot", "carrier_cert", "checks.png", pdf(), "is a PDF; this proof must"),
    ("a truncated pdf", "tbt:101", "certificate.pdf", pdf()[:480], "is not a readable PDF"),
    ("a png header then html", "ahip", "checks.png", b"\x89PNG\r\n\x1a\n" + HTML, "not a readable"),
    ("a zip named .pdf", "rts", "forms.pdf", b"PK\x03\x04" + b"\x00" * 40, "is not a PDF"),
]


@pytest.mark.parametrize(
    "item, name, content, reason", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_it_refuses_a_hostile_upload_with_a_clear_message_and_stores_nothing(
    people, tl_client, proof_dir, item, name, content, reason
):
    """R-B2: checked by content, whatever the name says; §17 bad input changes nothing."""
    response = upload(tl_client, item, name, content)
    assert response.status_code == 302 and response["Location"].endswith("/agents/E001/#proofs")
    [message] = messages_of(response)
    assert name in message and reason in message and "Nothing was stored." in message
    assert Proof.objects.count() == 0 and stored_files(proof_dir) == []


def test_it_refuses_a_file_over_the_programs_size_cap(people, tl_client, proof_dir):
    """R-B2: the cap is the program's proof_max_mb (configurable), here 1 MB."""
    Program.objects.update(proof_max_mb=1)
    big = pdf()[:-6] + b"%" + b"0" * 1_200_000 + b"\n%%EOF\n"
    response = upload(tl_client, "tbt:101", "certificate.pdf", big)
    assert messages_of(response) == [
        "certificate.pdf is 1.2 MB; the limit is 1 MB. Nothing was stored."
    ]
    assert Proof.objects.count() == 0 and stored_files(proof_dir) == []
    with pytest.raises(ValidationError, match="is 1.2 MB; the limit is 1 MB"):
        check_file("certificate.pdf", big, item="tbt:101", max_bytes=1_000_000)


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "a\\b.png", "/etc/passwd.png", "..\\..\\x.png", ".hidden.png"]
)
def test_it_refuses_a_name_with_folders_in_the_service(name):
    with pytest.raises(ValidationError, match="is not allowed \\(no folders in names\\)"):
        check_file(name, png(), item="carrier_cert", max_bytes=10_000_000)


@pytest.mark.parametrize(
    "sent, kept", [("../../etc/passwd.png", "passwd.png"), ("a\\b.png", "b.png")]
)
def test_it_never_writes_where_an_uploaded_name_points(
    people, tl_client, proof_dir, tmp_path, sent, kept
):
    """Through the page, Django drops the folders of a multipart file name before the view
    sees it; the file lands in the proof folder under a random name, the name is display only."""
    boundary = "hostile-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\ncarrier_cert\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{sent}"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + png()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = tl_client.post(
        reverse("progress:proof_upload", args=["E001"]),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    proof = Proof.objects.get()
    assert proof.original_name == kept
    assert [p.name for p in stored_files(proof_dir)] == [proof.stored_name]
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"classes.csv", "roster.csv", f"proofs/{proof.stored_name}"}


# -- images re-encoded -----------------------------------------------------------------------------

SMUGGLED = [
    ("html appended to a png", "checks.png", png() + HTML),
    ("html in a png text chunk", "checks.png", png_with_text_chunk()),
    ("html appended to a jpeg", "checks.jpg", jpeg() + HTML),
    ("html in a jpeg comment", "checks.jpg", jpeg(comment=HTML)),
]


@pytest.mark.parametrize("name, content", [s[1:] for s in SMUGGLED], ids=[s[0] for s in SMUGGLED])
def test_it_stores_an_image_re_encoded_so_nothing_rides_along(
    people, tl_client, proof_dir, name, content
):
    """R-B2: "images are re-encoded on upload so nothing hides behind them"."""
    assert b"<script" in content
    response = upload(tl_client, "carrier_cert", name, content)
    assert messages_of(response) == [f"{name} submitted for review."]
    proof = Proof.objects.get()
    stored = (proof_dir / proof.stored_name).read_bytes()
    assert stored != content
    assert b"<html" not in stored.lower() and b"<script" not in stored.lower()
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert image.size == (60, 30)
        assert image.format == ("PNG" if name.endswith(".png") else "JPEG")


def test_it_keeps_the_content_type_the_content_says_not_the_name(people, tl_client, proof_dir):
    response = upload(tl_client, "carrier_cert", "checks.pdf", png())
    assert messages_of(response) == ["checks.pdf submitted for review."]
    proof = Proof.objects.get()
    assert proof.content_type == "image/png" and proof.stored_name.endswith(".png")


# -- stored, served, reviewed ----------------------------------------------------------------------


@pytest.fixture
def submitted(people, tl_client, proof_dir):
    """A TBT course PDF and a carrier certification PNG of Ann (E001), both submitted."""
    assert upload(tl_client, "tbt:101", "TBT 101.pdf", pdf()).status_code == 302
    assert upload(tl_client, "carrier_cert", "13 checks.png", png()).status_code == 302
    tl_client.get(reverse("progress:agent", args=["E001"]))  # shows (and so clears) the messages
    return {p.item: p for p in Proof.objects.all()}


def test_it_stores_proofs_under_random_names_outside_the_web_root(submitted, proof_dir):
    web_roots = [Path(django_settings.STATIC_ROOT), Path(esp.__file__).parent]
    for item, kind, extension in (
        ("tbt:101", "application/pdf", "pdf"),
        ("carrier_cert", "image/png", "png"),
    ):
        proof = submitted[item]
        assert proof.status == Proof.SUBMITTED and proof.content_type == kind
        assert re.fullmatch(rf"[0-9a-f]{{32}}\.{extension}", proof.stored_name)
        assert proof.stored_name not in proof.original_name
        path = (proof_dir / proof.stored_name).resolve()
        assert path.is_file() and path.stat().st_size == proof.size
        assert not any(path.is_relative_to(root.resolve()) for root in web_roots)
    assert (
        not Path(django_settings.ESP_PROOF_DIR)
        .resolve()
        .is_relative_to(Path(django_settings.STATIC_ROOT).resolve())
    )


def test_it_serves_a_proof_as_an_attachment_only_to_who_may_see_the_agent(
    submitted, people, client, proof_dir
):
    """§17: the file is checked on the object (the agent), never rendered inline."""
    proof = submitted["tbt:101"]
    url = reverse("progress:proof_file", args=[proof.pk])
    with time_machine.travel(NOW, tick=False):
        for who in ("tl", "licensing", "ann"):
            client.force_login(people[who])
            response = client.get(url)
            assert response.status_code == 200, who
            assert response["Content-Disposition"].startswith("attachment;")
            assert 'filename="TBT 101.pdf"' in response["Content-Disposition"]
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
            assert (
                b"".join(response.streaming_content) == (proof_dir / proof.stored_name).read_bytes()
            )
        for who in ("other_tl", "bob", "wfm"):
            client.force_login(people[who])
            assert client.get(url).status_code == 404, who
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def decide(client, proof, decision: str, reason: str = ""):
    return client.post(
        reverse("progress:proof_decide", args=[proof.pk]), {"decision": decision, "reason": reason}
    )


def cell(task: str):
    agent = Agent.objects.select_related("training_class__program").get(employee_id="E001")
    return next(c for c in agent_row(agent, TODAY).cells if c.task == task)


def test_it_completes_the_task_only_when_licensing_accepts_the_proof(submitted, people, client):
    """R-B2: a submitted proof leaves the task open; accepting it completes the task."""
    proof = submitted["carrier_cert"]
    assert cell("carrier_cert").status != "done"
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["licensing"])
        response = decide(client, proof, "accept")
    assert response.status_code == 302
    assert messages_of(response) == ["13 checks.png accepted (Ann Able)."]
    proof.refresh_from_db()
    assert proof.status == Proof.ACCEPTED and proof.reviewed_by == people["licensing"]
    fact = Fact.objects.get(kind="task", item="carrier_cert")
    assert (fact.value, fact.date, fact.proof) == ("done", TODAY, proof)
    assert cell("carrier_cert").status == "done"


def test_it_records_the_tbt_course_when_its_pdf_is_accepted(submitted, people, client):
    """R-B2 / §3: the TBT task is done when every course of the list has an accepted PDF
    (accepted by one who records TBT courses: a TBT SME or, here, the ESP Manager; issue 12
    follow-up item 1 — no longer the TL)."""
    assert cell("tbt").status != "done"
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["manager"])
        decide(client, submitted["tbt:101"], "accept")
    fact = Fact.objects.get(kind="tbt")
    assert (fact.item, fact.value, fact.proof) == ("101", "done", submitted["tbt:101"])
    assert cell("tbt").status == "done"


def test_it_needs_a_reason_to_reject_and_a_rejected_proof_completes_nothing(
    submitted, people, client
):
    proof = submitted["carrier_cert"]
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["licensing"])
        response = decide(client, proof, "reject")
        assert messages_of(response) == ["A rejection needs a reason the agent can act on."]
        proof.refresh_from_db()
        assert proof.status == Proof.SUBMITTED
        response = decide(client, proof, "reject", "Only 12 green checks are visible")
    proof.refresh_from_db()
    assert (proof.status, proof.reason) == (Proof.REJECTED, "Only 12 green checks are visible")
    assert not Fact.objects.filter(kind="task", item="carrier_cert").exists()
    assert cell("carrier_cert").status != "done"


def test_it_refuses_a_second_review(submitted, people, client):
    proof = submitted["carrier_cert"]
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["licensing"])
        decide(client, proof, "accept")
        client.force_login(people["manager"])  # another who may decide it (not the TL)
        response = decide(client, proof, "reject", "Wrong screenshot")
    assert messages_of(response)[-1] == "This proof was already accepted by Licensing."
    proof.refresh_from_db()
    assert proof.status == Proof.ACCEPTED and proof.reviewed_by == people["licensing"]
    assert Fact.objects.filter(kind="task", item="carrier_cert").count() == 1


def test_it_lets_the_agent_upload_their_own_proof_but_not_review_it(people, client, proof_dir):
    with time_machine.travel(NOW, tick=False):
        client.force_login(people["ann"])
        response = upload(client, "carrier_cert", "mine.png", png())
        assert messages_of(response) == ["mine.png submitted for review."]
        proof = Proof.objects.get()
        assert decide(client, proof, "accept").status_code == 404
        assert upload(client, "carrier_cert", "bobs.png", png(), "E002").status_code == 404
    proof.refresh_from_db()
    assert proof.status == Proof.SUBMITTED and Proof.objects.count() == 1


def test_it_checks_a_proof_in_the_service_the_same_way(people):
    agent = Agent.objects.get(employee_id="E001")
    with pytest.raises(ValidationError, match="is not a PDF"):
        proof_submit(agent=agent, item="tbt:101", name="x.pdf", data=HTML, actor=None)
    proof = proof_submit(agent=agent, item="tbt:101", name="x.pdf", data=pdf(), actor=None)
    assert proof.status == Proof.SUBMITTED and proof.content_type == "application/pdf"


def test_it_refuses_a_hostile_screenshot_in_the_carrier_cert_form_too(people, client, proof_dir):
    """R-N4 form, R-B2 check: the form says what is wrong and records nothing (the form is
    Licensing's: issue 12 follow-up item 2)."""
    facts = Fact.objects.count()
    client.force_login(people["licensing"])
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("progress:tracking_form", args=["carrier-cert"]),
            {
                "agent": "E001",
                "day": "11/05/2026",
                "certification": "carrier_cert",
                "screenshot": SimpleUploadedFile("checks.png", SVG, "image/png"),
            },
        )
    assert response.status_code == 400
    assert "checks.png is not a PNG screenshot or a JPEG screenshot" in response.content.decode()
    assert Proof.objects.count() == 0 and stored_files(proof_dir) == []
    assert Fact.objects.count() == facts
