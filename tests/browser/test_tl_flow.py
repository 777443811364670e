"""In a real browser (Chromium through Playwright) against the live server (issue 4):

- a TL signs in, marks a task done on the class board (htmx swaps the row), delivers the
  coaching that is due on the agent page, uploads a proof that licensing then accepts in
  their own session, and sees the task done on the agent page;
- an agent who opens another agent's page gets 404;
- the board works from the keyboard: Tab to a status chip, Enter opens its form.

The scenario is dated relative to today on the program's business calendar, so it holds on
any day (weekends and holidays included): class AET-T1 is in its licensing phase today
(licensing started two business days ago) and Ann Able failed the Aetna exam that day, so
the exams ladder's coaching is owed from the next business day (R-N4a).
"""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips the tests, saying why
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-test-pass-4"
TL_EMAIL = "tl.one@cxp.example"
LICENSING_EMAIL = "lic.one@cxp.example"
AGENT_EMAIL = "ann@cxp.example"
CLASS = "AET-T1"


@pytest.fixture
def scenario(program, tmp_path, settings):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from esp.lib import clock
    from esp.programs.calendars import calendar_for
    from esp.progress.services.activity import import_activity
    from esp.roster.models import Agent
    from esp.roster.roles import AGENT, LICENSING, TL
    from esp.roster.services import import_classes, import_roster
    from esp.roster.services.staff import ensure_staff

    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    # Fast password hashing for the sign-ins; sign-in itself goes through the real form.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    calendar = calendar_for(program)
    today = clock.today(program.time_zone)
    before = calendar.previous_business_day
    licensing_start = before(before(today))  # licensing age 2 today: its ladder not yet due
    start = before(before(licensing_start))  # onboarding: 2 business days
    failed_on = licensing_start  # the exams coaching is owed from the next business day

    files = {
        "classes": f"""
class_code,program,campaign,site,start_date,licensing_start,tl_emails
{CLASS},esp-aetna,Aetna,SLC,{start},{licensing_start},{TL_EMAIL}
""",
        "roster": f"""
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E101,Ann,Able,{AGENT_EMAIL},ann@mail.example,{CLASS},{TL_EMAIL}
E102,Bob,Baker,bob@cxp.example,bob@mail.example,{CLASS},{TL_EMAIL}
""",
        "activity": f"""
date,employee_id,kind,item,value,by,note
{failed_on},E101,exam,carrier_cert,failed,{LICENSING_EMAIL},Missed the passing mark
""",
    }
    for kind, importer in (
        ("classes", import_classes),
        ("roster", import_roster),
        ("activity", import_activity),
    ):
        path = tmp_path / f"{kind}.csv"
        path.write_text(files[kind].strip() + "\n", encoding="utf-8")
        importer(path)

    for email, role in ((TL_EMAIL, TL), (LICENSING_EMAIL, LICENSING)):
        user = ensure_staff(email, role)
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
    agent_user = get_user_model().objects.create_user(
        username=AGENT_EMAIL, email=AGENT_EMAIL, password=PASSWORD
    )
    agent_user.groups.add(Group.objects.get(name=AGENT))
    Agent.objects.filter(employee_id="E101").update(user=agent_user)
    return SimpleNamespace(today=today, licensing_start=licensing_start)


def screenshot_png() -> bytes:
    """A small real PNG: the carrier portal's green checks, as a screenshot would show."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (260, 80), "white")
    draw = ImageDraw.Draw(image)
    for i in range(13):
        draw.rectangle([8 + i * 19, 30, 22 + i * 19, 44], fill=(29, 107, 53))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def chip(page, employee_id: str, task_name: str):
    return page.locator(f"#row-{employee_id} summary.chip[aria-label^='{task_name}:']")


def task_row(page, task_name: str):
    """The agent page's row of one task in the Tasks table."""
    return page.locator("h2#tasks + table tbody tr").filter(
        has=page.get_by_role("rowheader", name=task_name, exact=True)
    )


