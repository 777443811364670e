"""Scoring certification calls and the scorecard workbook (issue 6 items 3–4; SPEC R-C3–R-C7).

An agent, Jane Doe (E001) of class AET-A, has five calls: call 1 coached (100), calls 2–5
scored item by item on the placeholder scorecard. The certifier is assigned to E001 only.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from esp.audit.models import AuditEntry
from esp.certification.models import CallScore, ScorecardTemplate
from esp.certification.scorecard_sheets import (
    DEFAULT_NAME,
    parse_template_xlsx,
    template_to_xlsx,
)
from esp.certification.selectors import latest_calls
from esp.certification.services import call_score, load_default_scorecard, template_import_xlsx
from esp.mailing.models import OutboxMessage
from esp.roster.models import Agent, CertifierAssignment
from esp.roster.roles import CERT_COORDINATOR, CERTIFIER
from tests.web_support import staff

DAY = date(2026, 11, 30)

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
"""
ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Jane,Doe,jane@cxp.example,jane@mail.example,AET-A,tl.one@cxp.example
E002,Bob,Baker,bob@cxp.example,bob@mail.example,AET-A,tl.one@cxp.example
"""


@pytest.fixture
def world(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    certifier = staff("cert.one@cxp.example", CERTIFIER)
    coordinator = staff("coord.one@cxp.example", CERT_COORDINATOR)
    jane = Agent.objects.get(employee_id="E001")
    CertifierAssignment.objects.create(certifier=certifier, agent=jane)
    template = load_default_scorecard()
    return jane, certifier, coordinator, template


def points_for(template, score, *, auto_fail=False) -> dict:
    """Item points that add up to `score` (full marks, minus the rest from the first items)."""
    items = list(template.items())
    points = {i.pk: i.points for i in items if not i.auto_fail}
    missing = Decimal(100) - Decimal(str(score))
    for item in items:
        if item.auto_fail or missing <= 0:
            continue
        taken = min(item.points, missing)
        points[item.pk] -= taken
        missing -= taken
    failing = [i for i in items if i.auto_fail]
    for item in failing:
        points[item.pk] = auto_fail and item is failing[0]
    return points


def score_all(jane, certifier, template, scores):
    call_score(agent=jane, call_number=1, actor=certifier, day=DAY, notes_well="Warm opening")
    for number, score in zip(range(2, 6), scores, strict=True):
        call_score(
            agent=jane,
            call_number=number,
            item_points=points_for(template, score),
            notes_well=f"Good rapport on call {number}",
            notes_down="Missed a drug tier",
            actor=certifier,
            day=DAY,
            template=template,
        )


def test_it_records_call_one_as_coached_with_100(world):
    jane, certifier, _, _ = world
    scored = call_score(agent=jane, call_number=1, actor=certifier, day=DAY)
    assert (scored.score, scored.coached, scored.template) == (100, True, None)
    assert latest_calls(jane)[1].value == "100"


@pytest.mark.parametrize(
    ("points", "expected"), [("85", 85), ("84", 84), ("84.5", 85), ("84.49", 84)]
)
def test_it_sums_the_points_rounding_half_up(world, points, expected):
    jane, certifier, _, template = world
    scored = call_score(
        agent=jane,
        call_number=2,
        item_points=points_for(template, points),
        actor=certifier,
        day=DAY,
        template=template,
    )
    assert scored.score == expected
    assert latest_calls(jane)[2].value == str(expected)


def test_it_scores_zero_when_an_auto_fail_item_is_missed(world):
    jane, certifier, _, template = world
    scored = call_score(
        agent=jane,
        call_number=3,
        item_points=points_for(template, 100, auto_fail=True),
        actor=certifier,
        day=DAY,
        template=template,
    )
    assert scored.score == 0
    assert scored.item_scores.filter(failed=True).count() == 1


def test_it_refuses_more_points_than_an_item_is_worth(world):
    jane, certifier, _, template = world
    item = next(i for i in template.items() if not i.auto_fail)
    with pytest.raises(ValidationError):
        call_score(
            agent=jane,
            call_number=2,
            item_points={item.pk: item.points + 1},
            actor=certifier,
            day=DAY,
            template=template,
        )


def test_it_passes_at_exactly_85_and_fails_at_84_in_the_workbook(world):
    jane, certifier, coordinator, template = world
    score_all(jane, certifier, template, [85, 84, "84.5", 90])  # 4 of 5 pass: 80%
    [message] = OutboxMessage.objects.filter(report="callcert_workbook")
    [attachment] = message.attachments.all()
    assert attachment.filename == "Doe_Jane_80%.xlsx"
    assert message.to == [coordinator.email]
    sheet = load_workbook(io.BytesIO(bytes(attachment.content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Agent", "Doe, Jane"]
    assert ["Pass rate", "80%"] == rows[3][:2]
    header = rows.index(
        [
            "Call",
            "Score",
            "Passed",
            "Date",
            "Scored by",
            "Scorecard",
            "What went well",
            "Marked down",
        ]
    )
    calls = rows[header + 1 : header + 6]
    assert [(r[0], r[1], r[2]) for r in calls] == [
        (1, 100, "yes"),
        (2, 85, "yes"),
        (3, 84, "no"),
        (4, 85, "yes"),
        (5, 90, "yes"),
    ]
    assert calls[1][6] == "Good rapport on call 2"
    assert rows[header + 6][:2] == ["Total passed", 4]
    totals = [r for r in rows if r[2] == "Call total"]
    assert [(r[0], r[4]) for r in totals] == [(1, 100), (2, 85), (3, 84), (4, 85), (5, 90)]
    # issue 16 item 10: the calls' header stays in view, their dates are date cells
    assert sheet.freeze_panes == f"A{header + 2}"
    assert sheet.cell(header + 2, 4).number_format == "mm/dd/yyyy"
    assert sheet.cell(header + 2, 4).value.date() == DAY


def test_it_enqueues_nothing_before_the_fifth_call(world):
    jane, certifier, _, template = world
    call_score(agent=jane, call_number=1, actor=certifier, day=DAY)
    for number in (2, 3, 4):
        call_score(
            agent=jane,
            call_number=number,
            item_points=points_for(template, 90),
            actor=certifier,
            day=DAY,
            template=template,
        )
    assert not OutboxMessage.objects.filter(report="callcert_workbook").exists()


def test_it_replaces_a_rescored_call_audits_it_and_sends_a_new_workbook(world):
    jane, certifier, _, template = world
    score_all(jane, certifier, template, [85, 84, 70, 60])  # 2 of 5: 40%
    call_score(
        agent=jane,
        call_number=3,
        item_points=points_for(template, 95),
        notes_well="Much better",
        actor=certifier,
        day=DAY,
        template=template,
    )
    assert latest_calls(jane)[3].value == "95"
    names = [
        m.attachments.get().filename
        for m in OutboxMessage.objects.filter(report="callcert_workbook").order_by("pk")
    ]
    assert names == ["Doe_Jane_40%.xlsx", "Doe_Jane_60%.xlsx"]
    audit = AuditEntry.objects.filter(action="call_rescored", object_id="E001").get()
    assert audit.changes["score"] == ["84", 95]


def test_it_falls_back_to_the_esp_managers_list_without_a_coordinator(world):
    from django.contrib.auth.models import Group

    from esp.mailing.services.lists import list_set
    from esp.mailing.services.schedules import ensure_lists_and_schedules

    jane, certifier, coordinator, template = world
    ensure_lists_and_schedules(jane.training_class.program, active_from=DAY)
    Group.objects.get(name=CERT_COORDINATOR).user_set.remove(coordinator)
    list_set("esp_managers", ["esp.manager@cxp.example"])
    score_all(jane, certifier, template, [90, 90, 90, 90])
    message = OutboxMessage.objects.get(report="callcert_workbook")
    assert message.to == ["esp.manager@cxp.example"]
    assert message.attachments.get().filename == "Doe_Jane_100%.xlsx"


def test_it_ships_one_placeholder_template_summing_to_100(world):
    _, _, _, template = world
    assert load_default_scorecard() == template
    assert template.name == DEFAULT_NAME and template.placeholder
    assert "PLACEHOLDER" in template.name
    weighted = [i.points for i in template.items() if not i.auto_fail]
    assert sum(weighted) == 100
    assert any(i.auto_fail for i in template.items())


def test_it_round_trips_a_template_through_xlsx_as_a_new_version(world):
    _, _, _, template = world
    content = template_to_xlsx(template)
    copy = template_import_xlsx(content)
    assert (copy.name, copy.version, copy.placeholder) == (template.name, 2, True)
    shape = lambda t: [  # noqa: E731
        (i.section.title, i.text, i.points, i.auto_fail, i.definition) for i in t.items()
    ]
    assert shape(copy) == shape(template)


def test_it_reports_every_problem_of_a_bad_template_file(world):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Template", "Carrier scorecard"])
    sheet.append(["Placeholder", "no"])
    sheet.append([])
    sheet.append(["Section", "Item", "Points", "Auto-fail", "Definition"])
    sheet.append(["Opening", "Greeting", "lots", "", ""])
    sheet.append(["Opening", "", "50", "", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as caught:
        parse_template_xlsx(out.getvalue())
    problems = caught.value.messages
    assert any("row 5, column C" in p for p in problems)
    assert any("row 6, column B" in p for p in problems)
    assert any("add up to 50" in p for p in problems)
    assert ScorecardTemplate.objects.count() == 1


# -- the scoring page ------------------------------------------------------------------------------


def form_data(template, score, **extra):
    data = {"template": template.pk, **extra}
    for pk, value in points_for(template, score).items():
        if isinstance(value, bool):
            if value:
                data[f"fail-{pk}"] = "on"
        else:
            data[f"item-{pk}"] = str(value)
    return data


def test_it_lets_a_certifier_score_only_assigned_agents(world, client):
    jane, certifier, _, template = world
    client.force_login(certifier)
    assert client.get("/agents/E001/calls/2/score/").status_code == 200
    assert client.get("/agents/E002/calls/2/score/").status_code == 404
    response = client.post("/agents/E002/calls/2/score/", form_data(template, 90, notes_well="x"))
    assert response.status_code == 404
    assert not CallScore.objects.exists()


def test_it_nudges_before_saving_feedback_without_a_positive_remark(world, client):
    jane, certifier, _, template = world
    client.force_login(certifier)
    url = "/agents/E001/calls/2/score/"
    response = client.post(url, form_data(template, 88, notes_down="Rushed the close"))
    assert response.status_code == 200
    assert b"no positive remark" in response.content
    assert not CallScore.objects.exists()
    data = form_data(template, 88, notes_down="Rushed the close", action="confirm")
    response = client.post(url, data)
    assert response.status_code == 302
    assert CallScore.objects.get().score == 88


def test_it_shows_the_running_total_and_the_coaching_to_the_agent(world, client):
    jane, certifier, _, template = world
    client.force_login(certifier)
    url = "/agents/E001/calls/2/score/"
    data = form_data(template, "84.5", action="recalculate")
    response = client.post(url, data)
    assert b"Running total: <strong>85</strong>" in response.content
    assert not CallScore.objects.exists()
    data = form_data(template, 91, notes_well="Clear plan comparison", notes_down="Long hold")
    assert client.post(url, data).status_code == 302
    agent_user = staff("jane@cxp.example", "Agent")
    Agent.objects.filter(pk=jane.pk).update(user=agent_user)
    client.force_login(agent_user)
    page = client.get("/agents/E001/").content.decode()
    assert "Call 2: 91" in page and "Clear plan comparison" in page and "Long hold" in page
    assert "Score a call" not in page


def test_it_imports_and_exports_templates_in_the_admin(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esp.roster.services.staff import create_esp_manager

    _, _, _, template = world
    client.force_login(create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1"))
    changelist = "/admin/certification/scorecardtemplate/"
    assert b"Import .xlsx" in client.get(changelist).content
    response = client.post(changelist, {"action": "export_xlsx", "_selected_action": [template.pk]})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="scorecard_v1.xlsx"'
    upload = SimpleUploadedFile("carrier.xlsx", response.content)
    response = client.post(f"{changelist}import/", {"file": upload})
    assert response.status_code == 302
    assert list(ScorecardTemplate.objects.values_list("version", flat=True)) == [2, 1]
    bad = SimpleUploadedFile("bad.xlsx", b"not a workbook")
    response = client.post(f"{changelist}import/", {"file": bad})
    assert b"not a readable .xlsx file" in response.content


def test_a_rescore_opens_on_the_calls_last_scoring_not_on_full_marks(world, client):
    """Seed 004 (a certifier corrects a scored call): the form shows the points, the missed
    auto-fail item and the notes saved last time, and their total — not 100 and "passes"
    beside "Scored before: 0"; a fresh call still opens on full marks, written 15 not 15.00."""
    jane, certifier, _, template = world
    client.force_login(certifier)
    url = "/agents/E001/calls/3/score/"
    fresh = client.get(url).content.decode()
    assert "Running total: <strong>100</strong>" in fresh and 'value="15"' in fresh
    call_score(
        agent=jane, call_number=3, item_points=points_for(template, 90, auto_fail=True),
        notes_well="Warm opening", notes_down="Skipped the TPMO disclaimer", actor=certifier,
        day=DAY, template=template,
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "Scored before: 0 on 11/30/2026" in page
    assert "Running total: <strong>0</strong>" in page and "passes" not in page
    assert "Skipped the TPMO disclaimer" in page and "Warm opening" in page
    assert page.count("checked") == 1  # the missed auto-fail item
    first = next(i for i in template.items() if not i.auto_fail)
    assert f'name="item-{first.pk}" value="0"' in page  # 90 was taken from the first items
