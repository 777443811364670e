"""Tokens and invitations end when they should (issue 12 item 8; SPEC §1, §17).

API tokens stop working (401) after their user's password changes — through the welcome page,
the admin, or `set_password` anywhere — after the account is deactivated, and once older than
ESP_API_TOKEN_DAYS (default 90). A pending staff invitation cancelled by the ESP Manager no
longer sets a password, and its account cannot sign in.

As of Monday 11/30/2026 noon (America/Chicago): tl.one (TL) has an API token; the ESP Manager
esp.manager@ can use the admin.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from esp.accounts.links import invitation_link
from esp.accounts.selectors import pending_invitations
from esp.accounts.services import NoPendingInvitation, invitation_cancel, token_issue
from esp.audit.models import AuditEntry
from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import deliver_due
from esp.roster.roles import ESP_MANAGER, TL
from esp.roster.services.staff import create_esp_manager, ensure_staff
from tests.web_support import PASSWORD, messages_of, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 12, tzinfo=CHICAGO)
ME = "/api/v1/me/"
NEW_PASSWORD = "Another-Long-Password-42"


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def tl(program):
    return staff("tl.one@cxp.example", TL)


@pytest.fixture
def manager(program):
    return create_esp_manager("esp.manager@cxp.example", PASSWORD)


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def works(key: str) -> bool:
    response = api(key).get(ME)
    assert response.status_code in (200, 401), response.status_code
    return response.status_code == 200


def welcome_path(user) -> str:
    link = invitation_link(user)
    return link[link.index("/welcome/") :]


def set_through_welcome(client: Client, user, password: str):
    """Open the invitation link, then post the new password to where it redirects."""
    page = client.get(welcome_path(user))
    assert page.status_code == 302, page.status_code  # Django moves the token to the session
    return client.post(page["Location"], {"new_password1": password, "new_password2": password})


def sign_in(email: str, password: str) -> bool:
    client = Client()
    client.post(reverse("accounts:sign_in"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


# -- password changes --------------------------------------------------------------------------------


def test_it_ends_the_token_when_the_password_is_set_anywhere(tl):
    """Issue 12 item 8 (SPEC §17): `set_password` + save, wherever it happens, ends the token
    (a signal on the password hash changing)."""
    key = token_issue(user=tl)
    assert works(key)
    tl.set_password(NEW_PASSWORD)
    tl.save()
    assert not works(key)
    assert api(key).get(ME).json() == {"detail": "Invalid token."}
    assert not Token.objects.filter(user=tl).exists()
    entry = AuditEntry.objects.get(action="api_token_revoked")
    assert (entry.object_id, entry.changes) == (tl.username, {"reason": "password changed"})

    # A new token works until the next change, an unusable password included.
    key = token_issue(user=tl)
    assert works(key)
    tl.set_unusable_password()
    tl.save(update_fields=["password"])
    assert not works(key)


def test_it_ends_the_token_when_the_password_is_set_through_the_welcome_page(tl, client):
    """Issue 12 item 8 (SPEC §1, §17): the invitation's password page ends the old token."""
    key = token_issue(user=tl)
    response = set_through_welcome(client, tl, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:sign_in")
    assert sign_in(tl.email, NEW_PASSWORD)
    assert not works(key)


def test_it_ends_the_token_when_the_admin_sets_the_password(tl, manager, client):
    """Issue 12 item 8 (SPEC §17): the admin's password form ends the user's token."""
    key = token_issue(user=tl)
    client.force_login(manager)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[tl.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tl.refresh_from_db()
    assert tl.check_password(NEW_PASSWORD)
    assert not works(key)


def test_it_keeps_the_token_through_saves_that_change_neither_password_nor_activity(tl):
    """Issue 12 item 8 (SPEC §17): a sign-in (last_login), a name change or a role change keep it."""
    key = token_issue(user=tl)
    assert sign_in(tl.email, PASSWORD)
    tl.refresh_from_db()
    tl.first_name = "Tina"
    tl.save()
    ensure_staff(tl.email, ESP_MANAGER)
    assert works(key)
    assert not AuditEntry.objects.filter(action="api_token_revoked").exists()


# -- deactivation ------------------------------------------------------------------------------------


def test_it_ends_the_token_when_the_account_is_deactivated_for_good(tl, manager, client):
    """Issue 12 item 8 (SPEC §17): deactivating deletes the token, so re-activating the account
    does not bring it back; the admin's change form is one such path."""
    key = token_issue(user=tl)
    tl.is_active = False
    tl.save()
    assert not works(key)
    tl.is_active = True
    tl.save()
    assert not works(key)
    assert AuditEntry.objects.get(action="api_token_revoked").changes == {
        "reason": "account deactivated"
    }

    key = token_issue(user=tl)
    client.force_login(manager)
    form = client.get(reverse("admin:auth_user_change", args=[tl.pk])).content.decode()
    assert "is_active" in form
    data = {
        "username": tl.username,
        "email": tl.email,
        "first_name": tl.first_name,
        "last_name": tl.last_name,
        "groups": [g.pk for g in tl.groups.all()],
        "date_joined_0": "11/30/2026",
        "date_joined_1": "12:00:00",
        "initial-date_joined_0": "11/30/2026",
        "initial-date_joined_1": "12:00:00",
    }  # is_active unchecked
    response = client.post(reverse("admin:auth_user_change", args=[tl.pk]), data)
    tl.refresh_from_db()
    assert not tl.is_active, response.content.decode()[:3000]
    assert not works(key)


# -- expiry ------------------------------------------------------------------------------------------


def test_it_refuses_a_token_older_than_the_configured_days(tl, monday_november_30, settings):
    """Issue 12 item 8 (SPEC §17): a token works ESP_API_TOKEN_DAYS days (default 90), then 401
    with a plain reason."""
    assert settings.ESP_API_TOKEN_DAYS == 90
    key = token_issue(user=tl)
    monday_november_30.shift(timedelta(days=90) - timedelta(seconds=1))
    assert works(key)
    monday_november_30.shift(timedelta(seconds=1))
    response = api(key).get(ME)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "This API token expired: tokens work for 90 days after they are created "
        "(this one was created on 11/30/2026). Ask for a new token."
    }
    assert works(token_issue(user=tl))  # a new one works again

    settings.ESP_API_TOKEN_DAYS = 7
    key = token_issue(user=tl)
    monday_november_30.shift(timedelta(days=7))
    assert not works(key)


def test_it_prints_a_new_token_with_esp_token_for_an_active_account_only(tl, esp):
    """Issue 12 item 8 (SPEC §17): `esp token EMAIL` is how an account gets a token; the old one ends."""
    old = token_issue(user=tl)
    code, out, err = esp("token", "TL.One@cxp.example")
    assert code == 0, err
    key = out.strip()
    assert works(key) and not works(old)
    assert "works 90 days" in err and key not in err
    assert AuditEntry.objects.filter(action="api_token_issued", actor_label="esp token").exists()

    code, _, err = esp("token", "nobody@cxp.example")
    assert code != 0 and "no account with the e-mail nobody@cxp.example" in err
    invited = ensure_staff("new.person@cxp.example", TL)
    code, _, err = esp("token", invited.email)
    assert code != 0 and "new.person@cxp.example is not active: no API token" in err


# -- pending invitations -----------------------------------------------------------------------------


def test_it_lets_the_esp_manager_cancel_a_pending_invitation_that_then_sets_no_password(
    manager, client
):
    """Issue 12 item 8 (SPEC §1): a cancelled invitation's link no longer sets a password, its
    unsent e-mail is withdrawn, and the account cannot sign in."""
    invited = ensure_staff("nina.new@cxp.example", TL)
    later = ensure_staff("omar.other@cxp.example", TL)
    path = welcome_path(invited)
    assert OutboxMessage.objects.filter(key__startswith=f"invite|{invited.pk}|").count() == 1

    client.force_login(manager)
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert "Nina New" in page and "nina.new@cxp.example" in page and "Omar Other" in page
    assert "11/30/2026" in page and "not yet" in page
    response = client.post(reverse("accounts:invitation_cancel", args=[invited.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:invitations")
    assert messages_of(response) == [
        "The invitation of Nina New (nina.new@cxp.example) was cancelled: its link no longer "
        "sets a password and the account stays inactive."
    ]
    table = client.get(reverse("accounts:invitations")).content.decode().split("<table", 1)[1]
    assert "Nina New" not in table and "Omar Other" in table
    assert [p.user for p in pending_invitations()] == [later]
    assert not OutboxMessage.objects.filter(key__startswith=f"invite|{invited.pk}|").exists()
    assert AuditEntry.objects.filter(
        action="invitation_cancelled", object_id=invited.username, actor=manager
    ).exists()

    # The link: no form, a plain message; a post sets nothing.
    visitor = Client()
    response = visitor.get(path, follow=True)
    page = response.content.decode()
    assert (
        "This invitation link is not valid any more" in page
        and "<form" not in page.split("<main", 1)[-1]
    )
    visitor.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    invited.refresh_from_db()
    assert not invited.is_active and not invited.has_usable_password()
    assert not sign_in(invited.email, NEW_PASSWORD)

    # Cancelling again: nothing pending, said in plain words.
    response = client.post(reverse("accounts:invitation_cancel", args=[invited.pk]))
    assert messages_of(response) == [
        "Nina New has no pending invitation to cancel: it was already used, cancelled or has "
        "expired."
    ]


def test_it_refuses_a_welcome_form_opened_before_the_cancel(manager):
    """Issue 12 item 8 (SPEC §1): a visitor who opened the form before the cancel cannot set the
    password after it (the session's token is checked again on the post)."""
    invited = ensure_staff("nina.new@cxp.example", TL)
    visitor = Client()
    form = visitor.get(welcome_path(invited))
    invitation_cancel(user_id=invited.pk, actor=manager)
    response = visitor.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert "This invitation link is not valid any more" in response.content.decode()
    invited.refresh_from_db()
    assert not invited.is_active and not invited.has_usable_password()
    assert not sign_in(invited.email, NEW_PASSWORD)


def test_it_cancels_a_sent_invitation_but_not_a_used_one(manager, tl, client):
    """Issue 12 item 8 (SPEC §1): an e-mail already sent stays in the outbox's history; an invitation
    whose password was set is no longer pending."""
    invited = ensure_staff("nina.new@cxp.example", TL)
    deliver_due(now=NOW + timedelta(minutes=1))
    sent = OutboxMessage.objects.get(key__startswith=f"invite|{invited.pk}|")
    assert sent.status == OutboxMessage.SENT
    page = Client()
    page.force_login(manager)
    listing = page.get(reverse("accounts:invitations")).content.decode()
    assert re.search(r"11/30/2026 \d\d:\d\d [AP]M", listing)
    invitation_cancel(user_id=invited.pk, actor=manager)
    sent.refresh_from_db()
    assert sent.status == OutboxMessage.SENT

    used = ensure_staff("uma.used@cxp.example", TL)
    set_through_welcome(client, used, NEW_PASSWORD)
    used.refresh_from_db()
    assert used.is_active and pending_invitations() == []
    with pytest.raises(NoPendingInvitation, match="has no pending invitation"):
        invitation_cancel(user_id=used.pk, actor=manager)


def test_it_lets_only_the_esp_manager_see_and_cancel_invitations(manager, tl, client):
    """Issue 12 item 8 (SPEC §1, §17): other roles get 404 and cancel nothing."""
    invited = ensure_staff("nina.new@cxp.example", TL)
    client.force_login(tl)
    assert client.get(reverse("accounts:invitations")).status_code == 404
    response = client.post(reverse("accounts:invitation_cancel", args=[invited.pk]))
    assert response.status_code == 404
    assert [p.user for p in pending_invitations()] == [invited]
    anonymous = Client().get(reverse("accounts:invitations"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/")


def test_it_lets_the_esp_manager_invite_a_person_and_cancel_it_again(manager, tl, client):
    """Issue 12 item 8 (SPEC §1): the ESP Manager invites a person from the invitations page
    (name, e-mail, roles): an inactive account, the e-mail with its link, an audit row; an
    address with an active account is refused in plain words; the invitation can be cancelled
    and sent again."""
    client.force_login(manager)
    url = reverse("accounts:invitations")
    data = {"first_name": "Dana", "last_name": "Lopez", "email": "Dana.Lopez@cxp.example"}
    response = client.post(url, {**data, "roles": ["TL", "PM"]})
    assert messages_of(response) == [
        "Dana Lopez (dana.lopez@cxp.example) is invited: the e-mail with the link to set a "
        "password is on its way."
    ]
    dana = get_user_model().objects.get(email="dana.lopez@cxp.example")
    assert not dana.is_active and not dana.has_usable_password()
    assert sorted(dana.groups.values_list("name", flat=True)) == ["PM", "TL"]
    assert [p.user for p in pending_invitations()] == [dana]
    assert AuditEntry.objects.filter(action="invitation_sent", actor=manager).exists()
    table = client.get(url).content.decode().split("<table", 1)[1]
    assert "Dana Lopez" in table and "PM, TL" in table

    refused = client.post(url, {**data, "email": tl.email, "roles": ["TL"]})
    assert "already has an account: change their roles in the admin" in refused.content.decode()
    assert client.post(url, {**data, "roles": []}).status_code == 200  # a role is required

    invitation_cancel(user_id=dana.pk, actor=manager)
    assert pending_invitations() == []
    client.post(url, {**data, "roles": ["TL"]})  # invited again: a new link
    assert [p.user for p in pending_invitations()] == [dana]
