"""Scoring certification calls (R-C3–R-C6), sending the workbook (R-C5) and versioning the
scorecard templates (R-C7).

`call_score` records the `call` fact through `fact_record` (a re-score appends a new fact,
which replaces the score, R-C4), the item scores and coaching, and an audit row; once every
call has a score it enqueues the workbook for the Cert Coordinator. `template_create` writes a
new version of a scorecard template (the admin's import, the shipped placeholder).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.lib import clock
from esp.mailing import selectors as mail_selectors
from esp.mailing.messages import make_message
from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import Attachment, enqueue, replace_pending
from esp.progress.services import call_record, fact_record
from esp.roster.models import Agent
from esp.rules.callcert import (
    ItemOutOfRange,
    Tally,
    call_cert_result,
    earned_points,
    given_points,
)
from esp.rules.callcert import tally as score_tally

from . import selectors
from .models import (
    CallScore,
    ItemScore,
    ScorecardItem,
    ScorecardSection,
    ScorecardTemplate,
    ScorecardUpload,
)
from .scorecard_sheets import (
    DEFAULT_NAME,
    TemplateData,
    check_template,
    default_data,
    parse_template_xlsx,
)
from .scorecard_uploads import ScorecardFileError, open_workbook, read_scores
from .workbooks import XLSX_TYPE, call_scores, scorecard_workbook

COACHED_SCORE = 100
COACHED = None  # the template of a coached call (call 1): none


def tally(template: ScorecardTemplate, item_points: dict) -> Tally:
    """R-C3 (esp.rules.callcert.tally) over the template's items; an item scored out of its
    range is a form error on that item."""
    try:
        return score_tally(template.items(), item_points)
    except ItemOutOfRange as error:
        raise ValidationError({error.key: str(error)}) from None


# -- scoring a call ------------------------------------------------------------------------------


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
    now: datetime | None = None,
) -> CallScore:
    """Record call `call_number`: call 1 is coached and scores 100 with no items; calls 2–5
    are scored item by item on `template` (the current one by default). `now` dates the
    workbook e-mail once every call is scored (the program's clock when not given)."""
    program = agent.training_class.program
    if not 1 <= call_number <= program.calls_per_agent:
        raise ValidationError({"call_number": f"calls are 1–{program.calls_per_agent}"})
    item_points = item_points or {}
    template, result = _scored_on(call_number, template, item_points)
    previous = selectors.latest_calls(agent).get(call_number)
    fact = fact_record(
        agent=agent,
        day=day,
        kind="call",
        item=str(call_number),
        value=str(result.score),
        note="coached" if template is COACHED else f"scorecard {template.name} v{template.version}",
        actor=actor,
    )
    scored = CallScore.objects.create(
        fact=fact,
        agent=agent,
        call_number=call_number,
        template=template,
        score=result.score,
        coached=template is COACHED,
        notes_well=notes_well.strip(),
        notes_down=notes_down.strip(),
        scored_by=actor,
    )
    if template is not COACHED:
        _item_scores_create(scored, template, item_points)
    _audit_call(actor, agent, call_number, previous, result, template)
    send_workbook_if_complete(agent, now=now or clock.now(program.time_zone))
    return scored


def _scored_on(call_number: int, template, item_points: dict) -> tuple:
    """(template, tally): call 1 is coached (no template, 100); the others are tallied on
    `template`, the current one by default."""
    if call_number == 1:
        return COACHED, Tally(Decimal(COACHED_SCORE), COACHED_SCORE, False)
    template = template or current_template()
    return template, tally(template, item_points)


def _item_scores_create(scored: CallScore, template, item_points: dict) -> None:
    rows = []
    for item in template.items():
        given = given_points(item_points, item)
        if item.auto_fail:
            rows.append(ItemScore(call_score=scored, item=item, failed=bool(given)))
        else:
            rows.append(ItemScore(call_score=scored, item=item, earned=earned_points(given)))
    ItemScore.objects.bulk_create(rows)


def _audit_call(actor, agent, call_number, previous, result: Tally, template) -> None:
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


def send_workbook_if_complete(agent: Agent, *, now: datetime) -> OutboxMessage | None:
    """R-C5: once every call has a score, the workbook to the Cert Coordinator, however the
    scores arrived (esp.progress.signals.calls_scored; issue 15 item 2). The key names the
    agent and the calls' facts, so the same calls are mailed once. The first workbook goes at
    once; after a re-score a corrected one is held ESP_RESCORE_WINDOW_MINUTES, and a re-score
    while it waits replaces it (one correction, not one per change)."""
    program = agent.training_class.program
    calls = selectors.latest_calls(agent)
    if any(n not in calls for n in range(1, program.calls_per_agent + 1)):
        return None
    prefix = f"callcert_workbook|{agent.employee_id}|"
    key = prefix + "-".join(str(calls[n].pk) for n in sorted(calls))
    earlier = mail_selectors.messages_keyed(prefix)
    if any(m.key == key for m in earlier):
        return None
    message = _workbook_message(agent, calls, corrected=bool(earlier))
    to = selectors.coordinator_addresses()
    waiting = earlier[-1] if len(earlier) > 1 else None  # a correction not yet sent
    if waiting and replace_pending(
        waiting, key=key, to=to, message=message, send_at=waiting.next_attempt_at
    ):
        return waiting
    send_at = now + timedelta(minutes=settings.ESP_RESCORE_WINDOW_MINUTES) if earlier else now
    return enqueue(
        key=key,
        report="callcert_workbook",
        list_key="cert_coordinator",
        to=to,
        message=message,
        now=send_at,
        business_day=now.date(),
    )


def _workbook_message(agent: Agent, calls: dict, *, corrected: bool):
    program = agent.training_class.program
    workbook = scorecard_workbook(agent)
    result = call_cert_result(
        call_scores(calls),
        calls_per_agent=program.calls_per_agent,
        pass_mark=program.call_pass_mark,
        program_pass_rate=program.program_pass_rate,
    )
    return make_message(
        "callcert-workbook",
        {
            "agent": agent,
            "result": result,
            "filename": workbook.filename,
            "corrected": corrected,
        },
        attachments=(Attachment(workbook.filename, workbook.content, XLSX_TYPE),),
    )


def on_calls_scored(sender, *, agents, now: datetime, **kwargs) -> None:
    """esp.progress.signals.calls_scored: each agent's workbook (R-C5)."""
    for agent in agents:
        send_workbook_if_complete(agent, now=now)


# -- scorecard templates (R-C7) ------------------------------------------------------------------


@transaction.atomic
def template_create(*, data: TemplateData, actor=None, actor_label: str = "") -> ScorecardTemplate:
    """A new version of the template named `data.name`, audited."""
    problems = check_template(data)
    if problems:
        raise ValidationError(problems)
    last = selectors.last_version(data.name)
    template = ScorecardTemplate.objects.create(
        name=data.name, placeholder=data.placeholder, version=(last.version + 1) if last else 1
    )
    sections: dict[str, ScorecardSection] = {}
    for order, row in enumerate(data.items, start=1):
        if row.section not in sections:
            sections[row.section] = ScorecardSection.objects.create(
                template=template, order=len(sections) + 1, title=row.section
            )
        ScorecardItem.objects.create(
            section=sections[row.section],
            order=order,
            text=row.text,
            points=row.points,
            auto_fail=row.auto_fail,
            definition=row.definition,
        )
    audit_record(
        actor=actor,
        actor_label=actor_label,
        action="scorecard_template_created",
        obj=template,
        changes={"name": data.name, "version": template.version, "items": len(data.items)},
    )
    return template


def load_default_scorecard(*, actor=None) -> ScorecardTemplate:
    """Ship the placeholder scorecard once (called by esp.programs.bootstrap.initialize)."""
    found = selectors.last_version(DEFAULT_NAME)
    return found or template_create(
        data=default_data(), actor=actor, actor_label="" if actor else "default scorecard"
    )


def current_template() -> ScorecardTemplate:
    """The template new calls are scored with: the most recently created (imported) one; the
    placeholder, shipped now, when there is none."""
    return selectors.latest_template() or load_default_scorecard()


def template_import_xlsx(content: bytes, *, actor=None) -> ScorecardTemplate:
    """The admin's import: every problem of the sheet reported, else a new version."""
    return template_create(data=parse_template_xlsx(content), actor=actor)


# -- the certifier's own scorecard, uploaded by the coordinator (seed 004 item 7) ---------------


@transaction.atomic
def scorecard_upload(
    *,
    agent: Agent,
    name: str,
    content: bytes,
    entered: dict[int, int | None] | None = None,
    actor,
    day: date,
    now: datetime,
) -> ScorecardUpload:
    """Keep the certifier's .xlsx scorecard as the agent's, and record its calls: the scores
    are read from the sheet when it has the template's layout (scorecard_uploads), else taken
    from `entered` (call number → score). A call whose score is already the same is left as
    it is. Any problem raises ScorecardFileError naming what and where: nothing is saved."""
    require_write(actor, "call", None, agent)
    calls = agent.training_class.program.calls_per_agent
    limit = settings.ESP_SCORECARD_MAX_BYTES
    if len(content) > limit:
        raise ScorecardFileError([f"{name}: {len(content):,} bytes; at most {limit:,}."])
    template = current_template()
    found = read_scores(open_workbook(name, content), list(template.items()), calls)
    if found is not None and found.problems:
        raise ScorecardFileError(found.problems)
    if found is not None:
        scores = {1: COACHED_SCORE}
        scores |= {n: tally(template, points).score for n, points in found.item_points.items()}
        _check_entered_agrees(entered or {}, scores, found.sheet)
    else:
        scores = _entered_scores(entered or {}, calls, name)
    upload = ScorecardUpload.objects.create(
        agent=agent,
        original_name=name[:255],
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        scores=[scores[n] for n in range(1, calls + 1)],
        scores_from=ScorecardUpload.FROM_SHEET if found else ScorecardUpload.ENTERED,
        uploaded_by=actor,
        uploaded_at=now,
    )
    _record_uploaded_calls(agent, upload, scores, found, template, actor, day, now)
    return upload


def _check_entered_agrees(entered: dict, scores: dict, sheet: str) -> None:
    wrong = [
        f"call {n}: the sheet '{sheet}' says {scores[n]}, the form says {value}"
        for n, value in sorted(entered.items())
        if value is not None and n in scores and value != scores[n]
    ]
    if wrong:
        raise ScorecardFileError(
            [*wrong, "Leave the scores empty to take the sheet's, or correct the sheet."]
        )


def _entered_scores(entered: dict, calls: int, name: str) -> dict[int, int]:
    """The scores entered beside a file of another layout: call 1 is 100, 2..N are 0–100."""
    entered = {1: COACHED_SCORE, **{n: v for n, v in entered.items() if v is not None}}
    missing = [n for n in range(2, calls + 1) if n not in entered]
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise ScorecardFileError(
            [
                f"{name}: no sheet has the layout of the program's scorecard (a header row "
                "Section, Item, Points, Auto-fail, Call 1 … Call 5 over the scorecard's items), "
                f"so its scores cannot be read. Enter the score of call {listed} beside the file."
            ]
        )
    wrong = [
        f"call {n}: {v} is not a score from 0 to 100"
        for n, v in entered.items()
        if not 0 <= v <= 100
    ]
    if entered[1] != COACHED_SCORE:
        wrong.append("call 1: it is coached and scores 100")
    if wrong:
        raise ScorecardFileError(wrong)
    return {n: entered[n] for n in range(1, calls + 1)}


def _record_uploaded_calls(agent, upload, scores, found, template, actor, day, now) -> None:
    latest = selectors.latest_calls(agent)
    recorded = []
    for number, score in sorted(scores.items()):
        if number in latest and latest[number].value == str(score):
            continue
        recorded.append(number)
        if found is not None:
            call_score(
                agent=agent,
                call_number=number,
                item_points=found.item_points.get(number),
                actor=actor,
                day=day,
                template=None if number == 1 else template,
                now=now,
            )
        else:
            call_record(
                agent=agent,
                call=number,
                score=score,
                day=day,
                actor=actor,
                notes=f"Entered from the certifier's scorecard {upload.original_name}",
                source="scorecard_upload",
            )
    audit_record(
        actor=actor,
        action="scorecard_uploaded",
        obj=agent,
        changes={
            "file": upload.original_name,
            "scores": upload.scores,
            "from": upload.scores_from,
            "calls_recorded": recorded,
        },
    )
    if recorded:
        send_workbook_if_complete(agent, now=now)
