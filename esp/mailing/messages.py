"""One way to build an e-mail: a template set (subject, text, HTML) plus attachments.

`emails/<name>-subject.txt`, `emails/<name>-body.txt` and `emails/<name>-body.html` are
rendered with the same context; templates escape every value (no user text is marked safe).
"""

from __future__ import annotations

from django.template.loader import render_to_string

from .outbox import Attachment, Message


def make_message(name: str, context: dict, attachments: tuple[Attachment, ...] = ()) -> Message:
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context).strip() + "\n"
    html = render_to_string(f"emails/{name}-body.html", context)
    return Message(subject=subject, text=text, html=html, attachments=tuple(attachments))
