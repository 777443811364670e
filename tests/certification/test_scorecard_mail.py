"""The scorecard reaches the Cert Coordinator however the scores arrive (issue 15 item 2;
SPEC R-C4, R-C5; seed 004).

Seed 004: "The Certifier should IMMEDIATELY submit the Scorecard via email to the Cert
Coordinator after each agent has completed." Jane Doe (E001, class AET-A) has her five calls
scored on Monday 11/30/2026 — on the scoring page, the Call Certification tracking form, the
API or an activity import — and the coordinator is mailed `Doe_Jane_<rate>%.xlsx` once. A
re-score within ESP_RESCORE_WINDOW_MINUTES sends one corrected workbook; a re-score that makes
a failed certification a pass withdraws the failure notice or corrects it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from esp.certification.services import call_score
from esp.mailing.models import OutboxMessage
from esp.mailing.runs import send_round
from esp.mailing.services.lists import list_set
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.progress.models import Fact
from tests.certification.test_certification import points_for
from tests.certification.test_certification import world as world  # noqa: F401 (fixture)
from tests.smtp import smtp_server  # noqa: F401  (the fixture)

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=CHICAGO)  # Monday
DAY = NOW.date()
PM = "pm.one@cxp.example"
MANAGER = "esp.manager@cxp.example"


@pytest.fixture(autouse=True)
def monday_morning(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    settings.ESP_RESCORE_WINDOW_MINUTES = 10
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lists(world):
    ensure_lists_and_schedules(world[0].training_class.program, active_from=DAY)
    list_set("esp_managers", [MANAGER])
    OutboxMessage.objects.all().delete()  # the import's staff invitations: not ours
    return world


def workbooks():
    return list(OutboxMessage.objects.filter(report="callcert_workbook").order_by("pk"))


def names(rows) -> list[str]:
    return [row.attachments.get().filename for row in rows]


def score_on_page(world, scores, *, at=None, calls=range(1, 6)):
    """The scoring page's service, with its transaction's after-commit work run as it is."""
    jane, certifier, _, template = world
    for number in calls:
        call_score(
            agent=jane,
            call_number=number,
            item_points=None if number == 1 else points_for(template, scores[number]),
            notes_well="Good rapport",
            actor=certifier,
            day=DAY,
            template=None if number == 1 else template,
            now=at or NOW,
        )


def test_it_mails_the_workbook_once_after_the_fifth_call_scored_on_the_scoring_page(
    lists, django_capture_on_commit_callbacks
):
    """Seed 004: "The Certifier should IMMEDIATELY submit the Scorecard via email to the Cert
    Coordinator after each agent has completed." """
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {2: 90, 3: 90, 4: 84, 5: 90})
    [workbook] = workbooks()
    assert workbook.to == ["coord.one@cxp.example"]
    assert workbook.next_attempt_at == NOW  # at once (R-C5)
    assert names([workbook]) == ["Doe_Jane_80%.xlsx"]
    assert workbook.subject == "Call certification scorecard: Jane Doe (E001) — 80%"


def test_it_mails_the_workbook_once_after_the_fifth_call_entered_on_the_call_certification_form(
    lists, django_capture_on_commit_callbacks
):
    """Seed 004: "The Certifier should complete all 5 calls on the same spreadsheet ... and
    IMMEDIATELY submit the Scorecard via email to the Cert Coordinator." """
    _, certifier, _, _ = lists
    client = Client()
    client.force_login(certifier)
    for number, score in ((1, 100), (2, 95), (3, 80), (4, 90), (5, 88)):
        assert not workbooks()
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                "/forms/call-cert/",
                {"agent": "E001", "day": "11/30/2026", "call": number, "score": score},
            )
        assert answer.status_code == 302, answer.content.decode()[:500]
    assert names(workbooks()) == ["Doe_Jane_80%.xlsx"]


def test_it_mails_the_workbook_once_after_the_fifth_call_scored_through_the_api(
    lists, django_capture_on_commit_callbacks
):
    """Seed 004: "The Certifier should IMMEDIATELY submit the Scorecard via email to the Cert
    Coordinator after each agent has completed." """
    _, _, coordinator, _ = lists
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=coordinator).key}")
    for number, score in ((1, 100), (2, 95), (3, 95), (4, 90), (5, 88)):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(
                "/api/v1/agents/E001/calls/",
                {"call": number, "score": score, "based_on": ""},
                format="json",
            )
        assert answer.status_code == 201, answer.content
    assert names(workbooks()) == ["Doe_Jane_100%.xlsx"]


def test_it_mails_the_workbook_once_after_an_import_brings_the_fifth_call(lists, esp, write):
    """Seed 004: "The Certifier should IMMEDIATELY submit the Scorecard via email to the Cert
    Coordinator after each agent has completed." """
    rows = "\n".join(
        f"2026-11-30,E001,call,{n},{s},cert.one@cxp.example,"
        for n, s in ((1, 100), (2, 70), (3, 95), (4, 60), (5, 88))
    )
    path = write("date,employee_id,kind,item,value,by,note\n" + rows)
    for _ in range(2):  # the same file twice: still one workbook
        code, _, err = esp("import", "activity", path)
        assert code == 0, err
    assert names(workbooks()) == ["Doe_Jane_60%.xlsx"]


