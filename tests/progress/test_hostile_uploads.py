"""Hostile proof uploads (issue 12 item 9; R-B2, SPEC §17): a PDF with JavaScript, an action on
opening, a launch action, attached files or automatic actions is refused; an image above the
pixel limit is refused from its header before decoding — with a plain message, nothing stored,
quickly and without the memory the decoded image would take."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from esp.progress.models import Proof
from esp.progress.services.proofs import check_file
from tests.progress.test_proofs import people, proof_dir, stored_files, tl_client, upload  # noqa: F401
from tests.web_support import jpeg, messages_of, pdf, png

ROOT = Path(__file__).resolve().parents[2]
MB = 10_000_000


def name(text: str) -> NameObject:
    return NameObject(text)


def action(kind: str, **entries) -> DictionaryObject:
    result = DictionaryObject({name("/S"): name(kind)})
    for key, value in entries.items():
        result[name(f"/{key}")] = value
    return result


def annotation(subtype: str, **entries) -> DictionaryObject:
    result = DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name(subtype),
            name("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 100, 40)]),
        }
    )
    for key, value in entries.items():
        result[name(f"/{key}")] = value
    return result


def pdf_with(change) -> bytes:
    """The test certificate PDF with `change(writer)` applied."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf())))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_annotation(writer, annot: DictionaryObject) -> None:
    page = writer.pages[0]
    annots = page.get("/Annots") or ArrayObject()
    annots.append(writer._add_object(annot))
    page[name("/Annots")] = annots


def set_root(key: str, value) -> callable:
    return lambda writer: writer._root_object.__setitem__(name(key), value)


def set_page(key: str, value) -> callable:
    return lambda writer: writer.pages[0].__setitem__(name(key), value)


JS = TextStringObject("app.alert('pwned');")


def add_document_javascript(writer) -> None:
    """A document-level script: the catalog's /Names /JavaScript tree (run on opening)."""
    scripts = DictionaryObject(
        {name("/Names"): ArrayObject([TextStringObject("x"), action("/JavaScript", JS=JS)])}
    )
    writer._root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): scripts})


HOSTILE_PDFS = [
    # (what, change, the words the message uses)
    ("document javascript", add_document_javascript, "JavaScript"),
    (
        "openaction javascript",
        set_root("/OpenAction", action("/JavaScript", JS=JS)),
        "an action that runs when it is opened (JavaScript)",
    ),
    (
        "openaction to a web page",
        set_root("/OpenAction", action("/URI", URI=TextStringObject("http://evil.example"))),
        "an action that runs when it is opened",
    ),
    (
        "openaction launch",
        set_root("/OpenAction", action("/Launch", F=TextStringObject("cmd.exe"))),
        "an action that runs when it is opened (an action that launches a program)",
    ),
    (
        "link that launches",
        lambda w: add_annotation(
            w, annotation("/Link", A=action("/Launch", F=TextStringObject("calc.exe")))
        ),
        "an action that launches a program",
    ),
    (
        "link that runs javascript",
        lambda w: add_annotation(w, annotation("/Link", A=action("/JavaScript", JS=JS))),
        "JavaScript",
    ),
    (
        "embedded file",
        lambda w: w.add_attachment("payload.exe", b"MZ" + b"\x00" * 64),
        "attached files",
    ),
    (
        "file attachment annotation",
        lambda w: add_annotation(
            w,
            annotation(
                "/FileAttachment",
                FS=DictionaryObject(
                    {name("/Type"): name("/Filespec"), name("/F"): TextStringObject("x.exe")}
                ),
            ),
        ),
        "attached files",
    ),
    (
        "page additional actions",
        set_page(
            "/AA",
            DictionaryObject(
                {name("/O"): action("/URI", URI=TextStringObject("http://evil.example"))}
            ),
        ),
        "actions that run automatically",
    ),
    (
        "document additional actions",
        set_root("/AA", DictionaryObject({name("/WC"): action("/JavaScript", JS=JS)})),
        "actions that run automatically",
    ),
]


@pytest.mark.parametrize(
    "change, reason", [h[1:] for h in HOSTILE_PDFS], ids=[h[0] for h in HOSTILE_PDFS]
)
def test_it_refuses_a_pdf_that_could_act_and_stores_nothing(
    people,  # noqa: F811
    tl_client,  # noqa: F811
    proof_dir,  # noqa: F811
    change,
    reason,
):
    """issue 12 item 9 (R-B2): JavaScript, OpenAction, Launch, attachments and AA are refused
    with a plain message naming the file and what it carries; nothing is stored."""
    content = pdf_with(change)
    response = upload(tl_client, "tbt:101", "certificate.pdf", content)
    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith("certificate.pdf is a PDF with ")
    assert reason in message and "Nothing was stored." in message
    assert "Save as PDF" in message
    assert Proof.objects.count() == 0 and stored_files(proof_dir) == []


