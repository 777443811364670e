"""Proof files (R-B2, R-B3): checked by content, images re-encoded, stored outside the web
root under random names, reviewed; only an accepted proof completes a task.

- A TBT course proof must be a real PDF; a certification screenshot a PNG or JPEG; other
  tasks take any of the three. The name a browser sends is kept for display only.
- Images are decoded and encoded again (Pillow), so nothing appended to or hidden in the
  file survives; an image over `ESP_PROOF_MAX_PIXELS` is refused from its header, before
  decoding. PDFs must parse (pypdf) and have at least one page, and carry no JavaScript,
  automatic or launching actions, attached files or XFA forms (issue 12 item 9).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.lib import clock
from esp.roster.models import Agent

from ..models import Proof
from .facts import actor_name, fact_record

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
SCREENSHOT_TASKS = {"ahip", "carrier_cert", "searched_by_course"}
NAME_FORBIDDEN = ("/", "\\", "\x00")


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str


def proof_dir() -> Path:
    directory = Path(settings.ESP_PROOF_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def allowed_types(item: str) -> tuple[str, ...]:
    if item.startswith("tbt:"):
        return (PDF,)
    if item in SCREENSHOT_TASKS:
        return (PNG, JPEG)
    return (PDF, PNG, JPEG)


def _describe(types) -> str:
    names = {PDF: "a PDF", PNG: "a PNG screenshot", JPEG: "a JPEG screenshot"}
    return " or ".join(names[t] for t in types)


def check_file(name: str, data: bytes, *, item: str, max_bytes: int) -> CheckedFile:
    """The file as it will be stored, or ValidationError saying plainly what is wrong."""
    if not name or any(c in name for c in NAME_FORBIDDEN) or name.startswith("."):
        raise ValidationError(f"The file name '{name}' is not allowed (no folders in names).")
    if len(data) > max_bytes:
        raise ValidationError(
            f"{name} is {len(data) / 1_000_000:.1f} MB; the limit is {max_bytes // 1_000_000} MB."
        )
    if not data:
        raise ValidationError(f"{name} is empty.")
    allowed = allowed_types(item)
    if data.startswith(b"%PDF-"):
        if PDF not in allowed:
            raise ValidationError(f"{name} is a PDF; this proof must be {_describe(allowed)}.")
        return CheckedFile(_checked_pdf(name, data), PDF)
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        kind = PNG if data.startswith(b"\x89PNG") else JPEG
        if kind not in allowed:
            raise ValidationError(f"{name} is an image; this proof must be {_describe(allowed)}.")
        return CheckedFile(_reencoded_image(name, data, kind), kind)
    raise ValidationError(
        f"{name} is not {_describe(allowed)} (its content says otherwise, whatever its name)."
    )


# What a proof PDF may not carry (issue 12 item 9): actions that run code, open other files or
# send data, scripts, attached files, and XFA forms (which script). Links to web pages (/URI),
# named actions and "open at page 1" destinations are ordinary and stay allowed.
PDF_FORBIDDEN_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that launches a program",
    "/SubmitForm": "an action that sends form data",
    "/ImportData": "an action that imports data",
    "/GoToE": "an action that opens an attached file",
    "/GoToR": "an action that opens another file",
    "/RichMediaExecute": "an action that runs embedded media",
    "/Rendition": "an action that plays embedded media",
}
PDF_FORBIDDEN_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "actions that run automatically (on opening a page, a field or the file)",
    "/EmbeddedFiles": "attached files",
    "/EF": "attached files",
    "/XFA": "an XFA form (which can run scripts)",
}
PDF_FORBIDDEN_TYPES = {
    "/EmbeddedFile": "attached files",
    "/FileAttachment": "attached files",
    "/RichMedia": "embedded media",
}
PDF_OBJECTS_LIMIT = 200_000


def _pdf_hazard(reader) -> str | None:
    """What in the PDF could act on the reviewer's machine, in plain words; None if nothing.

    Walks every object reachable from the document catalog (names tree, pages and their
    annotations, outlines, forms) without decoding any stream.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    root = reader.trailer["/Root"].get_object()
    opening = root.get("/OpenAction")
    if opening is not None:
        opening = opening.get_object()
        if isinstance(opening, DictionaryObject) and opening.get("/S") != "/GoTo":
            kind = PDF_FORBIDDEN_ACTIONS.get(opening.get("/S"), f"a {opening.get('/S')} action")
            return f"an action that runs when it is opened ({kind})"
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            if len(seen) > PDF_OBJECTS_LIMIT:
                return f"more than {PDF_OBJECTS_LIMIT:,} objects"
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key in node:
                if key in PDF_FORBIDDEN_KEYS:
                    return PDF_FORBIDDEN_KEYS[key]
            for key in ("/S", "/Type", "/Subtype"):
                value = node.get(key)
                if not isinstance(value, str):
                    continue
                if key == "/S" and value in PDF_FORBIDDEN_ACTIONS:
                    return PDF_FORBIDDEN_ACTIONS[value]
                if value in PDF_FORBIDDEN_TYPES:
                    return PDF_FORBIDDEN_TYPES[value]
            stack.extend(value for key, value in node.items() if key != "/Parent")
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def _checked_pdf(name: str, data: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise ValidationError(f"{name} is a PDF without pages.")
        hazard = _pdf_hazard(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ValidationError(f"{name} is not a readable PDF ({exc}).") from None
    except RecursionError:
        raise ValidationError(f"{name} is not a readable PDF (nested too deeply).") from None
    if hazard:
        raise ValidationError(
            f"{name} is a PDF with {hazard}, which a proof may not contain. Print it to a new "
            "PDF (Print, then Save as PDF) and upload that."
        )
    return data


def max_pixels() -> int:
    return int(getattr(settings, "ESP_PROOF_MAX_PIXELS", 25_000_000))


def _too_many_pixels(name: str, width: int, height: int, limit: int) -> ValidationError:
    return ValidationError(
        f"{name} is {width} × {height} pixels ({width * height / 1_000_000:.1f} million); "
        f"the limit is {limit / 1_000_000:g} million. Upload a smaller screenshot."
    )


def _reencoded_image(name: str, data: bytes, kind: str) -> bytes:
    from PIL import Image, UnidentifiedImageError

    limit = max_pixels()
    # Pillow itself refuses anything over twice this before decoding (DecompressionBombError).
    Image.MAX_IMAGE_PIXELS = limit
    try:
        # The size comes from the header: open() reads it without decoding any pixel, so an
        # image too large is refused before it costs memory or time (issue 12 item 9).
        with warnings.catch_warnings():
            # Between the limit and twice it Pillow only warns; the check below refuses it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
        with probe:
            width, height = probe.size
            if width * height > limit:
                raise _too_many_pixels(name, width, height, limit)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.size != (width, height):
                raise ValidationError(f"{name} is not a readable image.")
            image.load()
            clean = image if kind == PNG else image.convert("RGB")
            # Pillow writes some metadata of the original back (a JPEG comment, an ICC
            # profile): keep only the pixels (and a palette's transparency).
            clean.info = {k: v for k, v in clean.info.items() if k == "transparency"}
            out = io.BytesIO()
            if kind == PNG:
                clean.save(out, format="PNG")
            else:
                clean.save(out, format="JPEG", quality=90)
    except Image.DecompressionBombError:
        raise ValidationError(
            f"{name} is more than {2 * limit / 1_000_000:g} million pixels; the limit is "
            f"{limit / 1_000_000:g} million. Upload a smaller screenshot."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(f"{name} is not a readable image.") from None
    return out.getvalue()


@transaction.atomic
def proof_submit(*, agent: Agent, item: str, name: str, data: bytes, actor) -> Proof:
    """Check, store under a random name, and record the proof as submitted."""
    require_write(actor, "proof_upload", item, agent)
    program = agent.training_class.program
    checked = check_file(name, data, item=item, max_bytes=program.proof_max_mb * 1_000_000)
    stored = secrets.token_hex(16) + EXTENSIONS[checked.content_type]
    (proof_dir() / stored).write_bytes(checked.content)
    proof = Proof.objects.create(
        agent=agent,
        item=item,
        stored_name=stored,
        original_name=Path(name).name[:255],
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        submitted_by=actor,
    )
    audit_record(
        actor=_user(actor),
        action="proof_submit",
        obj=proof,
        changes={"agent": agent.employee_id, "item": item, "name": proof.original_name},
    )
    return proof


def _user(actor):
    return actor if actor is not None and getattr(actor, "pk", None) else None


class ReviewError(ValueError):
    pass


@transaction.atomic
def proof_review(
    *, proof: Proof, accept: bool, actor, day: date, reason: str = "", now: datetime | None = None
) -> Proof:
    """Accept (completing the task or course) or reject with a reason (R-B2). The reviewer
    must be one whose task it is: someone who may review proofs and record what accepting
    this one records (esp.access.writes "proof_review", `proof_write`): AHIP and the carrier
    certification Licensing (or the ESP Manager), a TBT course a TBT SME, any other task
    whoever the table gives it (issue 12 follow-up item 1). `now` is the review's time (the
    callers not yet passing it get the clock's)."""
    require_write(actor, "proof_review", proof.item, proof.agent)
    proof = Proof.objects.select_for_update().get(pk=proof.pk)
    if proof.status != Proof.SUBMITTED:
        raise ReviewError(
            f"This proof was already {proof.status} by "
            f"{actor_name(proof.reviewed_by) or 'someone'}."
        )
    if not accept and not reason.strip():
        raise ReviewError("A rejection needs a reason the agent can act on.")
    proof.status = Proof.ACCEPTED if accept else Proof.REJECTED
    proof.reason = reason.strip()
    proof.reviewed_by = actor
    proof.reviewed_at = now or clock.now()
    proof.save()
    audit_record(
        actor=_user(actor),
        action="proof_accept" if accept else "proof_reject",
        obj=proof,
        changes={"agent": proof.agent.employee_id, "item": proof.item, "reason": proof.reason},
    )
    if accept:
        if proof.item.startswith("tbt:"):
            kind, item, value = "tbt", proof.item.removeprefix("tbt:"), "done"
            note = ""
        elif proof.item == "searched_by_course":
            kind, item, value = "note", "", ""
            note = "Searched by course number: screenshot accepted."
        else:
            kind, item, value = "task", proof.item, "done"
            note = f"Proof accepted: {proof.original_name}"
        fact_record(
            agent=proof.agent,
            day=day,
            kind=kind,
            item=item,
            value=value,
            note=note,
            actor=actor,
            source="proof",
            proof=proof,
        )
    return proof


def proof_path(proof: Proof) -> Path:
    path = (proof_dir() / proof.stored_name).resolve()
    if path.parent != proof_dir().resolve():
        raise ValidationError("bad proof path")
    return path