def test_it_sends_one_corrected_workbook_for_the_rescores_within_the_window(
    lists,
    django_capture_on_commit_callbacks,
    smtp_server,  # noqa: F811
):
    """Seed 004: the Certifier completes "all 5 calls on the same spreadsheet" and submits it
    IMMEDIATELY; a certifier who corrects two calls a few minutes later sends one corrected
    scorecard, not one per change."""
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {2: 90, 3: 90, 4: 84, 5: 90})  # 80%
    send_round(now=NOW + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {4: 88}, at=NOW + timedelta(minutes=2), calls=[4])
        score_on_page(lists, {5: 86}, at=NOW + timedelta(minutes=5), calls=[5])
    first, correction = workbooks()
    assert correction.status == OutboxMessage.PENDING
    assert correction.next_attempt_at == NOW + timedelta(minutes=12)
    assert correction.subject.startswith("Corrected call certification scorecard")
    assert send_round(now=NOW + timedelta(minutes=11)).sent == 0
    send_round(now=NOW + timedelta(minutes=12))
    mailed = [m for m in smtp_server.messages if m.key.startswith("callcert_workbook|")]
    assert [a.get_filename() for m in mailed for a in m.message.iter_attachments()] == [
        "Doe_Jane_80%.xlsx",
        "Doe_Jane_100%.xlsx",
    ]
    assert "replaces the one sent earlier" in mailed[1].message.get_body(("plain",)).get_content()

    # Later, after the correction went: another re-score is another correction.
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {3: 80}, at=NOW + timedelta(minutes=40), calls=[3])
    assert names(workbooks()) == ["Doe_Jane_80%.xlsx", "Doe_Jane_100%.xlsx", "Doe_Jane_80%.xlsx"]


def test_it_withdraws_a_waiting_failure_notice_when_a_rescore_makes_it_a_pass(
    lists, django_capture_on_commit_callbacks
):
    """Seed 004: "60% or less = no more than 3 calls passed which means the agent has failed
    the call certification program." — until a re-score says otherwise."""
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {2: 90, 3: 90, 4: 70, 5: 70})  # 60%: failed
    [notice] = OutboxMessage.objects.filter(report="callcert_failed")
    assert notice.to == sorted([PM, MANAGER])
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {4: 90}, at=NOW + timedelta(minutes=1), calls=[4])  # 80%
    notice.refresh_from_db()
    assert notice.status == OutboxMessage.WITHDRAWN
    assert not OutboxMessage.objects.filter(report="callcert_passed").exists()
    assert send_round(now=NOW + timedelta(minutes=2)).sent == 1  # the workbook only


def test_it_corrects_a_sent_failure_notice_when_a_rescore_makes_it_a_pass(
    lists,
    django_capture_on_commit_callbacks,
    smtp_server,  # noqa: F811
):
    """Seed 004: "The agent must receive a score of at least 85 to pass the call." A call
    re-scored to 85 or more that brings the pass rate to 80% makes the agent pass: those told
    of the failure are told of the pass."""
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {2: 90, 3: 90, 4: 70, 5: 70})  # 60%: failed
    send_round(now=NOW + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {5: 85}, at=NOW + timedelta(minutes=3), calls=[5])  # 80%
        score_on_page(lists, {5: 86}, at=NOW + timedelta(minutes=4), calls=[5])  # still 80%
    [correction] = OutboxMessage.objects.filter(report="callcert_passed")
    assert correction.to == sorted([PM, MANAGER])
    assert correction.subject == ("Correction: call certification passed: Jane Doe (E001) — 80%")
    send_round(now=NOW + timedelta(minutes=5))
    told = [m.key.split("|")[1] for m in smtp_server.messages if m.key.startswith("notify|")]
    assert told == ["callcert_failed", "callcert_passed"]

    # A third re-score that fails it again: the failure is news again, once.
    with django_capture_on_commit_callbacks(execute=True):
        score_on_page(lists, {3: 60}, at=NOW + timedelta(minutes=30), calls=[3])
    assert OutboxMessage.objects.filter(report="callcert_failed").count() == 2


def test_it_sends_no_workbook_for_an_old_history_import(lists, esp, write):
    """Back-dated history (a migration) changes the reports, not the coordinator's inbox."""
    rows = "\n".join(
        f"2026-11-20,E001,call,{n},{s},cert.one@cxp.example," for n, s in enumerate([100] * 5, 1)
    )
    code, _, err = esp(
        "import", "activity", write("date,employee_id,kind,item,value,by,note\n" + rows)
    )
    assert code == 0, err
    assert Fact.objects.filter(kind="call").count() == 5
    assert not workbooks()
