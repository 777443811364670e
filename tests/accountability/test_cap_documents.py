"""CAP documents (issue 7 item 6; SPEC R-N6, R-L5): delivering a written or final CAP makes a
PDF to sign from the program's plain-text template, stored with the delivered step and
downloadable by those who may see the agent.

The scenario of test_reports as of Wednesday 12/02/2026 noon (AET-A's ESP day 5; the ESP
phase started Wednesday 11/25, Thanksgiving 11/26 is closed): tl.one runs AET-A, tl.two runs
AET-B and is E004's TL.

- E006 (Flo Fox): early coaching on the esp ladder 11/30; the written CAP falls due today;
  TBTs done, call certification not.
- E002 (Bob Baker): attendance occurrences, an NCNS on Monday 11/30 (written CAP level).
- E004 (Di Dunn): AHIP failed 11/05 and 11/06, coached 11/05: written CAP due 11/09.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from esp.accountability.documents import DEFAULT_CAP_TEMPLATE
from esp.accountability.models import CapDocument, CapTemplate
from esp.accountability.services import cap_template_save, load_default_cap_templates, step_deliver
from esp.audit.models import AuditEntry
from esp.progress.models import Fact
from esp.progress.services import fact_record
from esp.roster.models import Agent
from esp.roster.roles import AGENT, TL
from esp.roster.services.staff import create_esp_manager
from tests.reports.test_reports import ACTIVITY, CLASSES, ROSTER
from tests.web_support import PASSWORD, staff

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 2, 12, tzinfo=CHICAGO)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def wednesday_december_2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    people = {
        "tl": staff("tl.one@cxp.example", TL),
        "other_tl": staff("tl.two@cxp.example", TL),
        "manager": create_esp_manager("esp.manager@cxp.example", PASSWORD),
        "ann": staff("ann@cxp.example", AGENT),
    }
    Agent.objects.filter(employee_id="E004").update(tl=people["other_tl"])
    Agent.objects.filter(employee_id="E001").update(user=people["ann"])
    return people


def agent(employee_id: str) -> Agent:
    return Agent.objects.get(employee_id=employee_id)


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed (a wrapped line reads as one)."""
    reader = PdfReader(io.BytesIO(bytes(data)))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def deliver(employee_id: str, ladder: str, step: str, expectation: str, actor) -> Fact:
    return step_deliver(
        agent=agent(employee_id),
        ladder=ladder,
        step=step,
        expectation=expectation,
        day=TODAY,
        actor=actor,
    )


def document_of(fact: Fact) -> CapDocument:
    return CapDocument.objects.get(fact=fact)


# -- delivering makes the document ------------------------------------------------------------


def test_it_makes_the_written_cap_document_when_the_tl_delivers_it_on_the_agent_page(
    client, people
):
    """R-L5/R-N6, a timeframe ladder: the missed timeframe with its business days and the
    tasks not done; the agent, class, site, TL, the dates, the expectation and the next step."""
    client.force_login(people["tl"])
    response = client.post(
        reverse("progress:deliver", args=["E006"]),
        {"ladder": "esp", "step": "written_cap", "expectation": "Pass call cert by Friday"},
    )
    assert response.status_code == 302
    fact = Fact.objects.get(agent__employee_id="E006", kind="action", item="written_cap")
    document = document_of(fact)
    assert document.created_by == people["tl"]
    assert document.template_version == 1 and document.template_text == DEFAULT_CAP_TEMPLATE

    text = pdf_text(document.pdf)
    for expected in (
        "Corrective Action Plan: Written CAP",
        "Agent: Flo Fox (employee ID E006)",
        "Class: AET-A Site: SLC",
        "Team lead: Tl One",
        "Date: 12/02/2026",
        "Ladder: ESP timeframe (Call Certs + TBTs)",
        "Step: Written CAP, due 12/02/2026",
        "Phase: Call Certs and TBTs (ESP days), started 11/25/2026",
        "Timeframe: 3 business days from the phase start.",
        "Business days since the phase start as of 12/02/2026: 4.",
        "Tasks not done: Call certification.",
        "Documented coaching delivered on 11/30/2026",
        "Pass call cert by Friday",
        "Final CAP, if the tasks are still not done on 12/03/2026",
        "Delivered by (Tl One)",
    ):
        assert expected in text, expected
    assert "All TBTs" not in text  # done on 11/27
    assert document.text.startswith("# Corrective Action Plan: Written CAP\n")