def test_tl_marks_done_delivers_coaching_and_licensing_accepts_the_proof(
    scenario, live_server, sign_in
):
    tl = sign_in(TL_EMAIL, PASSWORD)

    # Signed in, the TL lands on their Today page; they open their class board from Classes.
    expect(tl).to_have_url(re.compile(r"/today/$"))
    tl.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    tl.get_by_role("link", name=CLASS, exact=True).click()
    expect(tl.get_by_role("heading", level=1)).to_contain_text(f"Class {CLASS}")
    expect(tl.locator("tbody tr[id^=row-]")).to_have_count(2)

    # Mark Producer World done on the board: open the chip, choose, Save; htmx swaps the row.
    producer_world = chip(tl, "E101", "Producer World registration")
    expect(producer_world).to_have_text("Not started")
    tl.evaluate("window.espNoReload = true")
    producer_world.click()
    cell = tl.locator("#row-E101 td.cell").filter(
        has=tl.locator("summary.chip[aria-label^='Producer World registration:']")
    )
    cell.get_by_label("Status").select_option("done")
    with tl.expect_response(re.compile(r"/agents/E101/tasks/producer_world/$")) as answer:
        cell.get_by_role("button", name="Save").click()
    response = answer.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    expect(producer_world).to_have_text("Done")
    expect(producer_world).to_have_attribute("aria-label", re.compile(r": Done\. Change$"))
    expect(tl.locator("#row-E101 .conflict")).to_have_count(0)
    assert tl.evaluate("window.espNoReload") is True  # swapped in place, no page load
    expect(chip(tl, "E102", "Producer World registration")).to_have_text("Not started")

    # The agent page: the exams coaching is due; deliver it with the expectation set.
    tl.locator("#row-E101").get_by_role("link", name="Ann Able").click()
    expect(tl).to_have_url(re.compile(r"/agents/E101/$"))
    ladders = tl.locator("#ladders")
    expect(ladders.locator(".notice")).to_contain_text("Coaching on the exams ladder")
    ladders.get_by_label("Expectation set").fill("Retake the Aetna exam by Friday")
    ladders.get_by_role("button", name="Deliver coaching").click()
    expect(tl.locator(".messages")).to_contain_text("Delivered and recorded.")
    expect(ladders).to_contain_text("Nothing due today.")
    expect(ladders.locator(".timeline")).to_contain_text(
        "Documented coaching for Failed exams by Tl One: “Retake the Aetna exam by Friday”"
    )

    # Upload the Aetna certification screenshot: submitted, the task not done yet.
    tl.locator("#proof-item").select_option("carrier_cert")
    tl.locator("#proof-file").set_input_files(
        {"name": "aetna-cert.png", "mimeType": "image/png", "buffer": screenshot_png()}
    )
    tl.get_by_role("button", name="Upload proof").click()
    expect(tl.locator(".messages")).to_contain_text("aetna-cert.png submitted for review.")
    proofs = tl.locator("h2#proofs + table")
    expect(proofs.locator("tbody tr")).to_have_count(1)
    expect(proofs.locator("tbody tr")).to_contain_text("Submitted")
    expect(task_row(tl, "Aetna certification").locator(".chip")).not_to_have_text("Done")

    # Licensing, in their own session, accepts it from the review queue.
    licensing = sign_in(LICENSING_EMAIL, PASSWORD)
    licensing.get_by_role("link", name="Proofs to review").click()
    expect(licensing.get_by_role("heading", level=1)).to_have_text("Proofs waiting for review (1)")
    pending = licensing.locator("tbody tr").filter(has_text="aetna-cert.png")
    expect(pending).to_contain_text("Ann Able (E101)")
    expect(pending).to_contain_text("Aetna certification")  # the task's name, not its key
    pending.get_by_role("button", name="Accept").click()
    expect(licensing.locator(".messages")).to_contain_text("aetna-cert.png accepted (Ann Able).")
    expect(licensing.get_by_role("heading", level=1)).to_have_text("Proofs waiting for review (0)")

    # The TL sees the task done on the agent page, with the accepted proof in its history.
    tl.reload()
    aetna = task_row(tl, "Aetna certification")
    expect(aetna.locator(".chip")).to_have_text("Done")
    expect(aetna).to_contain_text("proof aetna-cert.png (accepted)")
    expect(task_row(tl, "Producer World registration").locator(".chip")).to_have_text("Done")
    expect(proofs.locator("tbody tr")).to_contain_text("Accepted (Lic One")  # by name