def test_it_finds_javascript_behind_an_escaped_name():
    """issue 12 item 9: /J#61vaScript is /JavaScript once read, and refused as such."""
    body = pdf_with(add_document_javascript)
    disguised = body.replace(b"/JavaScript", b"/J#61vaScript")
    assert disguised != body
    with pytest.raises(ValidationError, match="is a PDF with JavaScript"):
        check_file("certificate.pdf", disguised, item="tbt:101", max_bytes=MB)


def test_it_still_accepts_an_ordinary_pdf_with_a_web_link_and_an_open_at_page_action():
    """issue 12 item 9: a printed certificate (fpdf's /OpenAction [page /FitH]) with a link to a
    web page is an ordinary PDF and is kept as uploaded."""
    content = pdf_with(
        lambda w: add_annotation(
            w, annotation("/Link", A=action("/URI", URI=TextStringObject("https://cms.gov")))
        )
    )
    assert b"/OpenAction" in content
    checked = check_file("certificate.pdf", content, item="tbt:101", max_bytes=MB)
    assert checked.content == content


def chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_bomb(width: int, height: int) -> bytes:
    """A valid RGB PNG of black pixels: a few hundred KB that decode to width × height × 4."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + width * 3)
    data = b"".join(packer.compress(row * 64) for _ in range(height // 64))
    data += packer.compress(row * (height % 64)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims width × height."""
    data = bytearray(jpeg())
    at = data.index(b"\xff\xc0") + 5
    data[at : at + 4] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """The issue's case: ~170 KB that decode to 59 million pixels (221 MB)."""
    return png_bomb(7680, 7680)


def test_it_refuses_a_pixel_bomb_with_a_plain_message_and_stores_nothing(
    people,  # noqa: F811
    tl_client,  # noqa: F811
    proof_dir,  # noqa: F811
    bomb,
):
    """issue 12 item 9 (R-B2, §17): refused from its header, nothing stored."""
    assert len(bomb) < 200_000
    response = upload(tl_client, "carrier_cert", "checks.png", bomb)
    assert messages_of(response) == [
        "checks.png is more than 50 million pixels; the limit is 25 million. "
        "Upload a smaller screenshot. Nothing was stored."
    ]
    assert Proof.objects.count() == 0 and stored_files(proof_dir) == []


def test_it_refuses_an_image_just_over_the_limit_naming_its_size(
    people,  # noqa: F811
    tl_client,  # noqa: F811
    proof_dir,  # noqa: F811
):
    """issue 12 item 9: 30 million pixels (under Pillow's own guard at twice the limit) is
    refused by the check of the header's size."""
    response = upload(tl_client, "ahip", "checks.png", png_bomb(6000, 5000))
    assert messages_of(response) == [
        "checks.png is 6000 × 5000 pixels (30.0 million); the limit is 25 million. "
        "Upload a smaller screenshot. Nothing was stored."
    ]
    assert Proof.objects.count() == 0 and stored_files(proof_dir) == []


def test_it_refuses_an_image_claiming_billions_of_pixels_before_decoding(people):  # noqa: F811
    """issue 12 item 9: Pillow's own bomb guard (MAX_IMAGE_PIXELS) answers in plain words too."""
    with pytest.raises(ValidationError, match="is more than 50 million pixels; the limit is 25"):
        check_file("checks.jpg", jpeg_claiming(65000, 65000), item="ahip", max_bytes=MB)


def test_it_takes_the_pixel_limit_from_the_settings(settings):
    """issue 12 item 9: ESP_PROOF_MAX_PIXELS is configurable; at the limit an image is kept."""
    settings.ESP_PROOF_MAX_PIXELS = 60 * 30
    assert check_file("ok.png", png(60, 30), item="ahip", max_bytes=MB).content_type == "image/png"
    with pytest.raises(ValidationError, match=r"60 × 31 pixels \(0.0 million\); the limit is"):
        check_file("big.png", png(60, 31), item="ahip", max_bytes=MB)


MEASURE = """
import io, resource, sys, time, django
django.setup()
from django.core.exceptions import ValidationError
from esp.progress.services.proofs import check_file
from tests.web_support import png
check_file("warm.png", png(), item="ahip", max_bytes=10_000_000)
bomb = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    check_file("checks.png", bomb, item="ahip", max_bytes=10_000_000)
    print("stored")
except ValidationError:
    print("refused")
print(time.perf_counter() - started)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_it_refuses_the_pixel_bomb_fast_and_small_in_memory(bomb, tmp_path):
    """issue 12 item 9: the 59-megapixel PNG costs neither 221 MB nor 2.8 s: refused in well
    under a second, the process's peak memory growing by less than 20 MB (measured in a fresh
    process, since Pillow allocates outside Python's allocator)."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE],
        input=bomb,
        capture_output=True,
        check=True,
        cwd=ROOT,
        env={
            "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}",
            "DJANGO_SETTINGS_MODULE": "esp.settings",
            "ESP_VAR_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
        },
        timeout=120,
    )
    outcome, seconds, grown_mb = result.stdout.decode().split()
    assert outcome == "refused"
    assert float(seconds) < 0.5
    assert int(grown_mb) < 20