def test_it_links_the_document_from_the_delivered_list_and_downloads_it_as_an_attachment(
    client, people
):
    fact = deliver("E006", "esp", "written_cap", "Pass call cert by Friday", people["tl"])
    url = reverse("accountability:cap_download", args=[document_of(fact).pk])
    client.force_login(people["tl"])
    page = client.get(reverse("progress:agent", args=["E006"])).content.decode()
    assert f'href="{url}"' in page
    assert (
        "12/02/2026 — Written CAP for ESP timeframe (Call Certs + TBTs) by Tl One: "
        "“Pass call cert by Friday”"
    ) in page
    assert page.count("CAP document (PDF)") == 1  # not for the coaching delivered on 11/30

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Fox_Flo_written_cap_esp_12-02-2026.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Flo Fox" in pdf_text(response.content)


def test_it_makes_the_document_through_the_service_with_the_occurrences_and_rolling_total(
    people,
):
    """R-A4/R-A5 facts: occurrences in the 90-day window with dates and points, the rolling
    total; an NCNS on 11/30 reaches the written CAP level, due the next business day."""
    bob = agent("E002")
    for day, kind, minutes in (
        (date(2026, 9, 1), "absent", ""),  # outside the window (after 09/03 counts)
        (date(2026, 11, 20), "absent", ""),
        (date(2026, 11, 24), "tardy", "45"),
        (date(2026, 11, 25), "tardy", "5"),  # under 10 minutes: no occurrence
        (date(2026, 11, 30), "ncns", ""),
    ):
        fact_record(agent=bob, day=day, kind="attendance", item=kind, value=minutes)
    fact = deliver("E002", "attendance", "written_cap", "No more absences", people["tl"])

    text = pdf_text(document_of(fact).pdf)
    for expected in (
        "Agent: Bob Baker (employee ID E002)",
        "Ladder: Attendance",
        "Step: Written CAP, due 12/01/2026",
        "Phase: Transfer to production, started 12/01/2026",  # the class's phase today
        "11/20/2026: Absent – Unapproved, 1 point",
        "11/24/2026: Tardy (45 minutes), 0.5 points",
        "11/30/2026: No call, no show, 2 points",
        "Rolling total as of 12/02/2026 (90 days): 3.5 points, 1 NCNS.",
        "Written CAP is owed at 4 points or 1 NCNS within 90 days.",
        "No more absences",
        "Final CAP, at 5 points or 2 NCNS within 90 days",
    ):
        assert expected in text, expected
    assert "09/01/2026" not in text and "11/25/2026: Tardy" not in text


def test_it_lists_the_failed_attempts_in_an_exams_ladder_document(people):
    """R-N4a: the second AHIP fail (Friday 11/06) made the written CAP due Monday 11/09."""
    fact = deliver("E004", "exams", "written_cap", "Study plan with licensing", people["manager"])
    text = pdf_text(document_of(fact).pdf)
    for expected in (
        "Agent: Di Dunn (employee ID E004)",
        "Team lead: Tl Two",
        "Step: Written CAP, due 11/09/2026",
        "11/05/2026: AHIP final exam failed (attempt 1 of 3).",
        "11/06/2026: AHIP final exam failed (attempt 2 of 3).",
        "Documented coaching delivered on 11/05/2026",
        "Final CAP, on a further failed attempt",
    ):
        assert expected in text, expected


def test_it_makes_a_final_cap_document_and_none_for_a_coaching(people):
    coaching = deliver("E001", "attendance", "coaching", "Be on time", people["tl"])
    final = deliver("E006", "esp", "final_cap", "Last chance", people["tl"])
    assert not CapDocument.objects.filter(fact=coaching).exists()
    text = pdf_text(document_of(final).pdf)
    assert "Corrective Action Plan: Final CAP" in text
    assert "Termination review (a recommendation to the program manager, who decides)" in text


# -- the template -----------------------------------------------------------------------------


def test_it_refuses_a_template_with_an_unknown_placeholder_naming_it(people, program):
    template = load_default_cap_templates(program)[0]
    template.text = "# CAP for $agent_name\nSigned by $agent on ${when}.\n"
    with pytest.raises(ValidationError) as refused:
        cap_template_save(template=template, actor=people["manager"])
    messages = refused.value.messages
    assert len(messages) == 2
    assert messages[0].startswith("Unknown placeholder $agent on line 2. The placeholders are:")
    assert "$agent_name" in messages[0]
    assert messages[1].startswith("Unknown placeholder $when on line 2.")
    template.refresh_from_db()
    assert template.text == DEFAULT_CAP_TEMPLATE and template.version == 1


