"""The ESP Manager's mail pages: distribution lists and the report runs (issue 3)."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from esp.mailing.models import DistributionList, OutboxMessage
from esp.mailing.services.outbox import Message, enqueue

NOW = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


@pytest.fixture
def manager(program):
    from esp.mailing.services.schedules import ensure_lists_and_schedules

    ensure_lists_and_schedules(program, active_from=NOW.date())
    user = get_user_model().objects.create_user("boss@cxp.example", "boss@cxp.example", "pw")
    user.groups.add(Group.objects.get(name="ESP Manager"))
    return user


@pytest.fixture
def tl(program):
    user = get_user_model().objects.create_user(
        "tl@cxp.example", "tl@cxp.example", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name="TL"))
    return user


@pytest.mark.parametrize("url", ["/mail/lists/", "/mail/outbox/"])
def test_anonymous_visitors_are_sent_to_sign_in(program, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize("url", ["/mail/lists/", "/mail/outbox/"])
def test_other_roles_get_404(tl, client, url):
    client.force_login(tl)
    assert client.get(url).status_code == 404


def test_the_manager_edits_a_list_and_bad_input_changes_nothing(manager, client):
    client.force_login(manager)
    response = client.post(
        "/mail/lists/", {"list": "wfm", "addresses": "wfm@cxp.example\nA@B.example"}
    )
    assert response.status_code == 200
    assert DistributionList.objects.get(key="wfm").addresses == ["a@b.example", "wfm@cxp.example"]
    # Issue 17 item 2: the list by its name and what it receives, never its key.
    page = response.content.decode()
    name = DistributionList.objects.get(key="wfm").name
    assert f"Saved {name}." in page and "(wfm)" not in page
    assert "receives Daily incompletion report" in page and "(esp_managers)" not in page
    response = client.post("/mail/lists/", {"list": "wfm", "addresses": "ok@cxp.example\nnope"})
    assert response.status_code == 400
    assert b"&#x27;nope&#x27; is not an e-mail address" in response.content
    assert DistributionList.objects.get(key="wfm").addresses == ["a@b.example", "wfm@cxp.example"]


def test_the_lists_page_needs_csrf(manager):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    assert (
        client.post("/mail/lists/", {"list": "wfm", "addresses": "x@y.example"}).status_code == 403
    )


def test_failed_and_uncertain_sends_are_shown_and_can_be_sent_again(manager, client):
    row = enqueue(
        key="daily_incompletions|esp_managers|2026-11-23",
        report="daily_incompletions",
        list_key="esp_managers",
        to=["boss@cxp.example"],
        message=Message(subject="ESP daily incompletions", text="..."),
        now=NOW,
    )
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxMessage.UNCERTAIN, last_error="The worker stopped while sending"
    )
    client.force_login(manager)
    page = client.get("/mail/outbox/")
    assert b"Needs your decision (1)" in page.content
    assert b"The worker stopped while sending" in page.content
    assert b"<td>Daily incompletion report</td>" in page.content  # its title, not its key
    response = client.post(f"/mail/outbox/{row.pk}/decide/", {"decision": "resend"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxMessage.PENDING and row.resolved_by == manager
    # A message that is not failed or uncertain cannot be decided on.
    assert client.post(f"/mail/outbox/{row.pk}/decide/", {"decision": "resend"}).status_code == 404
