"""The demo's features recorded through their services after the season is imported (issue 17
item 12): TBT courses with proofs waiting for review, calls scored item by item on the
scorecard, mentors with a shadowing day, and the mail of past days marked as sent then."""

from __future__ import annotations

import csv
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from django.db.models import Exists, F, OuterRef
from fpdf import FPDF

from esp.callqueue.models import Mentor
from esp.callqueue.services import connection_close, connection_open, mentor_mark, shadowing_pair
from esp.certification.services import call_score, current_template
from esp.demo.breakouts import in_esp_phase
from esp.mailing.models import OutboxMessage
from esp.operations.selectors import extension_board
from esp.progress.models import Fact, Proof
from esp.progress.services import projection
from esp.progress.services.tracking import tbt_proof_submit
from esp.roster.models import Agent
from esp.tbt.models import TbtAccess
from esp.tbt.services import import_courses

TBT_COURSES = (
    ("101", "Medicare basics"),
    ("102", "Aetna plans and benefits"),
    ("103", "Compliance and consent"),
    ("104", "Enrollment walkthrough"),
    ("105", "Handling objections"),
    ("106", "Dialer and CRM systems"),
)
SHADOWING_ROOM = "Shadowing room 1"


def _task_done(task: str):
    return Fact.objects.filter(agent=OuterRef("pk"), kind="task", item=task, value="done")


def _certificate(agent: Agent, number: str, name: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=14)
    document.cell(text=f"TBT {number} {name} - completed by {agent.name}")
    return bytes(document.output())


def demo_tbt(program, as_of: date, now: datetime) -> int:
    """R-B1, R-B2: the program's TBT courses, and three agents in ESP with TBT access (their
    proofs come after it: esp/demo/tbt_day.py runs first) whose TL uploaded their course
    certificates (2, 3 and 4 of them) a while before `now`, waiting for review.
    Returns the proofs."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "courses.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([("number", "name"), *TBT_COURSES])
        import_courses(path, program=program)
    agents = (
        in_esp_phase(program, as_of)
        .exclude(Exists(_task_done("tbt")))
        .filter(Exists(TbtAccess.objects.filter(agent=OuterRef("pk"))))
        .select_related("tl")
        .order_by("-training_class__start_date", "employee_id")
    )
    submitted = 0
    for count, agent in enumerate(list(agents[:3]), start=2):
        for number, name in TBT_COURSES[:count]:
            proof = tbt_proof_submit(
                agent=agent,
                course=number,
                name=f"TBT {number} certificate.pdf",
                data=_certificate(agent, number, name),
                actor=agent.tl,
            )
            submitted += 1
            at = now - timedelta(minutes=7 * submitted + 3)
            Proof.objects.filter(pk=proof.pk).update(submitted_at=at)  # not the real clock
    return submitted


def demo_scorecards(program, as_of: date, now: datetime, certifier) -> int:
    """R-C3: the agents of the class spin-up (they need an extension) get their calls scored
    on the day of `now` (the demo's working moment), item by item on the scorecard: call 1 coached, call 2 with a few points missed.
    Returns the calls scored."""
    report = projection.read_report("extensions", program=program, as_of=as_of, now=now)
    board = extension_board(program, as_of, report)["classes"]
    if not board:
        return 0
    agents = max(board, key=lambda c: len(c["agents"]))["agents"][:3]
    items = [i for i in current_template().items() if not i.auto_fail]
    scored = 0
    for k, agent in enumerate(agents):
        connection = connection_open(certifier=certifier, agent=agent, now=now, actor=certifier)
        points = {item.pk: item.points for item in items}
        for item in items[k : k + 2]:  # each agent misses a different couple of points
            points[item.pk] = max(0, item.points - 2)
        call_score(agent=agent, call_number=1, actor=certifier, day=now.date(), now=now)
        call_score(
            agent=agent,
            call_number=2,
            item_points=points,
            notes_well="Warm greeting; verified the caller's identity before any plan detail.",
            notes_down="Rushed the Scope of Appointment; slow down and confirm consent.",
            actor=certifier,
            day=now.date(),
            now=now,
        )
        connection_close(connection=connection, now=now, actor=certifier)
        scored += 2
    return scored


def demo_mentors(program, as_of: date) -> int:
    """R-C1: agents transferred to production mentor (two agents each), enough of them for
    the agents in ESP without their shadowing done (at least two); two of those agents are
    paired today. Returns the pairings."""
    if Mentor.objects.exists():
        return 0
    waiting = list(
        in_esp_phase(program, as_of)
        .exclude(Exists(_task_done("readiness_shadowing")))
        .order_by("employee_id")
    )
    mentors = [
        mentor_mark(actor=None, capacity=2, agent=agent)
        for agent in Agent.objects.filter(Exists(_task_done("transfer"))).order_by(
            "-training_class__start_date", "employee_id"
        )[: max(2, -(-len(waiting) // 2))]
    ]
    shadows = waiting[:2]
    for mentor, agent in zip(mentors, shadows, strict=False):
        shadowing_pair(mentor=mentor, agent=agent, room=SHADOWING_ROOM, day=as_of, actor=None)
    return len(shadows)


def mark_past_mail_sent(before: datetime) -> int:
    """Mail the demo's history queued for a moment up to `before` (classroom invitations of
    past days) went out then: the worker does not mail it again today."""
    return OutboxMessage.objects.filter(
        status=OutboxMessage.PENDING, next_attempt_at__lte=before
    ).update(status=OutboxMessage.SENT, sent_at=F("next_attempt_at"))


def demo_connection(program, as_of: date, now: datetime, certifier) -> int:
    """R-C2 during the working day: `certifier` connected 50 minutes before `now` with an
    agent in ESP who is ready (shadowing done, equipment verified) and has no call scored,
    call 1 scored since, so the certifier's Today shows the agent and the clock. None before
    the day has begun (`now` is then the previous business day's end). Returns the agents."""
    if now.date() != as_of:
        return 0
    ready = (
        in_esp_phase(program, as_of)
        .filter(Exists(_task_done("readiness_shadowing")))
        .filter(
            Exists(Fact.objects.filter(agent=OuterRef("pk"), kind="equipment", item="verified"))
        )
        .exclude(Exists(Fact.objects.filter(agent=OuterRef("pk"), kind="call")))
        .order_by("employee_id")
        .first()
    )
    if ready is None:
        return 0
    connection_open(
        certifier=certifier, agent=ready, now=now - timedelta(minutes=50), actor=certifier
    )
    call_score(
        agent=ready, call_number=1, actor=certifier, day=as_of, now=now - timedelta(minutes=20)
    )
    return 1