def test_it_refuses_a_lone_dollar_and_django_template_syntax(people, program):
    template = load_default_cap_templates(program)[0]
    template.text = "Fee: $5\nHello {{ agent.name }}\n"
    with pytest.raises(ValidationError) as refused:
        cap_template_save(template=template, actor=people["manager"])
    assert refused.value.messages == [
        "A $ on line 1 is not followed by a placeholder name: write $$ for a dollar sign.",
        "'{{' on line 2: this template takes $placeholders such as $agent_name, not Django "
        "template syntax.",
    ]


def test_it_refuses_an_unknown_placeholder_in_the_admin_and_saves_a_good_one(
    client, people, program
):
    template = load_default_cap_templates(program)[0]
    client.force_login(people["manager"])
    url = reverse("admin:accountability_captemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    data = {"program": template.program_id, "step": "", "text": "Dear $agent,\n"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Unknown placeholder $agent on line 1." in response.content.decode()
    template.refresh_from_db()
    assert template.text == DEFAULT_CAP_TEMPLATE

    response = client.post(url, {**data, "text": "Dear $agent_name,\n"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.text, template.version, template.updated_by) == (
        "Dear $agent_name,",  # the form strips the text
        2,
        people["manager"],
    )
    audit = AuditEntry.objects.get(action="cap_template_changed")
    assert audit.actor == people["manager"] and audit.changes["version"] == 2


def test_it_prints_a_literal_dollar_for_a_double_one_and_records_the_version_used(people, program):
    template = load_default_cap_templates(program)[0]
    template.text = "# $step for $agent_name\nReplacement headset: US$$45, owed by $$nobody.\n"
    cap_template_save(template=template, actor=people["manager"])
    fact = deliver("E006", "esp", "written_cap", "Pass call cert by Friday", people["tl"])
    document = document_of(fact)
    text = pdf_text(document.pdf)
    assert "Written CAP for Flo Fox" in text
    assert "Replacement headset: US$45, owed by $nobody." in text
    assert (document.template_version, document.template_text) == (2, template.text)


def test_it_uses_a_step_template_before_the_template_for_every_step(people, program):
    load_default_cap_templates(program)
    CapTemplate.objects.create(program=program, step="final_cap", text="FINAL for $agent_name")
    written = deliver("E006", "esp", "written_cap", "Pass call cert by Friday", people["tl"])
    final = deliver("E006", "esp", "final_cap", "Last chance", people["tl"])
    assert "Corrective Action Plan" in pdf_text(document_of(written).pdf)
    assert (
        pdf_text(document_of(final).pdf)
        == "FINAL for Flo Fox Final CAP - Flo Fox (E006) - 12/02/2026 Page 1 of 1"
    )


def test_it_loads_the_default_template_once_and_keeps_an_edited_one(people, program):
    template = load_default_cap_templates(program)[0]
    template.text = "Edited for $agent_name"
    cap_template_save(template=template, actor=people["manager"])
    load_default_cap_templates()
    assert list(CapTemplate.objects.values_list("text", flat=True)) == ["Edited for $agent_name"]


# -- who may download -------------------------------------------------------------------------


def test_it_lets_the_class_tl_download_and_answers_404_to_another_tl_and_another_agent(
    client, people
):
    fact = deliver("E006", "esp", "written_cap", "Pass call cert by Friday", people["tl"])
    url = reverse("accountability:cap_download", args=[document_of(fact).pk])
    for person, status in (
        ("tl", 200),
        ("manager", 200),
        ("other_tl", 404),  # runs AET-B and E004 only
        ("ann", 404),  # E001's own account: another agent's document
    ):
        client.force_login(people[person])
        assert client.get(url).status_code == status, person
    client.logout()
    assert client.get(url)["Location"].startswith("/sign-in/")


def test_it_lets_an_agent_download_their_own_document(client, people):
    fact = deliver("E001", "attendance", "written_cap", "Be on time", people["tl"])
    client.force_login(people["ann"])
    response = client.get(reverse("accountability:cap_download", args=[document_of(fact).pk]))
    assert response.status_code == 200 and "Ann Able" in pdf_text(response.content)


def test_it_prints_any_name_as_written_in_the_pdf():
    """Issue 16 item 12: an embedded Unicode font prints Polish, Vietnamese, Greek and Cyrillic
    names and typographic marks as written (the core fonts printed "?ukasz" and "Nguyen")."""
    from esp.accountability.documents import pdf_bytes

    name = "Łukasz Wójcik-Nguyễn, Αλέξης, Дмитрий — “O’Neil”"
    data = pdf_bytes(f"# Written CAP for {name}\nDear {name},\n\tsee you", title=name)
    text = " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert text.count("Łukasz Wójcik-Nguyễn") == 2 and "Дмитрий" in text and "“O’Neil”" in text
