"""A certifier scores an agent's certification calls in a real browser, and the Cert
Coordinator receives the workbook by e-mail through a real SMTP server (issue 6 item 4;
SPEC R-C3–R-C6):

- call 1 is already recorded as coached (100); the certifier, signed in through /sign-in/,
  scores calls 2–5 item by item, sees the running total, is nudged once for feedback without a
  positive remark, and saves;
- the mail worker's round delivers `Doe_Jane_80%.xlsx` to the coordinator (aiosmtpd).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from tests.smtp import smtp_server  # noqa: F401  (the fixture)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-6"
CERTIFIER_EMAIL = "cert.one@cxp.example"
COORDINATOR_EMAIL = "coord.one@cxp.example"


@pytest.fixture
def scenario(program, tmp_path, settings, live_server):
    from esp.certification.services import call_score, load_default_scorecard
    from esp.lib import clock
    from esp.mailing.models import OutboxMessage
    from esp.programs.calendars import calendar_for
    from esp.roster.models import Agent, CertifierAssignment
    from esp.roster.roles import CERT_COORDINATOR, CERTIFIER
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import ensure_staff

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    today = clock.today(program.time_zone)
    start = today
    for _ in range(20):  # a class well into its ESP phase, started on a business day
        start = calendar_for(program).previous_business_day(start)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails
AET-C1,esp-aetna,Aetna,SLC,{start},tl.one@cxp.example
""",
        "roster": """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E301,Jane,Doe,jane@cxp.example,jane@mail.example,AET-C1,tl.one@cxp.example
""",
    }
    for kind, importer in (("classes", import_classes), ("roster", import_roster)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    users = {}
    for email, role in ((CERTIFIER_EMAIL, CERTIFIER), (COORDINATOR_EMAIL, CERT_COORDINATOR)):
        user = ensure_staff(email, role)
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        users[role] = user
    jane = Agent.objects.get(employee_id="E301")
    CertifierAssignment.objects.create(certifier=users[CERTIFIER], agent=jane)
    template = load_default_scorecard()
    call_score(agent=jane, call_number=1, actor=users[CERTIFIER], day=today)
    OutboxMessage.objects.all().delete()  # the import's invitations: not ours
    return template


def score_call(page, base, number, marked_down: dict, *, well: str, down: str):
    page.goto(f"{base}/agents/E301/calls/{number}/score/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Score call {number}: Jane Doe (E301)"
    )
    for item, points in marked_down.items():
        page.get_by_label(f"Earned: {item}").fill(str(points))
    page.get_by_role("button", name="Recalculate the total").click()
    lost = sum(FULL[item] - points for item, points in marked_down.items())
    expect(page.locator("#running-total")).to_contain_text(f"Running total: {100 - lost}")
    page.get_by_label("What went well").fill(well)
    page.get_by_label("What was marked down").fill(down)
    page.get_by_role("button", name="Save the score").click()


FULL = {"Prescriptions": 10, "Explains costs accurately": 10, "Scope of appointment": 10}


def test_a_certifier_scores_calls_2_to_5_and_the_coordinator_gets_the_workbook(
    scenario,
    sign_in,
    live_server,
    smtp_server,  # noqa: F811
):
    from openpyxl import load_workbook

    from esp.lib import clock
    from esp.mailing.runs import send_round
    from esp.progress.models import Fact

    page = sign_in(CERTIFIER_EMAIL, PASSWORD)
    base = live_server.url
    score_call(page, base, 2, {"Prescriptions": 5}, well="Warm opening", down="Missed a drug")
    expect(page).to_have_url(re.compile(r"/agents/E301/"))
    expect(page.locator("#calls")).to_contain_text("Call 2: 95")

    # Feedback without a positive remark: flagged before saving, saved once confirmed.
    score_call(page, base, 3, {"Explains costs accurately": 5}, well="", down="Costs unclear")
    expect(page.get_by_role("alert")).to_contain_text("no positive remark")
    assert not Fact.objects.filter(kind="call", item="3").exists()
    page.get_by_role("button", name="Save without a positive remark").click()
    expect(page.locator("#calls")).to_contain_text("Call 3: 95")

    score_call(page, base, 4, {"Scope of appointment": 0}, well="Good rapport", down="No SOA")
    marked = {"Prescriptions": 0, "Explains costs accurately": 0}
    score_call(page, base, 5, marked, well="Calm", down="Rushed the plan comparison")
    expect(page.locator("#calls")).to_contain_text("Call 5: 80")
    scores = {f.item: f.value for f in Fact.objects.filter(agent__employee_id="E301", kind="call")}
    assert scores == {"1": "100", "2": "95", "3": "95", "4": "90", "5": "80"}

    # The mail worker's round delivers the workbook to the coordinator.
    send_round(now=clock.now() + timedelta(seconds=1))
    received = [m for m in smtp_server.messages if m.key.startswith("callcert_workbook|")]
    assert len(received) == 1
    [mail] = received
    assert mail.rcpt_tos == (COORDINATOR_EMAIL,)
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_filename() == "Doe_Jane_80%.xlsx"
    sheet = load_workbook(io.BytesIO(attachment.get_content())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[3][:2] == ["Pass rate", "80%"]
    header = next(n for n, r in enumerate(rows) if r[:2] == ["Call", "Score"])
    assert [r[1] for r in rows[header + 1 : header + 6]] == [100, 95, 95, 90, 80]
