"""Sign-in on a first day (issue 17 item 9): a password reset by e-mail through the outbox,
and the sign-in page telling a wrong password apart from a lock, saying for how long."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import deliver_due
from esp.roster.roles import TL
from esp.roster.services.staff import ensure_staff
from tests.smtp import smtp_server  # noqa: F401  (the fixture)
from tests.web_support import PASSWORD, staff

NOW = datetime(2026, 12, 2, 12, tzinfo=ZoneInfo("America/Chicago"))
NEW_PASSWORD = "Another-Horse-Battery-7"


@pytest.fixture(autouse=True)
def wednesday_noon(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.ESP_BASE_URL = "https://esp.example.com"
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


@pytest.fixture
def tl(program):
    return staff("tl.one@cxp.example", TL)


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post(reverse("accounts:sign_in"), {"username": email, "password": password})


def ask_for_a_link(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def resets() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(report="password-reset").order_by("pk"))


def link_path(text: str) -> str:
    match = re.search(r"https://esp\.example\.com(/password-reset/\S+/\S+/)", text)
    assert match, text
    return match.group(1)


def test_the_sign_in_page_offers_a_new_password_by_e_mail(client, program):
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert f'href="{reverse("accounts:password_reset")}"' in page
    assert "Forgot your password?" in page
    form = client.get(reverse("accounts:password_reset")).content.decode()
    assert "<h1>Set a new password</h1>" in form and "E-mail me a link" in form
    assert "<header><strong>ESP Tracker</strong>" in form  # inside the site's layout


def test_it_mails_a_reset_link_through_the_outbox_and_it_sets_a_new_password(
    client,
    tl,
    smtp_server,  # noqa: F811
):
    response = ask_for_a_link(client, "TL.One@cxp.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    [message] = resets()
    assert (message.to, message.subject) == (
        ["tl.one@cxp.example"],
        "Set a new ESP Tracker password",
    )
    assert deliver_due(now=NOW) == {OutboxMessage.SENT: 1}
    [received] = smtp_server.messages
    assert received.rcpt_tos == ("tl.one@cxp.example",)
    path = link_path(received.message.get_body(("plain",)).get_content())

    form = client.get(path)
    assert form.status_code == 302 and form["Location"].endswith("/set-password/")
    page = client.get(form["Location"]).content.decode()
    assert "<h1>Choose a new password</h1>" in page and "For tl.one@cxp.example." in page
    done = client.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done["Location"] == reverse("accounts:sign_in")
    assert (
        "Your new password is set: sign in with it."
        in client.get(done["Location"]).content.decode()
    )

    assert sign_in(client, "tl.one@cxp.example").status_code == 200  # the old one: no more
    assert sign_in(client, "tl.one@cxp.example", NEW_PASSWORD).status_code == 302
    assert list(AuditEntry.objects.filter(action="password_reset").values_list("actor")) == [
        (tl.pk,)
    ]
    client.logout()
    again = client.get(path)  # the link works once
    assert "This link does not work any more" in again.content.decode()


def test_it_says_the_same_for_an_unknown_address_and_mails_nothing(client, tl):
    response = ask_for_a_link(client, "nobody@cxp.example")
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert resets() == []


def test_an_invited_account_sets_its_first_password_from_its_invitation_not_a_reset(
    client, program
):
    invited = ensure_staff("new.tl@cxp.example", TL)
    assert not invited.is_active
    ask_for_a_link(client, "new.tl@cxp.example")
    assert resets() == []


def test_it_mails_one_link_per_quarter_of_an_hour(client, tl, wednesday_noon):
    for _ in range(3):
        ask_for_a_link(client, "tl.one@cxp.example")
    assert len(resets()) == 1
    wednesday_noon.shift(timedelta(minutes=15))
    ask_for_a_link(client, "tl.one@cxp.example")
    assert len(resets()) == 2


def test_a_reset_link_does_not_set_the_first_password_of_an_invited_account(client, program):
    from esp.accounts.links import reset_link

    invited = ensure_staff("new.tl@cxp.example", TL)
    page = client.get(urlsplit(reset_link(invited)).path)
    assert "This link does not work any more" in page.content.decode()


# -- a wrong password is not a lock -----------------------------------------------------------


def test_the_sign_in_page_tells_a_wrong_password_from_a_lock_and_says_for_how_long(
    client, tl, wednesday_noon
):
    for _ in range(4):
        wrong = sign_in(client, "tl.one@cxp.example", "wrong-password")
        page = wrong.content.decode()
        assert wrong.status_code == 200
        assert "Your e-mail and password didn't match." in page and "locked" not in page
    locked = sign_in(client, "tl.one@cxp.example", "wrong-password")
    page = locked.content.decode()
    assert locked.status_code == 429
    assert (
        "Too many failed sign-ins: tl.one@cxp.example is locked for 15 minutes, until "
        "12:15 PM. Try again then, or set a new password by e-mail."
    ) in page
    assert "didn't match" not in page
    assert "<h1>Sign in</h1>" in page and 'value="tl.one@cxp.example"' in page  # the layout
    wednesday_noon.shift(timedelta(minutes=6))
    assert sign_in(client, "tl.one@cxp.example").status_code == 429  # the right one, too
    wednesday_noon.shift(timedelta(minutes=16))
    assert sign_in(client, "tl.one@cxp.example").status_code == 302


def test_a_new_password_by_e_mail_ends_the_lock(client, tl):
    for _ in range(5):
        sign_in(client, "tl.one@cxp.example", "wrong-password")
    assert sign_in(client, "tl.one@cxp.example").status_code == 429
    ask_for_a_link(client, "tl.one@cxp.example")
    [message] = resets()
    form = client.get(link_path(message.text))
    client.post(form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert sign_in(client, "tl.one@cxp.example", NEW_PASSWORD).status_code == 302
