"""`esp demo` (issue 17 items 4, 11, 12): a fresh demo shows every feature on the first click,
its times follow its "now", its self-reports agree with the tracker, its staff have people's
names and its banner a sign-in for every role."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from esp.breakouts.models import HelpRequest
from esp.callqueue.models import CertifierAvailability, Mentor, ShadowingPairing
from esp.certification.models import ItemScore
from esp.classrooms.models import Classroom, Invitation
from esp.classrooms.services.invitations import REPORT as INVITATION
from esp.demo.load import demo_banner, load_demo
from esp.mailing.models import OutboxMessage
from esp.programs.calendars import calendar_for
from esp.programs.models import Program, TbtCourse
from esp.progress.models import Fact, Proof
from esp.web.sections import lists, sources
from esp.web.sections.basis import basis

CHICAGO = ZoneInfo("America/Chicago")
EARLY = datetime(2026, 12, 2, 6, 10, tzinfo=CHICAGO)  # a Wednesday, before the rooms open
BASE = "http://127.0.0.1:8765"


@pytest.fixture
def demo(db, settings, tmp_path):
    """The demo loaded at 6:10 AM (its mail's links on port 8765); the banner it prints."""
    settings.ESP_BASE_URL = BASE
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    with time_machine.travel(EARLY, tick=False):
        load_demo(login=("manager@esp.example", "demo-manager"))
        yield demo_banner(settings.ESP_BASE_URL, "demo-manager")


@pytest.fixture
def today(demo):
    return Program.objects.get()


def test_the_first_click_shows_every_feature(today):
    """Issue 17 item 12, each feature the demo season must show."""
    program = today
    as_of = EARLY.date()
    calendar = calendar_for(program)
    manager = get_user_model().objects.get(email="manager@esp.example")
    base = basis(manager, program, as_of, EARLY)
    # TBT courses with proofs waiting for review
    assert TbtCourse.objects.count() >= 5
    assert Proof.objects.filter(item__startswith="tbt:", status=Proof.SUBMITTED).count() >= 3
    # item-level scorecards and certifier availability today
    assert ItemScore.objects.exists()
    assert CertifierAvailability.objects.filter(date=as_of, available=True).count() >= 2
    # mentors and a shadowing day
    assert Mentor.objects.filter(active=True).exists()
    assert ShadowingPairing.objects.filter(paired_on=as_of, ended_on__isnull=True).exists()
    # an open red flag, agents transferred since the previous business day
    transfers = lists.transfers(base)
    assert transfers.flags.total >= 1
    assert transfers.transfers.total >= 1
    since = calendar.previous_business_day(as_of)
    assert Fact.objects.filter(kind="task", item="transfer", value="done", date__gte=since)
    # a class with 5+ agents needing an extension (class spin-up) and one with 2 (R-E1, R-E2)
    needing = sorted(len(c["employee_ids"]) for c in sources.extensions(base))
    assert needing[-1] >= 5 and 2 in needing, needing
    # a proctored last attempt to arrange (R-N4a)
    assert lists.proctored(base).proctored.total >= 1


def test_the_demo_times_follow_its_now(today):
    """No visit before the rooms open or after now, no invites "sent 10:00 AM" at 6:10 AM, no
    invitation mailed today for a classroom already over."""
    for asked, taken, done in HelpRequest.objects.values_list("asked_at", "taken_at", "closed_at"):
        for moment in (m for m in (asked, taken, done) if m):
            local = moment.astimezone(CHICAGO)
            assert local <= EARLY and time(8) <= local.time() <= time(18), local
    assert not Classroom.objects.filter(invites_sent_at__gt=EARLY)
    for moment in Proof.objects.values_list("submitted_at", flat=True):
        assert moment <= EARLY and time(8) <= moment.astimezone(CHICAGO).time() <= time(18)
    over = Invitation.objects.filter(classroom__last_day__lt=EARLY.date()).values_list(
        "uid", flat=True
    )
    pending = OutboxMessage.objects.filter(report=INVITATION, status=OutboxMessage.PENDING)
    assert not [m.key for m in pending if m.key.split("|")[1] in set(over)]


def test_the_self_reports_agree_with_the_tracker(today):
    """A self-report says what the agent's own facts say on its day."""
    claims = {
        "Finished my certification calls.": ("call", None),
        "All TBTs done; waiting for a certifier.": ("task", "tbt"),
        "Passed the AHIP final; working on the Aetna certification modules.": ("task", "ahip"),
    }
    checked = 0
    for report in Fact.objects.filter(kind="self_report", note__in=claims):
        kind, item = claims[report.note]
        facts = Fact.objects.filter(agent=report.agent, kind=kind, date__lte=report.date)
        facts = facts.filter(item=item, value="done") if item else facts
        assert facts.exists(), (report.agent.employee_id, report.date, report.note)
        checked += 1
    assert checked


def test_the_mail_links_open_the_demo_on_its_port(today):
    """Issue 17 item 11: `esp demo --port P` puts P into every link it mails."""
    texts = OutboxMessage.objects.values_list("text", flat=True)
    links = [w for text in texts for w in text.split() if w.startswith("http://127.0.0.1")]
    assert links and all(link.startswith(BASE) for link in links)
    assert not [t for t in texts if "localhost" in t or "127.0.0.1:8000" in t]


def test_the_banner_signs_in_every_role_by_name(demo, today):
    """Issue 17 item 11: a sign-in for every role, each TL and PM by name, and how to open an
    agent's page (their personal link); staff have people's names."""
    banner = demo
    assert f"{BASE}/sign-in/" in banner and "demo-manager" in banner
    for role in ("ESP Manager", "Cert Coordinator", "Certifier", "TBT SME", "Licensing", "WFM"):
        assert f"  {role} " in banner, role
    from esp.roster.models import TrainingClass

    for training_class in TrainingClass.objects.prefetch_related("tls", "pms"):
        for user in [*training_class.tls.all(), *training_class.pms.all()]:
            assert f"{user.get_full_name()}" in banner and user.email in banner
    assert f"{BASE}/r/" in banner and f"{BASE}/agents/E" in banner
    names = get_user_model().objects.filter(is_active=True).values_list("first_name", flat=True)
    assert not [n for n in names if any(c.isdigit() for c in n) or n in ("Tbt", "Demo")]


def test_notes_name_their_authors_on_the_demo(today, client):
    """Issue 17 item 4 on the demo: the agent page's notes print `MM/DD/YYYY - Name - Note`,
    never an e-mail address, and no call remark."""
    client.force_login(get_user_model().objects.get(email="manager@esp.example"))
    note = Fact.objects.filter(kind="note").exclude(note="").order_by("-date").first()
    page = client.get(f"/agents/{note.agent.employee_id}/").content.decode()
    timeline = page[page.index('id="notes"') :]
    timeline = timeline[: timeline.index("</ul>")]
    assert f"{note.date:%m/%d/%Y} - " in timeline and "@" not in timeline
