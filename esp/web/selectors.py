"""The shell's reads (Today, SPEC §1): each a fixed number of queries, whatever the number of
agents. The sections (esp.web.sections) call these and the other apps' selectors, then the
pure rules; nothing else in esp.web touches the ORM."""

from __future__ import annotations

from datetime import date

from esp.access import scopes
from esp.mailing.models import OutboxMessage
from esp.programs.models import Program
from esp.progress.models import CarrierTicket, Fact, Proof
from esp.progress.selectors import FACT_KINDS, IDS_INLINE_MAX, agent_records
from esp.reports.builders import KINDS
from esp.roster.models import Agent, ClassPhase
from esp.rules.checklist import SELF_REPORT
from esp.rules.records import AgentRecord, Policy
from esp.upkeep.models import GapReport

#: What Today reads of each in-flight agent: the facts the reports read, the red flags
#: raised and resolved (R-N4b) and the self-reports (R-N5).
TODAY_KINDS = (*FACT_KINDS, "flag", SELF_REPORT)
CALLCERT_KINDS = KINDS["callcert"]


def seen_agents(user):
    """The pks of the agents `user` sees, read once for the page (None: every agent, the ESP
    Manager's). The scope is a subquery with a correlated move lookup per agent: evaluated
    once here, not again inside each section's query. Beyond `IDS_INLINE_MAX` agents, the
    subquery itself (lists that long are slower to bind than to recompute)."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return None
    scope = scopes.visible_agents(user).values("pk")
    pks = list(scope.values_list("pk", flat=True)[: IDS_INLINE_MAX + 1])
    return pks if len(pks) <= IDS_INLINE_MAX else scope


def agents_among(seen):
    """The agents of `seen_agents(...)` as a queryset."""
    return Agent.objects.all() if seen is None else Agent.objects.filter(pk__in=seen)


def in_flight_records(seen, program: Program, policy: Policy, as_of: date) -> list[AgentRecord]:
    """The records of the active, not yet transferred agents among `seen`."""
    return agent_records(
        program,
        as_of,
        in_flight=True,
        agent_ids=seen,
        transfer_task=policy.transfer_task,
        kinds=TODAY_KINDS,
    )


def callcert_records(seen, program: Program, policy: Policy, as_of: date) -> list[AgentRecord]:
    """The records the call-certification report reads (R-C4), of the agents among `seen`
    only (the report's scope: transferred agents too)."""
    return agent_records(
        program,
        as_of,
        agent_ids=seen,
        transfer_task=policy.transfer_task,
        kinds=CALLCERT_KINDS,
    )


def proofs_waiting(seen) -> int:
    return Proof.objects.filter(status=Proof.SUBMITTED, agent__in=agents_among(seen)).count()


def tickets_recorded(user, day: date) -> int:
    """The carrier tickets `user` recorded on the day (R-N5)."""
    return CarrierTicket.objects.filter(date=day, recorded_by=user).count()


def class_phases(codes, as_of: date) -> dict[str, tuple[str, date]]:
    """Class code -> (name, start) of its latest phase begun on or before the day."""
    phases = {}
    for code, name, start in (
        ClassPhase.objects.filter(training_class__code__in=codes, start_date__lte=as_of)
        .order_by("training_class__code", "phase__order")
        .values_list("training_class__code", "phase__name", "start_date")
    ):
        phases[code] = (name, start)
    return phases


def task_names(program: Program) -> dict[str, str]:
    return dict(program.tasks.values_list("key", "name"))


def sends_to_decide():
    """The report sends that failed or may have failed: the ESP Manager decides (R-N2)."""
    return OutboxMessage.objects.filter(
        status__in=[OutboxMessage.FAILED, OutboxMessage.UNCERTAIN]
    ).order_by("created_at")


def gap_reports_sent(day: date) -> int:
    return GapReport.objects.filter(day=day).count()


def attendance_on(day: date):
    """The day's attendance occurrences of every agent (WFM, SPEC §1)."""
    return (
        Fact.objects.filter(kind="attendance", date=day)
        .select_related("agent")
        .order_by("agent__last_name")
    )
