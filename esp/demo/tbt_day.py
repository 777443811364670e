"""The demo's TBT day (issue 15 items 3 and 4): the TBT SME and a certifier assigned to the
classes whose ESP phase has begun, TBT access recorded for their agents but one in four of
those in ESP now without the TBTs done (access came the business day before their ESP phase,
so those still open are over the 8 hours of seed 000 from ESP day 2 on), through the
services."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery

from esp.demo.breakouts import in_esp_phase
from esp.programs.calendars import calendar_for
from esp.progress.models import Fact
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.tbt.services import tbt_access_record, tbt_sme_assign

SMES = ("tbt.sme@esp.example", "certifier2@esp.example")


def _tbt_done():
    return Fact.objects.filter(agent=OuterRef("pk"), kind="task", item="tbt", value="done")


def demo_tbt_day(program, as_of: date, now: datetime) -> int:
    """Returns how many agents got TBT access. Every agent of a class whose ESP phase has
    begun had access the business day before it, but one in four of those in the ESP phase
    now who have not done the TBTs: they still wait for it (no TBT proof comes before access,
    esp/demo/features.py `demo_tbt`). Access is dated no later than `now`."""
    starts = dict(
        ClassPhase.objects.filter(
            training_class__program=program, phase__key="esp", start_date__lte=now.date()
        ).values_list("training_class_id", "start_date")
    )
    in_esp = set(in_esp_phase(program, as_of).values_list("pk", flat=True))
    left = Fact.objects.filter(agent=OuterRef("pk"), kind="status", item="employment")
    agents = (
        Agent.objects.filter(training_class_id__in=starts)
        .annotate(
            tbt_done=Exists(_tbt_done()),
            in_esp_once=Exists(Fact.objects.filter(agent=OuterRef("pk"), kind="equipment")),
            left_on=Subquery(left.values("date")[:1]),
        )
        .order_by("employee_id")
    )
    _assign_smes(program, as_of, now)
    calendar = calendar_for(program)
    granted = waiting = 0
    for agent in agents:
        # access came the business day before their ESP phase began
        day = calendar.previous_business_day(starts[agent.training_class_id])
        if agent.left_on is not None and agent.left_on <= day:
            continue  # left before their ESP phase
        if agent.pk not in in_esp and not agent.in_esp_once:
            continue  # never licensed: never in the ESP phase
        if agent.pk in in_esp and not agent.tbt_done:
            waiting += 1
            if waiting % 4 == 0:  # a few still wait for their access
                continue
        tbt_access_record(agent=agent, granted_on=min(day, now.date()), actor=None)
        granted += 1
    return granted + _access_before_done(program, calendar)


def _assign_smes(program, as_of: date, now: datetime) -> None:
    """Every class in or past its ESP phase on the demo's day has its TBT SMEs (issue 17)."""
    begun = ClassPhase.objects.filter(
        training_class__program=program, phase__key="esp", start_date__lte=as_of
    ).values("training_class_id")
    users = list(get_user_model().objects.filter(email__in=SMES).order_by("email"))
    for training_class in TrainingClass.objects.filter(pk__in=begun).order_by("code"):
        for user in users:
            tbt_sme_assign(training_class=training_class, user=user, actor=None, now=now)


def _access_before_done(program, calendar) -> int:
    """Issue 17: TBT access precedes TBT completion for every demo agent. An agent whose TBTs
    are done with no access recorded (moved to a class whose ESP phase has not begun, say)
    had it the business day before the first completion."""
    done = (
        Fact.objects.filter(agent__training_class__program=program, kind="task", item="tbt")
        .filter(value__in=("done", "not_applicable"), agent__tbt_access__isnull=True)
        .order_by("agent_id", "date")
    )
    first: dict[int, date] = {}
    for agent_id, day in done.values_list("agent_id", "date"):
        first.setdefault(agent_id, day)
    for agent in Agent.objects.filter(pk__in=first).order_by("employee_id"):
        day = calendar.previous_business_day(first[agent.pk])
        tbt_access_record(agent=agent, granted_on=day, actor=None)
    return len(first)
