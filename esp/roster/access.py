"""Who may see which classes and agents (SPEC §1, §17 access).

One per-role queryset filter serves both lists and object checks: a page lists
`visible_agents(user)` and fetches one agent with `get_agent_for_user(user, ...)`, which is the
same queryset filtered by id, so nothing outside a user's scope is ever found (404).

| role | sees |
| --- | --- |
| ESP Manager | everything |
| PM, TL | their classes (classes.csv `pm_email` / `tl_emails`), agents assigned to them |
| Licensing | classes in the licensing phase |
| Cert Coordinator, TBT SME | classes in the call-cert (ESP) phase |
| Certifier | the agents assigned to them |
| WFM | attendance only (no agent pages) |
| Agent | themselves |
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from esp import clock

from .models import Agent, ClassPhase, TrainingClass
from .staff import (
    AGENT,
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)

# Phase windows: a class is "in" a phase from that phase's start up to the next one's.
PHASE_WINDOWS = {LICENSING: ("licensing", "training"), CERT_COORDINATOR: ("esp", "production")}
PHASE_WINDOWS[TBT_SME] = PHASE_WINDOWS[CERT_COORDINATOR]


def roles(user) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached = getattr(user, "_esp_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ESP_MANAGER)
        user._esp_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    return bool(roles(user) & set(names))


def _in_phase(first: str, following: str, today: date) -> Q:
    started = ClassPhase.objects.filter(
        training_class=OuterRef("pk"), phase__key=first, start_date__lte=today
    )
    over = ClassPhase.objects.filter(
        training_class=OuterRef("pk"), phase__key=following, start_date__lte=today
    )
    return Q(Exists(started)) & ~Q(Exists(over))


def visible_classes(user, *, today: date | None = None) -> QuerySet[TrainingClass]:
    """The classes whose board `user` may open."""
    user_roles = roles(user)
    classes = TrainingClass.objects.all()
    if ESP_MANAGER in user_roles:
        return classes
    today = today or clock.today()
    scope = Q(pk__in=[])
    if TL in user_roles:
        scope |= Q(tls=user)
    if PM in user_roles:
        scope |= Q(pms=user)
    for role, (first, following) in PHASE_WINDOWS.items():
        if role in user_roles:
            scope |= _in_phase(first, following, today)
    return classes.filter(pk__in=classes.filter(scope).values("pk"))


def visible_agents(user, *, today: date | None = None) -> QuerySet[Agent]:
    """The agents whose page `user` may open: the one filter for lists and object checks."""
    user_roles = roles(user)
    agents = Agent.objects.all()
    if ESP_MANAGER in user_roles:
        return agents
    scope = Q(pk__in=[])
    if user_roles & {TL, PM, LICENSING, CERT_COORDINATOR, TBT_SME}:
        from esp.progress.models import Fact

        classes = visible_classes(user, today=today)
        moved_in = Fact.objects.filter(kind="move", item__in=classes.values("code")).values(
            "agent_id"
        )
        scope |= Q(training_class__in=classes) | Q(pk__in=moved_in)
    if TL in user_roles:
        scope |= Q(tl=user)
    if PM in user_roles:
        scope |= Q(pm=user)
    if CERTIFIER in user_roles:
        scope |= Q(certifier_assignments__certifier=user)
    if AGENT in user_roles:
        scope |= Q(user=user)
    return agents.filter(pk__in=agents.filter(scope).values("pk"))


def get_agent_for_user(user, employee_id: str, *, today: date | None = None) -> Agent:
    if "\x00" in employee_id:
        raise Http404("no such agent")
    try:
        return (
            visible_agents(user, today=today)
            .select_related("training_class__program", "site", "tl", "pm")
            .get(employee_id=employee_id)
        )
    except Agent.DoesNotExist:
        raise Http404("no such agent") from None


def get_agent_for_attendance(user, employee_id: str) -> Agent:
    """WFM reads every agent's attendance (read only); others as for the agent page."""
    if "\x00" in employee_id:
        raise Http404("no such agent")
    if has_role(user, WFM, ESP_MANAGER):
        try:
            return Agent.objects.get(employee_id=employee_id)
        except Agent.DoesNotExist:
            raise Http404("no such agent") from None
    return get_agent_for_user(user, employee_id)


def get_class_for_user(user, code: str, *, today: date | None = None) -> TrainingClass:
    if "\x00" in code:
        raise Http404("no such class")
    try:
        return visible_classes(user, today=today).select_related("program").get(code=code)
    except TrainingClass.DoesNotExist:
        raise Http404("no such class") from None


def sees_attendance(user) -> bool:
    return has_role(user, ESP_MANAGER, TL, PM, WFM)