def test_an_agent_opening_another_agents_page_gets_404(scenario, live_server, sign_in):
    agent = sign_in(AGENT_EMAIL, PASSWORD)
    # Signed in, an agent lands on their own page.
    expect(agent).to_have_url(re.compile(r"/agents/E101/$"))
    expect(agent.get_by_role("heading", level=1)).to_contain_text("Ann Able")

    response = agent.goto(f"{live_server.url}/agents/E102/")
    assert response.status == 404
    expect(agent.get_by_text("Bob Baker")).to_have_count(0)
    # Nor the class board that lists them both.
    assert agent.goto(f"{live_server.url}/classes/{CLASS}/").status == 404
    assert agent.goto(f"{live_server.url}/agents/E101/").status == 200


def test_the_board_from_the_keyboard_tab_to_a_chip_enter_opens_its_form(
    scenario, live_server, sign_in
):
    tl = sign_in(TL_EMAIL, PASSWORD)
    tl.goto(f"{live_server.url}/classes/{CLASS}/")
    expect(tl.locator("details.edit[open]")).to_have_count(0)

    for _ in range(100):
        tl.keyboard.press("Tab")
        if tl.evaluate("document.activeElement.matches('summary.chip')"):
            break
    else:
        pytest.fail("no status chip is reachable with Tab")
    label = tl.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith("Producer World registration: Not started")

    tl.keyboard.press("Enter")
    opened = tl.locator("details.edit[open]")
    expect(opened).to_have_count(1)
    expect(opened.get_by_label("Status")).to_be_visible()
    expect(opened.get_by_role("button", name="Save")).to_be_visible()
    tl.keyboard.press("Tab")
    assert tl.evaluate("document.activeElement.name") == "status"


def test_two_people_changing_one_chip_the_second_sees_the_conflict(scenario, live_server, sign_in):
    """§17: pages loaded earlier never silently overwrite each other."""
    first = sign_in(TL_EMAIL, PASSWORD)
    second = sign_in(TL_EMAIL, PASSWORD)
    for page in (first, second):
        page.goto(f"{live_server.url}/classes/{CLASS}/")

    def change(page, status: str):
        chip(page, "E102", "Producer World registration").click()
        cell = page.locator("#row-E102 td.cell").filter(
            has=page.locator("summary.chip[aria-label^='Producer World registration:']")
        )
        cell.get_by_label("Status").select_option(status)
        with page.expect_response(re.compile(r"/agents/E102/tasks/producer_world/$")) as answer:
            cell.get_by_role("button", name="Save").click()
        return answer.value

    assert change(first, "in_progress").status == 200
    expect(chip(first, "E102", "Producer World registration")).to_have_text("In progress")

    assert change(second, "done").status == 409
    conflict = second.locator("#row-E102 .conflict")
    expect(conflict).to_contain_text("was changed to 'in progress' by Tl One")
    expect(conflict).to_contain_text("Nothing was saved")
    # The row now shows the current value, and nothing was overwritten.
    expect(chip(second, "E102", "Producer World registration")).to_have_text("In progress")
    first.reload()
    expect(chip(first, "E102", "Producer World registration")).to_have_text("In progress")
