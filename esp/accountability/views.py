"""The CAP document download: to those who may see the agent (404 otherwise), never inline."""

from __future__ import annotations

from django.http import HttpResponse

from .selectors import get_cap_document_for_user


def cap_download(request, pk: int):
    document = get_cap_document_for_user(request.user, pk)
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
