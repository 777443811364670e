"""Scoring certification calls (R-C3–R-C6) and sending the workbook (R-C5).

`call_score` is the one write: it records the `call` fact through `fact_record` (a re-score
appends a new fact, which replaces the score, R-C4), the item scores and coaching, and an
audit row; once every call has a score it enqueues the workbook for the Cert Coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from esp.audit.services import audit_record
from esp.lib import clock
from esp.mailing.messages import make_message
from esp.mailing.models import DistributionList, OutboxMessage
from esp.mailing.outbox import Attachment, enqueue
from esp.progress.models import Fact
from esp.progress.services import fact_record
from esp.roster.models import Agent
from esp.roster.staff import CERT_COORDINATOR
from esp.rules.callcert import call_cert_result, round_score

from .models import CallScore, ItemScore, ScorecardTemplate
from .scorecards import current_template
from .workbooks import XLSX_TYPE, scorecard_workbook

COACHED_SCORE = 100


@dataclass(frozen=True)
class Tally:
    """The running total of a call being scored (R-C3)."""

    points: Decimal
    score: int
    auto_failed: bool


def tally(template: ScorecardTemplate, item_points: dict) -> Tally:
    """Sum the earned points (each capped at the item's weight), rounded half up; any missed
    auto-fail item makes the score 0. `item_points` maps item id → points earned, or, for an
    auto-fail item, whether it was missed (truthy = failed)."""
    points = Decimal(0)
    failed = False
    for item in template.items():
        given = item_points.get(item.pk, item_points.get(str(item.pk)))
        if item.auto_fail:
            failed = failed or bool(given)
            continue
        earned = Decimal(str(given if given not in (None, "") else 0))
        if earned < 0 or earned > item.points:
            raise ValidationError({str(item.pk): f"'{item.text}' scores 0–{item.points}"})
        points += earned
    return Tally(points, 0 if failed else round_score(points), failed)


def latest_calls(agent: Agent) -> dict[int, Fact]:
    """The latest `call` fact of each call number (a re-score replaces, R-C4)."""
    latest: dict[int, Fact] = {}
    for fact in Fact.objects.filter(agent=agent, kind="call").order_by("date", "pk"):
        if fact.item.isdigit():
            latest[int(fact.item)] = fact
    return latest


@transaction.atomic
def call_score(
    *,
    agent: Agent,
    call_number: int,
    item_points: dict | None = None,
    notes_well: str = "",
    notes_down: str = "",
    actor=None,
    day: date,
    template: ScorecardTemplate | None = None,
) -> CallScore:
    """Record call `call_number`: call 1 is coached and scores 100 with no items; calls 2–5
    are scored item by item on `template` (the current one by default)."""
    program = agent.training_class.program
    if not 1 <= call_number <= program.calls_per_agent:
        raise ValidationError({"call_number": f"calls are 1–{program.calls_per_agent}"})
    coached = call_number == 1
    if coached:
        template, result = None, Tally(Decimal(COACHED_SCORE), COACHED_SCORE, False)
    else:
        template = template or current_template()
        result = tally(template, item_points or {})
    previous = latest_calls(agent).get(call_number)
    fact = fact_record(
        agent=agent,
        day=day,
        kind="call",
        item=str(call_number),
        value=str(result.score),
        note="coached" if coached else f"scorecard {template.name} v{template.version}",
        actor=actor,
    )
    scored = CallScore.objects.create(
        fact=fact,
        agent=agent,
        call_number=call_number,
        template=template,
        score=result.score,
        coached=coached,
        notes_well=notes_well.strip(),
        notes_down=notes_down.strip(),
        scored_by=actor,
    )
    if template is not None:
        rows = []
        for item in template.items():
            given = (item_points or {}).get(item.pk, (item_points or {}).get(str(item.pk)))
            if item.auto_fail:
                rows.append(ItemScore(call_score=scored, item=item, failed=bool(given)))
            else:
                earned = Decimal(str(given if given not in (None, "") else 0))
                rows.append(ItemScore(call_score=scored, item=item, earned=earned))
        ItemScore.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        action="call_rescored" if previous else "call_scored",
        obj=agent,
        changes={
            "call": call_number,
            "score": [previous.value if previous else None, result.score],
            "template": str(template) if template else "coached",
        },
    )
    send_workbook_if_complete(agent)
    return scored


def coordinator_addresses() -> list[str]:
    """The Cert Coordinators' e-mails; the ESP Managers list when there is none."""
    users = (
        get_user_model()
        .objects.filter(groups__name=CERT_COORDINATOR, is_active=True)
        .exclude(email="")
    )
    found = sorted(set(users.values_list("email", flat=True)))
    if found:
        return found
    managers = DistributionList.objects.filter(key="esp_managers").first()
    return managers.addresses if managers else []


def send_workbook_if_complete(agent: Agent) -> OutboxMessage | None:
    """R-C5: once every call has a score, enqueue the workbook to the Cert Coordinator at
    once. The key names the agent and the calls' facts, so a re-score sends a new one."""
    program = agent.training_class.program
    calls = latest_calls(agent)
    if any(n not in calls for n in range(1, program.calls_per_agent + 1)):
        return None
    workbook = scorecard_workbook(agent)
    version = "-".join(str(calls[n].pk) for n in sorted(calls))
    scores = {n: int(f.value) for n, f in calls.items() if f.value.isdigit()}
    result = call_cert_result(
        scores,
        calls_per_agent=program.calls_per_agent,
        pass_mark=program.call_pass_mark,
        program_pass_rate=program.program_pass_rate,
    )
    message = make_message(
        "callcert-workbook",
        {"agent": agent, "result": result, "filename": workbook.filename},
        attachments=(Attachment(workbook.filename, workbook.content, XLSX_TYPE),),
    )
    now = clock.now(program.time_zone)
    return enqueue(
        key=f"callcert_workbook|{agent.employee_id}|{version}",
        report="callcert_workbook",
        list_key="cert_coordinator",
        to=coordinator_addresses(),
        message=message,
        now=now,
        business_day=now.date(),
    )
