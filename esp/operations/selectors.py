"""Reads of the manager's operations pages: which classes need a training-environment
extension (R-E1) and their checklists (R-E2), the uptraining undo list (R-E3), the agents
whose transfer to production is due and each one's transfer checklist (R-X1–R-X2).

The checklists are derived from the steps recorded so far; the writes are in services.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.http import Http404

from esp.access import scopes
from esp.lib import compiled
from esp.lib.display import label
from esp.programs.calendars import calendar_for
from esp.progress.selectors import agent_records
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.rules import operations as rules
from esp.rules.progress import AgentProgress

from .models import CLASS_SPIN_UP, UPTRAINING_CLASS, ExtensionProcedure, ExtensionStep

METHOD_NAMES = {CLASS_SPIN_UP: "Class spin-up", UPTRAINING_CLASS: "Uptraining class"}
# The kinds of facts the extensions and incompletions rules read (as esp.reports reads them).


def visible_agent(user, employee_id: str) -> Agent:
    """The agent with `employee_id` if the user may see them; 404 otherwise."""
    agent = scopes.visible_agents(user).filter(employee_id=employee_id).first()
    if agent is None:
        raise Http404
    return agent


def visible_class(user, code: str) -> TrainingClass:
    """The class `code` if the user may see it; 404 otherwise."""
    training_class = scopes.visible_classes(user).filter(code=code).first()
    if training_class is None:
        raise Http404
    return training_class


# -- extensions ----------------------------------------------------------------------------------


def _phase_dates(
    training_class: TrainingClass, policy, calendar
) -> tuple[date | None, date | None]:
    """(the ESP phase start = the training graduation, the ESP end date = the training
    environment's day-`environment_days` end, R-E1: day 5 by default, in business days), from
    the class's phase starts (prefetched with their phases by `extension_board`)."""
    start = next(
        (
            p.start_date
            for p in training_class.phase_starts.all()
            if p.phase.key == policy.esp_phase
        ),
        None,
    )
    if start is None:
        return None, None
    first = calendar.on_or_after(start)
    return start, calendar.add_business_days(first, max(policy.environment_days - 1, 0))


def extension_board(
    program,
    as_of: date,
    report: dict,
    *,
    page: int = 1,
    per_page: int | None = None,
    now: datetime | None = None,
) -> dict:
    """Per class needing extensions (R-E1, `report`: the extensions report as of D) the
    procedure (R-E2) and its checklist, a page of classes at a time (all: `per_page` None);
    the "undo uptraining" list (R-E3). A fixed number of queries whatever the number of
    classes (issue 14): the classes, their agents and their procedures are read once."""
    policy = program.policy()
    lines = report["classes"]
    pages = max(1, -(-len(lines) // per_page)) if per_page else 1
    page = min(max(1, page), pages)
    if per_page:
        lines = lines[(page - 1) * per_page : page * per_page]
    classes = {
        c.code: c
        for c in TrainingClass.objects.filter(code__in=[line["class_code"] for line in lines])
        .select_related("campaign")
        .prefetch_related(
            Prefetch("phase_starts", queryset=ClassPhase.objects.select_related("phase"))
        )
    }
    agents = {
        a.employee_id: a
        for a in Agent.objects.filter(
            employee_id__in=[e for line in lines for e in line["employee_ids"]]
        )
    }
    procedures: dict[int, ExtensionProcedure] = {}
    for procedure in ExtensionProcedure.objects.filter(
        training_class__in=list(classes.values())
    ).prefetch_related("steps"):  # the latest started first (Meta.ordering)
        procedures.setdefault(procedure.training_class_id, procedure)
    when = Moment(as_of, now, ZoneInfo(program.time_zone), calendar_for(program))
    board = [_extension_class(line, classes, agents, procedures, policy, when) for line in lines]
    undo = undo_uptraining(program, as_of, policy=policy)
    return {"classes": board, "undo": undo, "page": page, "pages": pages}


@dataclass(frozen=True)
class Moment:
    """When a checklist is read: the day, the time (the 10-minute waits), the program's zone
    (the times shown) and its business calendar (the ESP end date)."""

    as_of: date
    now: datetime | None
    zone: ZoneInfo
    calendar: object


def _extension_class(line: dict, classes, agents, procedures, policy, when: Moment) -> dict:
    training_class = classes[line["class_code"]]
    class_agents = sorted(
        (agents[e] for e in line["employee_ids"] if e in agents), key=lambda a: a.employee_id
    )
    procedure = procedures.get(training_class.pk)
    method = procedure.method if procedure else line["method"]
    items = checklist(training_class, method, class_agents, procedure, policy, when)
    return {
        "class": training_class,
        "method": method,
        "method_name": METHOD_NAMES[method],
        "agents": class_agents,
        "procedure": procedure,
        "items": items,
        "uptraining": training_class.campaign.uptraining_class_name,
        "email": spin_up_email(training_class, items) if method == CLASS_SPIN_UP else "",
    }


def _recorded(procedure) -> dict:
    if procedure is None:
        return {}
    return {(s.step, s.agent_id): s for s in procedure.steps.all()}


def checklist(training_class, method, agents, procedure, policy, when: Moment) -> list[rules.Item]:
    done = _recorded(procedure)
    graduation, esp_end = _phase_dates(training_class, policy, when.calendar)
    if method == CLASS_SPIN_UP:
        return rules.spin_up_items(agents, done, esp_end, now=when.now, zone=when.zone)
    value = training_class.campaign.uptraining_class_name
    items: list[rules.Item] = []
    for agent in agents:
        items += rules.uptraining_items(
            agent, done, graduation, esp_end, when.as_of, value=value, now=when.now, zone=when.zone
        )
    return items


def spin_up_email(training_class, items) -> str:
    lines = [
        f"Subject: Please spin up the training environment class for {training_class.code}",
        "",
        "Hello NOC team,",
        "",
        f"Please 'Spin Up' the training environment class of {training_class.code}. These "
        "agents' ESP end dates are extended in ADP and they are listed in the class:",
        "",
    ]
    for item in items:
        if item.step == "extend_end":
            new_end = item.done.value_text if item.done else "(to be extended)"
            lines.append(f"- {item.agent.name} ({item.agent.employee_id}), ESP end {new_end}")
    lines += ["", "Please confirm once the class is spun up.", "", "Thank you"]
    return "\n".join(lines)


def undo_uptraining(program, as_of: date, *, policy=None, among=None) -> list[dict]:
    """R-E3, seed 003: agents set to the uptraining class who have finished all Call Certs
    (passed, or failed the certification), until the undo is recorded (`policy`: the
    program's, when the caller has read it already; `among`: the agents a user sees; None,
    every agent's: the queries compiled once, esp.lib.compiled)."""
    policy = policy or program.policy()

    def steps():
        return ExtensionStep.objects.filter(
            step="uptraining_set", procedure__method=UPTRAINING_CLASS
        ).select_related("agent__training_class__campaign", "procedure")

    if among is None:
        found = compiled.objects(("operations.uptraining_set",), steps)
    else:
        found = steps().filter(agent__in=among)
    sets = {s.agent_id: s for s in found}
    if not sets:
        return []
    undone = {
        pk
        for (pk,) in compiled.rows(
            ("operations.undone",),
            lambda: ExtensionStep.objects.filter(step="undo").order_by().values_list("agent_id"),
        )
    }
    pending = {pk: s for pk, s in sets.items() if pk not in undone}
    if not pending:
        return []
    by_employee = {s.agent.employee_id: s for s in pending.values()}
    rows = []
    for record in agent_records(program, as_of, agent_ids=list(pending)):
        reason = rules.undo_due(AgentProgress(record, policy), as_of)
        if reason:
            step = by_employee[record.employee_id]
            rows.append(
                {
                    "agent": step.agent,
                    "set": step,
                    "procedure": step.procedure,
                    "reason": reason,
                    "value": step.value or step.agent.training_class.campaign.uptraining_class_name,
                }
            )
    return sorted(rows, key=lambda r: r["agent"].employee_id)


# -- transfers -------------------------------------------------------------------------------------


def home_department(agent: Agent) -> str:
    """R-X1: the site plus the campaign's contact-center department."""
    return agent.training_class.campaign.home_department(_site(agent))


def _site(agent: Agent):
    return agent.site or agent.training_class.sites.first()


def transfer_rows(program, as_of: date, report: dict, user=None) -> list[dict]:
    """The agents on the "transfer to production needed" list as of D (`report`: the
    incompletions report as of D) whom `user` sees (None: everyone), each with their home
    department and how far their transfer checklist got."""
    transfer = program.policy().transfer_section
    lines = next(s["agents"] for s in report["sections"] if s["key"] == transfer)
    among = scopes.visible_agents(user) if user is not None else Agent.objects.all()
    agents = {
        a.employee_id: a
        for a in among.filter(employee_id__in=[line["employee_id"] for line in lines])
        .select_related("training_class__campaign", "site")
        .prefetch_related("transfer_steps", "training_class__sites")
    }
    rows = []
    for line in lines:
        agent = agents.get(line["employee_id"])
        if agent is None:
            continue
        steps = list(agent.transfer_steps.all())
        rows.append(
            {
                "agent": agent,
                "class_code": line.get("class_code", agent.training_class.code),
                "department": home_department(agent),
                "recorded": len(steps),
                "last": steps[-1] if steps else None,
                "last_name": rules.STEP_NAMES.get(steps[-1].step, "") if steps else "",
            }
        )
    return rows


def transfer_facts(agent: Agent, today: date) -> rules.TransferFacts:
    """What the agent's transfer checklist names (R-X1), the waits in the program's zone."""
    training_class = agent.training_class
    return rules.TransferFacts(
        name=agent.name,
        site=str(_site(agent)),
        department=home_department(agent),
        classroom=training_class.campaign.uptraining_class_name,
        today=today,
        zone=ZoneInfo(training_class.program.time_zone),
    )


def _transfer_done(agent: Agent) -> dict:
    return {s.step: s for s in agent.transfer_steps.all()}


def transfer_checklist(agent: Agent, today: date, now: datetime) -> list[rules.Item]:
    """R-X2 in the seed's order: both systems, the waits, the restart, recheck and IT."""
    return rules.transfer_items(agent, _transfer_done(agent), transfer_facts(agent, today), now)


def transfer_passed(agent: Agent) -> bool:
    return rules.transfer_complete(_transfer_done(agent))


def transfer_refusal(program, agent: Agent, as_of: date) -> str:
    """Why `agent` cannot be transferred to production as of D, in plain words ("": they can):
    only an ESP-complete agent is (seed 003: "After confirming agents are complete with
    everything ESP")."""
    policy = program.policy()
    records = agent_records(program, as_of, agent_ids=[agent.pk])
    if not records:
        return f"{agent.name} is not in the program's agents as of {as_of:%m/%d/%Y}."
    progress = AgentProgress(records[0], policy)
    if not progress.is_active(as_of):
        return f"{agent.name} is no longer active: there is nothing to transfer."
    still_open = [
        label(task, "task")
        for task in policy.task_keys
        if task != policy.transfer_task and not progress.is_done(task, as_of)
    ]
    if still_open:
        return (
            f"{agent.name} is not ESP complete yet: {', '.join(still_open)} still open. "
            "Transfer to production only once everything ESP is done."
        )
    return ""
