"""Error pages in the site's layout with a way back (issue 17 item 8): 404, 403, a stale
form's 403, 400, 500 and a locked account, which says for how long; and no page title holds
markup (the Call Cert queue's held raw HTML and a CSRF token: an unclosed title block).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from esp import urls
from esp.roster.roles import CERT_COORDINATOR, TL
from esp.web.views import bad_request, server_error
from tests.web_support import PASSWORD, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 13, tzinfo=CHICAGO)
ESP = Path(__file__).resolve().parents[2] / "esp"


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


def in_the_layout(page: str, *, nonce: str | None = None) -> None:
    """base.html's header and style (its nonce the request's, so the CSP lets it apply) and a
    link back to the start page."""
    assert "<header><strong>ESP Tracker</strong>" in page
    style = re.search(r'<style nonce="([^"]*)">', page)
    assert style and style.group(1), "the style has no nonce: the CSP would block it"
    if nonce is not None:
        assert style.group(1) == nonce
    assert (
        f'href="{reverse("web:home")}"' in page or f'href="{reverse("accounts:sign_in")}"' in page
    )


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_a_missing_page_is_shown_in_the_layout_with_the_menu(program, client):
    client.force_login(staff("tl.one@cxp.example", TL))
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    in_the_layout(page)
    assert title(page) == "Not found — ESP Tracker"
    assert '<nav aria-label="Main">' in page and f'href="{reverse("web:today")}"' in page


def test_a_refused_change_is_shown_in_the_layout_with_its_reason(program):
    request = RequestFactory().get("/")
    request.user = staff("tl.one@cxp.example", TL)
    request.csp_nonce = "n0nce"
    response = permission_denied(request, PermissionDenied("Only Licensing records AHIP."))
    page = response.content.decode()
    assert response.status_code == 403
    in_the_layout(page, nonce="n0nce")
    assert "Only Licensing records AHIP." in page and "Not yours to change" in title(page)


def test_a_stale_form_is_shown_in_the_layout(program):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff("tl.one@cxp.example", TL))
    response = client.post(reverse("accounts:sign_out"))  # no CSRF token
    page = response.content.decode()
    assert response.status_code == 403
    in_the_layout(page)
    assert "This form has expired" in page and "Nothing was changed" in page


@pytest.mark.parametrize(
    ("handler", "status", "words"),
    [(server_error, 500, "Something went wrong"), (bad_request, 400, "could not be understood")],
)
def test_a_server_error_and_a_bad_request_are_shown_in_the_layout(program, handler, status, words):
    """Rendered without the context processors (a server error may be the database's), with
    the request's CSP nonce."""
    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"
    response = handler(request) if status == 500 else handler(request, ValueError())
    page = response.content.decode()
    assert response.status_code == status
    in_the_layout(page, nonce="n0nce")
    assert words in page


def test_the_project_uses_its_own_error_handlers(settings):
    assert urls.handler500 == "esp.web.views.server_error"
    assert urls.handler400 == "esp.web.views.bad_request"
    assert settings.CSRF_FAILURE_VIEW == "esp.web.views.csrf_failure"


def test_a_server_error_from_a_view_shows_the_page(program):
    """A view that raises: the visitor gets the layout's 500 page, not Django's text."""
    client = Client(raise_request_exception=False)
    client.force_login(staff("tl.one@cxp.example", TL))
    with mock.patch("esp.web.today.render", side_effect=RuntimeError("boom")):
        response = client.get(reverse("web:today"))
    assert response.status_code == 500
    in_the_layout(response.content.decode())


def test_a_locked_account_says_for_how_long_and_until_when(program, client):
    staff("tl.one@cxp.example", TL)
    for _ in range(5):
        response = client.post(
            reverse("accounts:sign_in"), {"username": "tl.one@cxp.example", "password": "wrong"}
        )
    page = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Sign in</h1>" in page  # the sign-in page, saying so (issue 17 items 8, 9)
    assert "locked for 15 minutes" in page
    assert "1:15 PM" in page  # 1:00 PM in the program's zone, plus 15 minutes
    right = client.post(
        reverse("accounts:sign_in"), {"username": "tl.one@cxp.example", "password": PASSWORD}
    )
    assert right.status_code == 429 and "locked for 15 minutes" in right.content.decode()


def test_no_page_title_holds_markup():
    """A title block left open swallows the page's markup into <title>."""
    for template in ESP.rglob("templates/**/*.html"):
        text = template.read_text()
        for block in re.findall(r"{% block title %}(.*?){% endblock %}", text, re.S):
            assert "<" not in block and "{% csrf_token" not in block, template


def test_the_call_cert_queue_has_a_plain_title(program, client):
    client.force_login(staff("cert.coordinator@cxp.example", CERT_COORDINATOR))
    page = client.get(reverse("callqueue:queue")).content.decode()
    assert title(page) == "Call Cert queue — ESP Tracker"
    assert page.count('<h2 id="certifiers">') == 1
