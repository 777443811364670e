"""The site's icon at /favicon.ico, for the pages that do not extend base.html (the admin, the
self-report form) — no 404 in the browser's console (issue 17, found by the issue-13 walk)."""

import pytest

pytestmark = pytest.mark.django_db


def test_anyone_gets_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
