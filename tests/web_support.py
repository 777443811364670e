"""Helpers shared by the web tests: people with roles, small real files, page messages.

(tests/ is on sys.path; import with `from web_support import ...`.)
"""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from fpdf import FPDF
from PIL import Image

PASSWORD = "Correct-Horse-Battery-9"


def staff(email: str, *roles: str):
    """An active account with a usable password in `roles`; an imported (invited, inactive)
    account of the same e-mail is activated."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        first, _, last = email.split("@")[0].partition(".")
        user = User(
            username=email, email=email, first_name=first.capitalize(), last_name=last.capitalize()
        )
    user.is_active = True
    user.set_password(PASSWORD)
    user.save()
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def png(width: int = 60, height: int = 30, color: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 60, height: int = 30, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "blue").save(out, format="JPEG", **options)
    return out.getvalue()


def pdf(text: str = "TBT 101 Medicare basics - completed") -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text)
    return bytes(document.output())


def messages_of(response) -> list[str]:
    """The flash messages a view queued while answering `response`."""
    return [str(m) for m in get_messages(response.wsgi_request)]
