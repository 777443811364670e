"""In a real browser (issue 8): the ESP Manager opens an ESP-complete agent's transfer
checklist from Today, records the Contact Center then the Headcount steps, checks BlackDash
after the 10-minute wait, has the agent restart, and the transfer task is done (R-X1, R-X2,
seed 003).

The class started 70 days ago, so it holds on any day; the agent's tasks (but the transfer)
are done as of today.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-8"
MANAGER_EMAIL = "esp.manager@cxp.example"
CLASS = "AET-X1"


@pytest.fixture
def scenario(program, tmp_path, settings):
    from esp.lib import clock
    from esp.progress.services import task_status_set
    from esp.progress.services.proofs import proof_review, proof_submit
    from esp.roster.models import Agent
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import create_esp_manager
    from tests.web_support import png

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    today = clock.today(program.time_zone)
    start = today - timedelta(days=70)
    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,tl_emails
{CLASS},esp-aetna,Aetna,SLC,{start},tl.one@cxp.example
""",
        "roster": f"""
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E201,Ann,Able,ann@cxp.example,ann@mail.example,{CLASS},tl.one@cxp.example
""",
    }
    for kind, importer in (("classes", import_classes), ("roster", import_roster)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)
    manager = create_esp_manager(MANAGER_EMAIL, PASSWORD)
    agent = Agent.objects.get(employee_id="E201")
    policy = program.policy()
    needs_proof = set(program.tasks.filter(needs_proof=True).values_list("key", flat=True))
    for key in policy.task_keys:
        if key in needs_proof:  # AHIP, the carrier certification: by proof (issue 12 item 4)
            proof = proof_submit(
                agent=agent, item=key, name="checks.png", data=png(), actor=manager
            )
            proof_review(proof=proof, accept=True, actor=manager, day=today)
        elif key != policy.transfer_task:
            task_status_set(agent=agent, task=key, status="done", day=today, actor=manager)
    return agent


def test_esp_manager_completes_a_transfer_checklist(scenario, live_server, sign_in, program):
    from esp.operations.models import TransferStep
    from esp.progress.models import Fact

    page = sign_in(MANAGER_EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today/$"))
    page.locator("#transfers + ul").get_by_role("link", name="transfer checklist").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Transfer Ann Able (E201)")
    expect(page.locator("#home-department")).to_have_text("SLC — 510 Aetna Contact Center")

    steps = ("cc_effective", "cc_department", "cc_done", "hc_effective", "hc_department")
    for step in (*steps, "hc_done", "refresh"):
        item = page.locator(f"li[data-step='{step}']")
        item.get_by_role("button", name="Mark done").click()
        expect(page.locator(f"li[data-step='{step}']")).to_contain_text("Done by")

    # Checking sooner than 10 minutes after the refresh waits, with the local time shown.
    expect(page.locator("li[data-step='verify_1']")).to_contain_text("Wait 10 minutes: from")

    # Ten minutes later (the refresh moved back), the agent shows in no training classroom.
    refreshed = TransferStep.objects.get(agent=scenario, step="refresh")
    TransferStep.objects.filter(pk=refreshed.pk).update(
        done_at=refreshed.done_at - timedelta(minutes=11)
    )
    page.reload()
    verify = page.locator("li[data-step='verify_1']")
    verify.get_by_label("Note").fill("BlackDash clear")
    verify.get_by_role("button", name="Not in any training classroom").click()
    expect(page.locator("li[data-step='verify_1']")).to_contain_text(
        "not in any training classroom — BlackDash clear"
    )
    page.locator("li[data-step='restart_1']").get_by_role("button", name="Mark done").click()
    expect(page.locator("#transfer-done")).to_contain_text("recorded in the tracker")

    fact = Fact.objects.get(agent=scenario, kind="task", item=program.policy().transfer_task)
    assert fact.value == "done"
    assert "SLC — 510 Aetna Contact Center" in fact.note
