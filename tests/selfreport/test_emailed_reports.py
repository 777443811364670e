"""Self-reports by e-mail count (issue 15 item 5; seed 000; SPEC R-N1, R-N5).

Seed 000: "Set the expectation that it is mandatory for each agent to self-report their
progress before logging off each evening and that if an agent does not have access to the
shared sheet that they must report their progress via email to the Cert Coordinator. The
agent progress report as well as the direct emails from agents should be updated in the ESP
tracker."

The scenario of tests/selfreport/test_selfreport.py, Monday 11/30/2026 noon (Chicago): class
AET-A (in its ESP phase since 11/25, TL tl.one) has E001 Ann Able and E002 Bob Baker; LIC-B
(TL tl.two) has E101 Liz Lane. Grace Okafor is the Cert Coordinator.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.progress.models import Fact
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER
from esp.selfreport import selectors, services
from tests.selfreport.test_selfreport import (  # noqa: F401 - fixtures
    NOW,
    TODAY,
    agent,
    monday_november_30,
    people,
    self_reports,
)
from tests.web_support import messages_of, staff

ANN_EMAIL = "Finished TBTs 3 and 4.\nCitrix still will not open on my laptop."


@pytest.fixture
def coordinator(people):  # noqa: F811
    user = staff("grace.okafor@cxp.example", CERT_COORDINATOR)
    user.first_name, user.last_name = "Grace", "Okafor"
    user.save()
    return user


def emailed_path(code: str = "AET-A") -> str:
    return reverse("selfreport:emailed", args=[code])


def not_reported_ids(day: date = TODAY) -> set[str]:
    agents = [agent("E001"), agent("E002")]
    return set(selectors.not_reported(agents, day).values_list("employee_id", flat=True))


def test_it_records_an_emailed_report_from_the_agent_page_as_the_agents_self_report_of_the_day(
    coordinator, client
):
    """Seed 000: an agent without the shared sheet reports "via email to the Cert
    Coordinator"; recorded in one step from the agent page, it is the agent's self-report of
    that day (a note in the agent's name, marked "by e-mail", R-N1) and the agent leaves the
    "no self-report" lists."""
    assert not_reported_ids() == {"E001", "E002"}
    client.force_login(coordinator)
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "Reported by e-mail" in page and "Record as their self-report" in page
    response = client.post(
        reverse("selfreport:emailed_one", args=["E001"]), {"day": "11/30/2026", "text": ANN_EMAIL}
    )
    assert response["Location"] == "/agents/E001/#self-report"
    assert messages_of(response) == [
        "Ann Able's e-mailed report is recorded as their self-report of 11/30/2026."
    ]
    fact = self_reports("E001").get()
    assert (fact.date, fact.by, fact.source, fact.recorded_by) == (
        TODAY,
        "Ann Able",
        "email",
        coordinator,
    )
    assert fact.note == "Finished TBTs 3 and 4. | Citrix still will not open on my laptop."
    assert not_reported_ids() == {"E002"}
    assert AuditEntry.objects.filter(
        action="self_report_by_email_recorded", object_id="E001", actor=coordinator
    ).exists()
    page = client.get(reverse("progress:agent", args=["E001"])).content.decode()
    assert "11/30/2026 - Ann Able - Finished TBTs 3 and 4." in page
    assert "(self-report by e-mail)" in page


def test_it_takes_the_agent_off_the_tls_no_self_report_list_and_checklist(people, client):  # noqa: F811
    """R-N5: the TL's evening checklist counts an e-mailed report like the link's; the TL too
    records one (the agents e-mail their TL as well)."""
    client.force_login(people["tl"])
    today = client.get("/today/").content.decode()
    assert "2 agents without a self-report today" in today
    client.post(
        reverse("selfreport:emailed_one", args=["E002"]),
        {"day": "11/30/2026", "text": "All TBTs done"},
    )
    today = client.get("/today/").content.decode()
    assert "1 agent without a self-report today" in today
    listed = today.split('id="self-reports-heading"')[1]
    assert "Ann Able" in listed and "Bob Baker" not in listed
    assert "Record e-mailed reports for AET-A" in listed


def test_it_refuses_a_second_report_of_the_same_day_and_a_day_after_today(coordinator, client):
    """One self-report a day (R-N1): an agent who already reported (through the link or by
    e-mail) is refused with the report there; nothing is saved for a day after today."""
    services.report_submit(
        services._issue(agent("E001"), actor=None)[0], finished="Module 4", blocked="", now=NOW
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("selfreport:emailed_one", args=["E001"]), {"day": "11/30/2026", "text": "Again"}
    )
    assert messages_of(response) == [
        "Nothing was saved: Ann Able already has a self-report for 11/30/2026 (through the "
        "self-report form): “Finished: Module 4”. One report a day is recorded."
    ]
    response = client.post(
        reverse("selfreport:emailed_one", args=["E002"]), {"day": "12/01/2026", "text": "Later"}
    )
    assert messages_of(response)[-1] == (
        "Nothing was saved: 12/01/2026 is after today (11/30/2026): record a report on its day."
    )
    assert self_reports("E001").count() == 1 and not self_reports("E002").exists()


def test_it_previews_pasted_reports_then_saves_them_all(coordinator, client):
    """Several e-mails pasted at once for a class: the preview names each agent with the
    text it will record; saving records them all as self-reports of the day."""
    client.force_login(coordinator)
    block = "E001: Finished TBTs 3 and 4\nWaiting for a certifier.\nBaker, Bob - All TBTs done"
    preview = client.post(
        emailed_path(), {"day": "11/30/2026", "block": block, "action": "preview"}
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview: 2 reports of 11/30/2026" in page
    assert "Finished TBTs 3 and 4 | Waiting for a certifier." in page
    assert "Save 2 reports" in page
    assert not Fact.objects.filter(kind="self_report").exists()  # a preview saves nothing
    key = page.split('name="previewed" value="')[1].split('"')[0]
    response = client.post(
        emailed_path(),
        {"day": "11/30/2026", "block": block, "action": "save", "previewed": key},
    )
    assert response["Location"] == emailed_path()
    assert messages_of(response) == [
        "2 e-mailed reports recorded as the self-reports of 11/30/2026: Ann Able, Bob Baker."
    ]
    assert self_reports("E002").get().note == "All TBTs done"
    assert not_reported_ids() == set()


def test_it_saves_nothing_when_one_pasted_line_is_wrong_and_names_the_line(coordinator, client):
    """All or nothing, with clear errors naming the line: an agent of another class (Liz Lane
    is LIC-B's) is not found, and an agent who already reported is refused."""
    services.emailed_report_record(
        agent=agent("E002"), text="Earlier e-mail", day=TODAY, actor=coordinator, now=NOW
    )
    client.force_login(coordinator)
    block = "E001: Finished\nE101: Liz's e-mail\nBob Baker: second e-mail"
    response = client.post(emailed_path(), {"day": "11/30/2026", "block": block, "action": "save"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Line 2: no agent of AET-A has the employee ID &#x27;E101&#x27;." in page
    assert "Save 1 report" not in page and "Save 2 reports" not in page
    response = client.post(
        emailed_path(),
        {"day": "11/30/2026", "block": "E001: Finished\nBob Baker: second", "action": "preview"},
    )
    assert (
        "Line 2: Bob Baker already has a self-report for 11/30/2026 (by e-mail): “Earlier "
        "e-mail”. One report a day is recorded." in response.content.decode()
    )
    assert not self_reports("E001").exists()


def test_it_saves_only_what_was_previewed(coordinator, client):
    """A text changed after the preview is previewed again, not saved."""
    client.force_login(coordinator)
    response = client.post(
        emailed_path(),
        {"day": "11/30/2026", "block": "E001: Done", "action": "save", "previewed": "stale"},
    )
    assert response.status_code == 200
    assert "The text or the day changed since the preview" in " ".join(messages_of(response))
    assert not self_reports("E001").exists()


def test_a_certifier_records_no_emailed_report(people, client):  # noqa: F811
    """The Cert Coordinator, the TL and the ESP Manager record e-mailed reports; a certifier
    (who sees only their connected agents) does not."""
    certifier = staff("certifier@cxp.example", CERTIFIER)
    client.force_login(certifier)
    assert client.get(emailed_path()).status_code == 404
    response = client.post(
        reverse("selfreport:emailed_one", args=["E001"]), {"day": "11/30/2026", "text": "x"}
    )
    assert response.status_code == 404
    assert not self_reports("E001").exists()
