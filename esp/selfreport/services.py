"""Agent self-reports (SPEC R-N1, R-N5): personal links, their e-mails, the reports themselves.

- `link_issue` makes a new link for an agent (revoking their earlier ones) and returns its URL;
  `link_revoke` / `links_revoke` end links at once.
- `links_send` (re)issues each agent's link and e-mails it, through the outbox, to their work
  and personal addresses.
- `report_submit` turns the form into a `self_report` fact (a note with its source): one per
  day in the program's time zone; a second one the same day is refused (`AlreadyReported`).
- A link ends with the agent's time in the program (issue 12 item 8): once their employment
  ended (termed, resigned, withdrawn) or their transfer task is done, `link_ended` is true,
  the form is not shown and no new link is issued (`LinkEnded`).
- The reads (a link by its token, the active link, `link_ended`, `not_reported`) are in
  selectors.py.

Links are random 256-bit tokens; only their SHA-256 is stored.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from esp.access.writes import require_write
from esp.audit.services import audit_record
from esp.lib import clock
from esp.mailing.messages import make_message
from esp.mailing.services.outbox import enqueue
from esp.progress.models import Fact
from esp.progress.services import note_add
from esp.roster.models import Agent

from .models import SelfReportLink
from .selectors import (  # noqa: F401 - active_link: temporary, for selfreport_tags
    MAX_TOKEN_LENGTH,
    active_at,
    active_link,
    link_ended,
    report_of_day,
    token_hash,
)

DEFAULT_DAYS = 14
MAX_ANSWER_LENGTH = 2000
REPORT = "self_report_link"  # the outbox's report name for the link e-mails


def link_days() -> int:
    """How long a new link works: settings.ESP_SELF_REPORT_LINK_DAYS, or the environment's
    ESP_SELF_REPORT_LINK_DAYS, else 14 days."""
    days = getattr(settings, "ESP_SELF_REPORT_LINK_DAYS", None)
    if days is None:
        days = os.environ.get("ESP_SELF_REPORT_LINK_DAYS") or DEFAULT_DAYS
    return int(days)


class LinkEnded(Exception):
    """The agent left the program (employment ended) or was transferred: no self-reports."""

    def __init__(self, agent: Agent):
        self.agent = agent
        super().__init__(
            f"{agent.name} ({agent.employee_id}) has left the program or was transferred to "
            "production: self-report links no longer work for them."
        )


class AlreadyReported(Exception):
    """The agent already sent their self-report of that day."""

    def __init__(self, fact: Fact):
        self.fact = fact
        super().__init__(
            f"You already sent your report for {fact.date:%m/%d/%Y}. One report a day is "
            "recorded; you can send the next one tomorrow."
        )


def link_url(token: str) -> str:
    path = reverse("selfreport:form", kwargs={"token": token})
    return f"{settings.ESP_BASE_URL.rstrip('/')}{path}"


def _time_zone(agent: Agent) -> str:
    return agent.training_class.program.time_zone


@transaction.atomic
def _issue(
    agent: Agent, *, actor, days: int | None = None, now: datetime | None = None
) -> tuple[SelfReportLink, str]:
    """A new link for `agent` (earlier active links revoked) and its URL."""
    now = now or clock.now(_time_zone(agent))
    days = link_days() if days is None else int(days)
    if days < 1:
        raise ValueError("a self-report link works for at least one day")
    if link_ended(agent, day=now.astimezone(ZoneInfo(_time_zone(agent))).date()):
        raise LinkEnded(agent)
    Agent.objects.select_for_update().filter(pk=agent.pk).first()  # one issuer at a time
    SelfReportLink.objects.filter(agent=agent, **active_at(now)).update(
        revoked_at=now, revoked_by=actor
    )
    token = secrets.token_urlsafe(32)
    link = SelfReportLink.objects.create(
        agent=agent,
        token_hash=token_hash(token),
        created_at=now,
        created_by=actor,
        expires_at=now + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="self_report_link_issued",
        obj=agent,
        changes={"link": link.pk, "expires_at": link.expires_at.isoformat()},
    )
    return link, link_url(token)


def link_issue(agent: Agent, *, actor, days: int | None = None, now: datetime | None = None) -> str:
    """Issue a new personal link for `agent` (their earlier links stop working); its URL."""
    return _issue(agent, actor=actor, days=days, now=now)[1]


@transaction.atomic
def link_revoke(link: SelfReportLink, *, actor, now: datetime | None = None) -> bool:
    """Revoke one link; False when it was already revoked."""
    now = now or clock.now(_time_zone(link.agent))
    changed = SelfReportLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    if changed:
        link.revoked_at, link.revoked_by = now, actor
        audit_record(
            actor=actor,
            action="self_report_link_revoked",
            obj=link.agent,
            changes={"link": link.pk},
        )
    return bool(changed)


@transaction.atomic
def links_revoke(agent: Agent, *, actor, now: datetime | None = None) -> int:
    """Revoke every active link of `agent`; how many there were."""
    require_write(actor, "self_report_link", None, agent)  # issue 12 follow-up item 3
    now = now or clock.now(_time_zone(agent))
    links = SelfReportLink.objects.filter(agent=agent, **active_at(now)).select_related("agent")
    return sum(link_revoke(link, actor=actor, now=now) for link in links)


def report_text(finished: str, blocked: str) -> str:
    parts = []
    if finished.strip():
        parts.append(f"Finished: {' '.join(finished.split())}")
    if blocked.strip():
        parts.append(f"Blocked: {' '.join(blocked.split())}")
    return " | ".join(parts)


def report_submit(
    link: SelfReportLink, *, finished: str, blocked: str, now: datetime | None = None
) -> Fact:
    """Record the agent's self-report as a `self_report` fact dated today in their program's
    time zone (R-N1), authored by the agent: one a day (`AlreadyReported` for a second), and
    none once the link ended with the agent's time in the program (`LinkEnded`)."""
    agent = link.agent
    now = now or clock.now(_time_zone(agent))
    day = now.astimezone(ZoneInfo(_time_zone(agent))).date()
    text = report_text(finished, blocked)
    if not text:
        raise ValueError("a self-report needs what was finished or what blocks")
    with transaction.atomic():
        Agent.objects.select_for_update().filter(pk=agent.pk).first()  # one report at a time
        if link_ended(agent, day=day):
            raise LinkEnded(agent)
        already = report_of_day(agent, day)
        if already is not None:
            raise AlreadyReported(already)
        fact = note_add(agent=agent, text=text, day=day, actor=None, source="self_report")
        SelfReportLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return fact


def links_send(agents, *, actor, now: datetime) -> list:
    """(Re)issue each agent's link and e-mail it to their work and personal addresses through
    the outbox (one message per agent and link). Returns the outbox rows. The caller picks
    agents the user sees; the role must be one that sends links (issue 12 follow-up item 3)."""
    require_write(actor, "self_report_link")
    rows = []
    for agent in agents:
        link, url = _issue(agent, actor=actor, now=now)
        message = make_message(
            "self-report-link",
            {"agent": agent, "link": url, "expires_at": link.expires_at, "days": link_days()},
        )
        rows.append(
            enqueue(
                key=f"self_report_link|{agent.pk}|{link.pk}",
                report=REPORT,
                list_key=f"agent:{agent.employee_id}",
                to=[a for a in (agent.work_email, agent.personal_email) if a],
                message=message,
                now=now,
            )
        )
    return rows
