"""The demo's TBT day (issue 15 items 3 and 4): the TBT SME and a certifier assigned to the
classes in ESP, and TBT access recorded for three agents in four (the business day before
their ESP phase, so those still open are over the 8 hours of seed 000 from ESP day 2 on),
through the services."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from esp.demo.breakouts import in_esp_phase
from esp.programs.calendars import calendar_for
from esp.progress.models import Fact
from esp.roster.models import ClassPhase
from esp.tbt.services import tbt_access_record, tbt_sme_assign

SMES = ("tbt.sme@esp.example", "certifier2@esp.example")


def _tbt_done():
    return Fact.objects.filter(agent=OuterRef("pk"), kind="task", item="tbt", value="done")


def demo_tbt_day(program, as_of: date, now: datetime) -> int:
    """Returns how many agents got TBT access. Every agent who has done the TBTs had access
    before; of the others, one in four still waits for it (no TBT proof comes before access,
    esp/demo/features.py `demo_tbt`). Access is dated no later than `now`."""
    agents = list(
        in_esp_phase(program, as_of)
        .select_related("training_class")
        .annotate(tbt_done=Exists(_tbt_done()))
        .order_by("employee_id")
    )
    users = list(get_user_model().objects.filter(email__in=SMES).order_by("email"))
    classes = {agent.training_class for agent in agents}
    for training_class in sorted(classes, key=lambda c: c.code):
        for user in users:
            tbt_sme_assign(training_class=training_class, user=user, actor=None, now=now)
    starts = dict(
        ClassPhase.objects.filter(training_class__in=classes, phase__key="esp").values_list(
            "training_class_id", "start_date"
        )
    )
    calendar = calendar_for(program)
    granted = waiting = 0
    for agent in agents:
        start = starts.get(agent.training_class_id)
        if start is None:
            continue
        if not agent.tbt_done:
            waiting += 1
            if waiting % 4 == 0:  # a few still wait for their access
                continue
        # access came the business day before their ESP phase began
        day = calendar.previous_business_day(start)
        tbt_access_record(agent=agent, granted_on=min(day, now.date()), actor=None)
        granted += 1
    return granted
