"""The demo's people and their TBTs agree (issue 17, the role walk): TBT access precedes any
TBT done or proven, every class in or past its ESP phase has a TBT SME, and no agent shares
a full name with a staff member (the generator draws both from the same name lists)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from esp.progress.models import Fact, Proof
from esp.roster.models import Agent, ClassPhase
from esp.tbt.models import TbtAccess, TbtSme
from tests.demo.test_demo_load import EARLY, demo, today  # noqa: F401  (the fixtures)


def test_tbt_access_comes_before_any_tbt_done_or_proven(today):  # noqa: F811
    access = dict(TbtAccess.objects.values_list("agent__employee_id", "granted_on"))
    done = Fact.objects.filter(kind="task", item="tbt", value__in=("done", "not_applicable"))
    late = []
    for employee_id, day in done.values_list("agent__employee_id", "date"):
        if employee_id not in access or access[employee_id] > day:
            late.append((employee_id, "done", day, access.get(employee_id)))
    proofs = Proof.objects.filter(item__startswith="tbt:")
    for employee_id, at in proofs.values_list("agent__employee_id", "submitted_at"):
        if employee_id not in access or access[employee_id] > at.date():
            late.append((employee_id, "proof", at.date(), access.get(employee_id)))
    assert late == []


def test_every_class_in_or_past_its_esp_phase_has_a_tbt_sme(today):  # noqa: F811
    begun = ClassPhase.objects.filter(phase__key="esp", start_date__lte=EARLY.date())
    codes = set(begun.values_list("training_class__code", flat=True))
    assert codes and codes <= set(TbtSme.objects.values_list("training_class__code", flat=True))


def test_no_agent_is_named_like_a_staff_member(today):  # noqa: F811
    staff = {
        (u.first_name, u.last_name)
        for u in get_user_model().objects.filter(agent__isnull=True)
        if u.first_name
    }
    agents = set(Agent.objects.values_list("first_name", "last_name"))
    assert staff and agents and staff & agents == set()
