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
from datetime import date, datetime, timedelta
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
from esp.progress.services import fact_record
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
ENDS = (".", "!", "?")  # a quoted report that ends its own sentence takes no full stop after


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


def _record(agent: Agent, *, text: str, now: datetime, actor=None, link=None) -> Fact:
    """The self-report of today (program's time zone) with `text`, authored by the agent:
    refused once the agent left the program (`LinkEnded`) or already reported (`AlreadyReported`)."""
    day = now.astimezone(ZoneInfo(_time_zone(agent))).date()
    if not text:
        raise ValueError("a self-report needs what was finished or what blocks")
    with transaction.atomic():
        Agent.objects.select_for_update().filter(pk=agent.pk).first()  # one report at a time
        if link_ended(agent, day=day):
            raise LinkEnded(agent)
        already = report_of_day(agent, day)
        if already is not None:
            raise AlreadyReported(already)
        fact = fact_record(
            agent=agent,
            day=day,
            kind="self_report",
            note=text,
            by=agent.name,
            actor=actor,
            source="self_report",
        )
        if link is not None:
            SelfReportLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return fact


def report_submit(
    link: SelfReportLink, *, finished: str, blocked: str, now: datetime | None = None
) -> Fact:
    """Record the agent's self-report as a `self_report` fact dated today in their program's
    time zone (R-N1), authored by the agent: one a day (`AlreadyReported` for a second), and
    none once the link ended with the agent's time in the program (`LinkEnded`)."""
    agent = link.agent
    now = now or clock.now(_time_zone(agent))
    return _record(agent, text=report_text(finished, blocked), now=now, link=link)


def own_report_submit(*, agent: Agent, actor, finished: str, blocked: str, now: datetime) -> Fact:
    """The signed-in agent's self-report from their own page (issue 15 item 6): the same
    report as the personal link's, refused for anyone but the agent's own account."""
    require_write(actor, "self_report", None, agent)
    return _record(agent, text=report_text(finished, blocked), now=now, actor=actor)


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


# -- self-reports that reached the Cert Coordinator or the TL by e-mail (issue 15 item 5) -------


class ReportsRefused(Exception):
    """E-mailed reports that cannot all be recorded: nothing was; `errors` name each line."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(" ".join(errors))


def one_line(text: str) -> str:
    """An e-mail's text as one line of the note: its lines joined with " | "."""
    return " | ".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _emailed_problem(agent: Agent, day: date, today: date) -> str:
    """Why an e-mailed report of `day` cannot be `agent`'s self-report, or ''."""
    if day > today:
        return f"{day:%m/%d/%Y} is after today ({today:%m/%d/%Y}): record a report on its day."
    if link_ended(agent, day=day):
        return (
            f"{agent.name} has left the program or was transferred to production by "
            f"{day:%m/%d/%Y}: no self-report is recorded for them."
        )
    already = report_of_day(agent, day)
    if already is not None:
        how = "by e-mail" if already.source == "email" else "through the self-report form"
        return (
            f"{agent.name} already has a self-report for {day:%m/%d/%Y} ({how}): "
            f"“{already.note[:80]}”{'' if already.note[:80].endswith(ENDS) else '.'} "
            "One report a day is recorded."
        )
    return ""


@transaction.atomic
def emailed_reports_record(
    *, reports: list[tuple[Agent, str, int | None]], day: date, actor, now: datetime
) -> list[Fact]:
    """Record each (agent, e-mail text, line) as the agent's self-report of `day`, reported
    by e-mail (seed 000: "if an agent does not have access to the shared sheet ... they must
    report their progress via email to the Cert Coordinator"): a `self_report` fact with
    source "email", authored by the agent, recorded by `actor`. All or nothing: any problem
    (a day after today, an agent who left, a report already there) refuses them all with
    `ReportsRefused`, each problem naming its line."""
    for agent, _, _ in reports:
        require_write(actor, "self_report", None, agent)
    for agent, _, _ in sorted(reports, key=lambda r: r[0].pk):  # one writer per agent
        Agent.objects.select_for_update().filter(pk=agent.pk).first()
    errors = emailed_problems(reports, day=day, now=now)
    if errors:
        raise ReportsRefused(errors)
    facts = [
        fact_record(
            agent=agent,
            day=day,
            kind="self_report",
            note=one_line(text),
            by=agent.name,
            actor=actor,
            source="email",
        )
        for agent, text, _ in reports
    ]
    for agent, _, _ in reports:
        audit_record(
            actor=actor,
            action="self_report_by_email_recorded",
            obj=agent,
            changes={"date": day.isoformat()},
        )
    return facts


def emailed_problems(
    reports: list[tuple[Agent, str, int | None]], *, day: date, now: datetime
) -> list[str]:
    """What stops each (agent, text, line) from becoming the agent's self-report of `day`,
    each naming its line (the preview shows them; the save refuses them)."""
    errors = []
    for agent, text, line in reports:
        today = now.astimezone(ZoneInfo(_time_zone(agent))).date()
        problem = _emailed_problem(agent, day, today)
        if not problem and not one_line(text):
            problem = f"no text for {agent.name}."
        if problem:
            errors.append(f"Line {line}: {problem}" if line else problem)
    return errors


def emailed_report_record(*, agent: Agent, text: str, day: date, actor, now: datetime) -> Fact:
    """One agent's e-mailed report, recorded from their page in one step (issue 15 item 5)."""
    return emailed_reports_record(reports=[(agent, text, None)], day=day, actor=actor, now=now)[0]
