"""Reads of certification: scorecard templates, the latest score of each call, what the
workbook lists, and who receives it (R-C3–R-C7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from esp.access.scopes import has_role
from esp.access.writes import may_write
from esp.mailing.models import DistributionList
from esp.progress.models import Fact
from esp.roster.models import Agent
from esp.roster.roles import (
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
)

from .models import CallScore, ItemScore, ScorecardTemplate, ScorecardUpload

# Who uploads the certifier's own scorecard (seed 004 item 7), and the staff who download it.
SCORECARD_UPLOADERS = (ESP_MANAGER, CERT_COORDINATOR)
SCORECARD_VIEWERS = (ESP_MANAGER, PM, TL, LICENSING, CERT_COORDINATOR, TBT_SME, CERTIFIER)


def latest_template() -> ScorecardTemplate | None:
    """The most recently created (imported) template, if any."""
    return ScorecardTemplate.objects.order_by("-created_at", "-pk").first()


def last_version(name: str) -> ScorecardTemplate | None:
    """The highest version of the template named `name`."""
    return ScorecardTemplate.objects.filter(name=name).order_by("-version").first()


def template_by_pk(pk: int) -> ScorecardTemplate | None:
    return ScorecardTemplate.objects.filter(pk=pk).first()


def latest_calls(agent: Agent) -> dict[int, Fact]:
    """The latest `call` fact of each call number (a re-score replaces, R-C4)."""
    latest: dict[int, Fact] = {}
    for fact in Fact.objects.filter(agent=agent, kind="call").order_by("date", "pk"):
        if fact.item.isdigit():
            latest[int(fact.item)] = fact
    return latest


def call_history(agent: Agent, number: int) -> QuerySet[CallScore]:
    """Every scoring of call `number` of `agent`, with who scored it."""
    return CallScore.objects.filter(agent=agent, call_number=number).select_related(
        "scored_by", "fact"
    )


def last_scoring(agent: Agent, number: int) -> CallScore | None:
    """The latest scoring of call `number`, with its item scores (a re-score starts there)."""
    return (
        CallScore.objects.filter(agent=agent, call_number=number)
        .prefetch_related("item_scores__item")
        .order_by("pk")
        .last()
    )


@dataclass(frozen=True)
class WorkbookCalls:
    """What the workbook lists: the latest fact of each call 1..N, and its item scores."""

    latest: dict[int, Fact]
    details: dict[int, CallScore]  # by fact id
    item_scores: dict[int, list[ItemScore]]  # by fact id, in the scorecard's order


def workbook_calls(agent: Agent, calls_per_agent: int) -> WorkbookCalls:
    latest = {n: f for n, f in latest_calls(agent).items() if 1 <= n <= calls_per_agent}
    details = {
        c.fact_id: c
        for c in CallScore.objects.filter(fact__in=latest.values())
        .select_related("template")
        .prefetch_related("item_scores__item__section")
    }
    items = {fact_id: list(detail.item_scores.all()) for fact_id, detail in details.items()}
    return WorkbookCalls(latest, details, items)


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


def latest_call_scores(agent: Agent) -> list[CallScore]:
    """The latest scoring of each call of `agent` (with its fact), by call number: what the
    agent page lists with its coaching (R-C6). For `certification_calls` (template tag)."""
    latest: dict[int, CallScore] = {}
    for scored in CallScore.objects.filter(agent=agent).select_related("fact").order_by("pk"):
        latest[scored.call_number] = scored
    return [latest[n] for n in sorted(latest)]


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's calls part (esp.progress.hooks): the latest scoring of each call with
    its coaching (R-C6), and links to score for the connected certifiers."""
    latest = {}
    for scored in CallScore.objects.filter(agent=agent).select_related("fact").order_by("pk"):
        latest[scored.call_number] = scored
    can_score = may_write(user, "call", None, agent)
    staff = has_role(user, *SCORECARD_VIEWERS)
    return {
        "certification_panel": {
            "agent": agent,
            "scored": [latest[n] for n in sorted(latest)],
            "can_score": can_score,
            "numbers": range(1, agent.training_class.program.calls_per_agent + 1),
            "uploads": scorecard_uploads(agent) if staff else [],
            "can_upload": can_score and has_role(user, *SCORECARD_UPLOADERS),
        }
    }


def scorecard_uploads(agent: Agent) -> list[ScorecardUpload]:
    """The agent's uploaded scorecards, newest first, without their content."""
    return list(
        ScorecardUpload.objects.filter(agent=agent).defer("content").select_related("uploaded_by")
    )


def scorecard_upload_of(agent: Agent, pk: int) -> ScorecardUpload | None:
    return ScorecardUpload.objects.filter(agent=agent, pk=pk).first()
