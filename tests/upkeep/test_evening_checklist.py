"""The evening checklist a TL can finish honestly (R-N5, seed 001; issue 15 item 12), on
tests/web/test_today_checklist.py's Friday 12/04/2026 1:00 PM: LIC-B's agents Liz Lane (E101)
and Max Moss (E102)."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from esp.mailing.models import OutboxMessage
from esp.mailing.services.schedules import ensure_lists_and_schedules, plan_due
from esp.upkeep.models import StatusConfirmation, TicketsConfirmation
from tests.web.test_today_checklist import FRIDAY, NOW, checklist_section, tl  # noqa: F401

pytestmark = pytest.mark.usefixtures("friday")


@pytest.fixture
def friday(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_names_the_agents_not_updated_and_confirms_one_unchanged_in_one_click(
    tl,  # noqa: F811
    client,
):
    """Seed 001: "TL's must ensure the ESP Tracker is up to date before logging off each
    evening. This includes AHIP/Aetna status, TBT status, Call Cert status, Equipment status,
    and RTS/No More Forms status." The agents not updated are named, and an unchanged one is
    confirmed with one click."""
    client.force_login(tl)
    section = checklist_section(client.get(reverse("web:today")).content.decode())
    assert "Liz Lane" in section and "Max Moss" in section
    response = client.post(reverse("upkeep:confirm_statuses", args=["E101"]))
    assert response.status_code == 302
    assert StatusConfirmation.objects.filter(agent__employee_id="E101", day=FRIDAY).exists()
    section = checklist_section(client.get(reverse("web:today")).content.decode())
    assert "1 of 2 agents have no status touched or confirmed today" in section
    assert "Max Moss" in section and "Liz Lane" not in section


def test_it_asks_for_the_tickets_of_the_five_forms(tl, client):  # noqa: F811
    """Seed 001: "TL's must ensure all Tickets have been submitted before logging off each
    evening using the five forms listed at the bottom of this page." """
    client.force_login(tl)
    section = checklist_section(client.get(reverse("web:today")).content.decode())
    assert "Tickets submitted through the five forms today?" in section
    client.post(reverse("upkeep:confirm_tickets"))
    assert TicketsConfirmation.objects.filter(user=tl, day=FRIDAY).exists()
    section = checklist_section(client.get(reverse("web:today")).content.decode())
    assert "Today's tickets were submitted through the five forms" in section


def test_it_previews_the_checklist_mail_and_sends_it_early_once(program, tl, client):  # noqa: F811
    """R-N2/R-N5: the TL previews the evening checklist e-mail and sends it before 5:30 PM;
    the evening round sends it no second time."""
    ensure_lists_and_schedules(program, active_from=FRIDAY)
    client.force_login(tl)
    preview = client.get(reverse("upkeep:checklist_preview")).content.decode()
    assert "Evening checklist for 12/04/2026" in preview and "Liz Lane" in preview
    assert "Tickets submitted through the five forms: not confirmed yet" in preview
    client.post(reverse("upkeep:checklist_send"))
    sent = OutboxMessage.objects.filter(report="tl_checklist")
    assert list(sent.values_list("to", flat=True)) == [["tl.two@cxp.example"]]
    with time_machine.travel(NOW.replace(hour=18), tick=False):
        plan_due(now=NOW.replace(hour=18))
    assert sent.count() == 1
    client.post(reverse("upkeep:checklist_send"))
    assert sent.count() == 1
