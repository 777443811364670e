"""Immediate notifications (R-N3, R-N4a, R-N4b), through the outbox.

After facts are recorded (a form, an import), `notify_after_facts` looks at the agents
concerned and enqueues, under keys that make each notification happen once:

- ESP complete → the agent's PM (R-P2, R-N3);
- call certification failed → the PM and the ESP Managers list (R-C4, R-N3); when a re-score
  makes it a pass, that notice is withdrawn if it has not gone, else corrected (issue 15
  item 2);
- every call scored → `signals.calls_scored`, whatever recorded the calls (esp.certification
  mails the scorecard workbook, R-C5);
- red flag raised → the ESP Managers and ops-management lists and the PM (R-N4b);
- failed exam → the TL, the PM and the licensing list (R-N4a).

Only news is notified: facts dated from the previous business day to today. Older,
back-dated history (a migration, a catch-up import) changes reports, not inboxes.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from esp.lib import clock
from esp.mailing import selectors as mail_selectors
from esp.mailing.messages import make_message
from esp.mailing.models import OutboxMessage
from esp.mailing.services.outbox import enqueue, withdraw
from esp.programs.calendars import calendar_for
from esp.roster.models import Agent
from esp.rules.progress import AgentProgress

from . import selectors
from .models import Fact
from .selectors import agent_records
from .signals import calls_scored

FLAG_LABELS = {
    "background_check": "background-check finding",
    "needs_release": "needs a release",
    "no_health_license": "no health licence",
    "cannot_sell": "cannot sell for this carrier this year",
    "other": "other",
}
EXAM_LABELS = {"ahip": "the AHIP final exam", "carrier_cert": "the carrier certification exam"}
NEXT_AFTER_FAIL = {
    1: "a documented coaching is due the next business day.",
    2: "a written CAP is due the next business day, and licensing arranges a proctored "
    "third attempt.",
    3: "a final CAP is due the next business day; the agent cannot sell for this carrier this "
    "year (red flag), and the PM is asked for a termination review.",
}


_list = selectors.list_addresses


def _pms(agent: Agent) -> list[str]:
    return [agent.pm.email] if agent.pm_id else selectors.class_pm_emails(agent)


def _tls(agent: Agent) -> list[str]:
    return [agent.tl.email] if agent.tl_id else selectors.class_tl_emails(agent)


def notify_after_facts(agent_ids, *, now: datetime) -> int:
    """Enqueue the notifications that recent facts of these agents call for; returns how many.

    "Today" is `now` in each program's time zone.
    """
    agents = selectors.agents_to_notify(agent_ids)
    count = 0
    by_program: dict[int, list[Agent]] = {}
    for agent in agents.values():
        by_program.setdefault(agent.training_class.program_id, []).append(agent)
    for program_agents in by_program.values():
        program = program_agents[0].training_class.program
        today = now.astimezone(ZoneInfo(program.time_zone)).date()
        calendar = calendar_for(program)
        since = calendar.previous_business_day(today)
        policy = program.policy()
        ids = [a.pk for a in program_agents]
        records = {
            r.employee_id: r
            for r in agent_records(
                program, today, agent_ids=ids, transfer_task=policy.transfer_task
            )
        }
        recent = selectors.recent_flags_and_exams(ids, since, today)
        scored: list[Agent] = []
        for fact in recent:
            agent = agents[fact.agent_id]
            progress = AgentProgress(records[agent.employee_id], policy)
            if not progress.is_active(today):
                continue
            class_code = progress.class_dates(today).code
            if fact.kind == "flag" and fact.item == "raised":
                count += bool(_red_flag(agent, fact, class_code, now))
            elif fact.kind == "exam" and fact.value == "failed":
                count += bool(_exam_failed(agent, fact, class_code, program, now))
        for agent in program_agents:
            progress = AgentProgress(records[agent.employee_id], policy)
            if not progress.is_active(today):
                continue
            class_code = progress.class_dates(today).code
            complete_since = progress.esp_complete_since(today)
            if complete_since and complete_since >= since:
                count += bool(_esp_complete(agent, complete_since, class_code, now))
            news = _call_cert_news(agent, progress, today, since, class_code, now)
            if news is not None:
                scored.append(agent)
                count += news
        if scored:
            calls_scored.send(sender=Agent, agents=scored, now=now)
    return count


def _call_cert_news(agent, progress, today, since, class_code, now) -> int | None:
    """R-C4 when every call is scored and the latest score is news: a fail is notified; a pass
    withdraws a failure notice still waiting, or corrects one already sent (issue 15 item 2).
    None when not every call is scored or the latest is not news; else how many messages were
    enqueued (the workbook is then mailed by esp.certification)."""
    result = progress.call_cert(today)
    calls = [f for f in progress.facts("call") if f.date <= today]
    if result.pass_rate is None or not calls or calls[-1].date < since:
        return None
    scores = sorted(progress.calls(today).items())
    if result.result == "failed":
        return bool(_callcert_failed(agent, result, scores, calls[-1].date, class_code, now))
    return bool(_callcert_passed_after_all(agent, result, scores, class_code, now))


def _send(key, report, to, message, now, day):
    return enqueue(
        key=key,
        report=report,
        list_key="notification",
        to=to,
        message=message,
        now=now,
        business_day=day,
    )


def _esp_complete(agent, since, class_code, now):
    message = make_message(
        "esp-complete", {"agent": agent, "since": since, "class_code": class_code}
    )
    return _send(
        f"notify|esp_complete|{agent.employee_id}|{since}",
        "esp_complete",
        _pms(agent),
        message,
        now,
        since,
    )


FAILED_PREFIX = "notify|callcert_failed|{}|"
PASSED_PREFIX = "notify|callcert_passed|{}|"
NEVER_DELIVERED = (OutboxMessage.PENDING, OutboxMessage.FAILED)


def _callcert_failed(agent, result, scores, day, class_code, now):
    """Once per day of the last call; again the same day only after a re-score had made the
    earlier notice untrue (withdrawn or corrected) and another made it a fail again."""
    message = make_message(
        "callcert-failed",
        {"agent": agent, "result": result, "scores": scores, "class_code": class_code},
    )
    key = f"{FAILED_PREFIX.format(agent.employee_id)}{day}"
    same_day = mail_selectors.messages_keyed(key)
    if same_day and _superseded(agent, same_day[-1]):
        key = f"{key}|{len(same_day) + 1}"
    return _send(key, "callcert_failed", _pms(agent) + _list("esp_managers"), message, now, day)


def _superseded(agent, notice: OutboxMessage) -> bool:
    corrected = f"{PASSED_PREFIX.format(agent.employee_id)}{notice.pk}"
    return notice.status == OutboxMessage.WITHDRAWN or bool(
        mail_selectors.messages_keyed(corrected)
    )


def _callcert_passed_after_all(agent, result, scores, class_code, now):
    """A re-score made a failed certification a pass: the latest failure notice is withdrawn
    if it never went out, else followed by a correction to the same people (once)."""
    notices = mail_selectors.messages_keyed(FAILED_PREFIX.format(agent.employee_id))
    live = [n for n in notices if n.status != OutboxMessage.WITHDRAWN]
    if not live or _superseded(agent, live[-1]):
        return None
    notice = live[-1]
    if notice.status in NEVER_DELIVERED and withdraw(
        notice, reason="A re-score made the call certification a pass."
    ):
        return None
    if notice.status in (OutboxMessage.NO_RECIPIENTS, OutboxMessage.EMPTY):
        return None
    message = make_message(
        "callcert-passed",
        {"agent": agent, "result": result, "scores": scores, "class_code": class_code},
    )
    return _send(
        f"{PASSED_PREFIX.format(agent.employee_id)}{notice.pk}",
        "callcert_passed",
        _pms(agent) + _list("esp_managers"),
        message,
        now,
        now.date(),
    )


def _red_flag(agent, fact, class_code, now):
    message = make_message(
        "red-flag",
        {
            "agent": agent,
            "fact": fact,
            "class_code": class_code,
            "flag_label": FLAG_LABELS.get(fact.value, fact.value),
        },
    )
    to = _list("esp_managers") + _list("ops_management") + _pms(agent)
    return _send(f"notify|red_flag|{fact.pk}", "red_flag", to, message, now, fact.date)


def _exam_failed(agent, fact, class_code, program, now):
    attempt = selectors.failed_attempt_number(fact)
    exam = fact.item
    label = EXAM_LABELS.get(exam) or f"the TBT final exam {exam.removeprefix('tbt:')}"
    message = make_message(
        "exam-failed",
        {
            "agent": agent,
            "fact": fact,
            "class_code": class_code,
            "exam_label": label,
            "attempt": attempt,
            "attempts": program.exam_attempts,
            "next_step": NEXT_AFTER_FAIL.get(min(attempt, 3)),
        },
    )
    to = _tls(agent) + _pms(agent) + _list("licensing")
    sent = _send(f"notify|exam_failed|{fact.pk}", "exam_failed", to, message, now, fact.date)
    if attempt >= program.exam_attempts:
        # R-N4a: the last allowed fail is a red flag, "cannot sell for this carrier this year",
        # reported like any red flag (R-N4b).
        flag = make_message(
            "red-flag",
            {
                "agent": agent,
                "fact": fact,
                "class_code": class_code,
                "flag_label": f"{FLAG_LABELS['cannot_sell']} ({attempt} failed {label})",
            },
        )
        _send(
            f"notify|red_flag|exam:{fact.pk}",
            "red_flag",
            _list("esp_managers") + _list("ops_management") + _pms(agent),
            flag,
            now,
            fact.date,
        )
    return sent


def notify_termination_review(fact: Fact, *, now: datetime | None = None):
    """R-L5: a delivered termination review is a recommendation to the agent's PM, mailed at
    once (once per delivery); the PM decides it on their Today page or the agent's page."""
    agent = selectors.agents_to_notify([fact.agent_id])[fact.agent_id]
    moved = selectors.class_moved_to(agent, fact.date)
    link = settings.ESP_BASE_URL.rstrip("/") + reverse("progress:agent", args=[agent.employee_id])
    message = make_message(
        "termination-review",
        {
            "agent": agent,
            "fact": fact,
            "class_code": moved or agent.training_class.code,
            "link": link + "#ladders",
        },
    )
    return _send(
        f"notify|termination_review|{fact.pk}",
        "termination_review",
        _pms(agent),
        message,
        now or clock.now(agent.training_class.program.time_zone),
        fact.date,
    )
