"""The class pages of an extended class (issue 15 items 3 and 5, found by the role walk): the
Cert Coordinator still sees a class's agents whose Call Certs are open after its ESP days
(access.scopes.SEEN_THROUGH); their Today offers "Record e-mailed reports for <class>" and
"E-mail new self-report links", their agent page "the class's request dates" (N-Numbers): all
must open on the agents they see, not 404.

The scenario of tests/access/test_access_scope.py (Monday 11/30/2026): OLD-Z is in production,
its agent E201 (Zed Zane) done with the ESP tasks — unless a test reopens his Call Cert.
"""

from __future__ import annotations

from django.urls import reverse

from esp.access import scopes
from esp.progress.services import fact_record
from esp.selfreport.models import SelfReportLink
from tests.access.test_access_scope import (  # noqa: F401 - the autouse fixture: Monday 11/30
    D,
    monday_november_30,
    world,
)


def test_the_coordinator_records_e_mailed_reports_of_an_extended_class(world, client):  # noqa: F811
    """Seed 000: "Agents who do not have the link e-mail their progress to the Cert
    Coordinator" — an agent kept past the class's ESP days (Call Certs open) included."""
    coordinator = world.coordinator
    url = reverse("selfreport:emailed", args=["OLD-Z"])
    client.force_login(coordinator)
    assert client.get(url).status_code == 404  # nobody of OLD-Z is the coordinator's
    fact_record(
        agent=world.agents["E201"], day=D("2026-11-30"), kind="task", item="call_cert",
        value="in_progress", actor=world.manager,
    )  # fmt: skip
    assert not scopes.visible_classes(coordinator).filter(code="OLD-Z").exists()
    assert client.get(url).status_code == 200
    data = {"day": "11/30/2026", "block": "E201: Call 4 and 5 tomorrow morning."}
    preview = client.post(url, data).content.decode()
    assert "Zed Zane" in preview and "Call 4 and 5 tomorrow morning." in preview
    send = client.post(reverse("selfreport:class_send", args=["OLD-Z"]))
    assert send.status_code == 302
    assert SelfReportLink.objects.filter(agent=world.agents["E201"]).exists()


def test_the_coordinator_opens_the_n_number_dates_of_an_extended_class(world, client):  # noqa: F811
    """Seed 000: the coordinator enters the N-Number request dates of their agents' class —
    from the agent page of an agent kept past the class's ESP days too."""
    url = reverse("tbt:n_numbers", args=["OLD-Z"])
    client.force_login(world.coordinator)
    assert client.get(url).status_code == 404
    fact_record(
        agent=world.agents["E201"], day=D("2026-11-30"), kind="task", item="call_cert",
        value="in_progress", actor=world.manager,
    )  # fmt: skip
    agent_page = client.get(reverse("progress:agent", args=["E201"])).content.decode()
    assert f'href="{url}"' in agent_page
    page = client.get(url)
    assert page.status_code == 200 and "Zed Zane" in page.content.decode()
