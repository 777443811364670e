"""Training-environment extensions (R-E1–R-E3) and transfers to production (R-X1–R-X2):
the checklists, derived from the recorded steps, and the recording of each step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from esp.lib.csvio import parse_date
from esp.progress.selectors import agent_records
from esp.progress.services import actor_name, task_status_set
from esp.reports.builders import build_report
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.rules.progress import Progress

from .models import (
    CLASS_SPIN_UP,
    UPTRAINING_CLASS,
    ExtensionProcedure,
    ExtensionStep,
    TransferStep,
)

UPTRAINING_VALUE = "Aetna"  # R-E2: case-sensitive, exactly so
METHOD_NAMES = {CLASS_SPIN_UP: "Class spin-up", UPTRAINING_CLASS: "Uptraining class"}
VERIFY_WAIT = timedelta(minutes=10)


@dataclass
class Item:
    step: str
    label: str
    agent: Agent | None = None
    done: object = None  # the recorded step
    blocked: str = ""  # why it cannot be done yet
    needs_value: str = ""  # "date" for the extended ESP end date
    extra: dict = field(default_factory=dict)


# -- extensions ----------------------------------------------------------------------------------


def _phase_dates(training_class: TrainingClass, esp_phase: str) -> tuple[date | None, date | None]:
    """(ESP phase start = training graduation, the next phase's start = ESP end)."""
    rows = list(
        ClassPhase.objects.filter(training_class=training_class)
        .order_by("phase__order")
        .values_list("phase__key", "start_date")
    )
    keys = [k for k, _ in rows]
    if esp_phase not in keys:
        return None, None
    i = keys.index(esp_phase)
    return rows[i][1], rows[i + 1][1] if i + 1 < len(rows) else None


def extension_board(program, as_of: date) -> dict:
    """Per class needing extensions (R-E1) the procedure (R-E2) and its checklist; the
    "undo uptraining" list (R-E3)."""
    policy = program.policy()
    report = build_report("extensions", as_of=as_of, program=program)
    classes = []
    for line in report["classes"]:
        training_class = TrainingClass.objects.get(code=line["class_code"])
        agents = list(
            Agent.objects.filter(employee_id__in=line["employee_ids"]).order_by("employee_id")
        )
        procedure = ExtensionProcedure.objects.filter(training_class=training_class).first()
        method = procedure.method if procedure else line["method"]
        items = checklist(training_class, method, agents, procedure, policy, as_of)
        classes.append(
            {
                "class": training_class,
                "method": method,
                "method_name": METHOD_NAMES[method],
                "agents": agents,
                "procedure": procedure,
                "items": items,
                "email": spin_up_email(training_class, items) if method == CLASS_SPIN_UP else "",
            }
        )
    return {"classes": classes, "undo": undo_uptraining(program, as_of)}


def _recorded(procedure) -> dict:
    if procedure is None:
        return {}
    return {(s.step, s.agent_id): s for s in procedure.steps.all()}


def checklist(training_class, method, agents, procedure, policy, as_of) -> list[Item]:
    done = _recorded(procedure)
    graduation, esp_end = _phase_dates(training_class, policy.esp_phase)
    items: list[Item] = []
    if method == CLASS_SPIN_UP:
        for agent in agents:
            items.append(
                Item(
                    "extend_end",
                    f"Extend {agent.name}'s ESP end date",
                    agent,
                    done.get(("extend_end", agent.pk)),
                    needs_value="date",
                    extra={"esp_end": esp_end},
                )
            )
        waiting = "" if all(i.done for i in items) else "Extend every agent's ESP end date first."
        for step, label in (
            (
                "dashboard_check",
                "Check the class in the dashboard (Training Environment → Classes)",
            ),
            ("email_platform", "E-mail the platform team to spin up the class"),
            ("confirmation", "Confirmation received from the platform team"),
        ):
            item = Item(step, label, None, done.get((step, None)), blocked=waiting)
            items.append(item)
            if not item.done and not waiting:
                waiting = f"First: {label.lower()}."
        return items
    for agent in agents:
        extended = done.get(("extend_end", agent.pk))
        end = parse_date(extended.value) if extended else esp_end
        missing = []
        if graduation is None or graduation >= as_of:
            missing.append(f"the training graduation date ({_fmt(graduation)})")
        if end is None or end >= as_of:
            missing.append(f"the ESP end date ({_fmt(end)})")
        set_item = Item(
            "uptraining_set",
            f'Set {agent.name}\'s uptraining class to "{UPTRAINING_VALUE}"',
            agent,
            done.get(("uptraining_set", agent.pk)),
            blocked=("Not yet: " + " and ".join(missing) + " must have passed.") if missing else "",
            extra={"graduation": graduation, "esp_end": end},
        )
        items.append(set_item)
        items.append(
            Item(
                "dashboard_verify",
                f"Verify {agent.name} is listed in the Aetna class in the dashboard",
                agent,
                done.get(("dashboard_verify", agent.pk)),
                blocked="" if set_item.done else "Set the uptraining class first.",
            )
        )
    return items


def _fmt(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "not set"


def spin_up_email(training_class, items) -> str:
    lines = [
        f"Subject: Training environment spin-up — class {training_class.code}",
        "",
        "Hello platform team,",
        "",
        f"Please spin up the training environment for class {training_class.code}. "
        "These agents need more time in the training environment:",
        "",
    ]
    for item in items:
        if item.step == "extend_end":
            new_end = item.done.value if item.done else "(to be extended)"
            lines.append(f"- {item.agent.name} ({item.agent.employee_id}), ESP end {new_end}")
    lines += ["", "Please confirm once the class is spun up.", "", "Thank you"]
    return "\n".join(lines)


@transaction.atomic
def extension_step_record(
    *, program, training_class, step, agent=None, value="", note="", actor, now: datetime, as_of
) -> ExtensionStep:
    board = {c["class"].pk: c for c in extension_board(program, as_of)["classes"]}
    entry = board.get(training_class.pk)
    if entry is None:
        raise ValidationError(f"Class {training_class.code} needs no extension as of {as_of}.")
    item = next(
        (
            i
            for i in entry["items"]
            if i.step == step and (i.agent.pk if i.agent else None) == (agent.pk if agent else None)
        ),
        None,
    )
    if item is None:
        raise ValidationError("That step is not on this class's checklist.")
    if item.done:
        raise ValidationError("That step is already recorded.")
    if item.blocked:
        raise ValidationError(item.blocked)
    if step == "extend_end":
        try:
            new_end = parse_date(value)
        except ValueError:
            new_end = None
        if new_end is None:
            raise ValidationError("Give the extended ESP end date.")
        value = new_end.isoformat()
    if step == "uptraining_set":
        value = UPTRAINING_VALUE
    procedure = entry["procedure"] or ExtensionProcedure.objects.create(
        training_class=training_class, method=entry["method"], started_on=as_of
    )
    return ExtensionStep.objects.create(
        procedure=procedure,
        step=step,
        agent=agent,
        value=value,
        note=note,
        done_by=actor,
        done_by_name=actor_name(actor),
        done_at=now,
    )


def undo_uptraining(program, as_of: date) -> list[dict]:
    """R-E3: agents set to the uptraining class whose call certification is passed, until
    the undo is recorded."""
    policy = program.policy()
    sets = {
        s.agent_id: s
        for s in ExtensionStep.objects.filter(
            step="uptraining_set", procedure__method=UPTRAINING_CLASS
        ).select_related("agent", "procedure")
    }
    undone = set(ExtensionStep.objects.filter(step="undo").values_list("agent_id", flat=True))
    pending = {pk: s for pk, s in sets.items() if pk not in undone}
    if not pending:
        return []
    records = agent_records(program, as_of, agent_ids=list(pending))
    rows = []
    for record in records:
        progress = Progress(record, policy)
        if progress.is_done(policy.call_task, as_of):
            step = next(s for s in pending.values() if s.agent.employee_id == record.employee_id)
            rows.append({"agent": step.agent, "set": step, "procedure": step.procedure})
    return sorted(rows, key=lambda r: r["agent"].employee_id)


def undo_record(*, program, agent, note="", actor, now, as_of) -> ExtensionStep:
    row = next((r for r in undo_uptraining(program, as_of) if r["agent"].pk == agent.pk), None)
    if row is None:
        raise ValidationError(f"{agent.name} is not waiting for an uptraining undo.")
    return ExtensionStep.objects.create(
        procedure=row["procedure"],
        step="undo",
        agent=agent,
        value="",
        note=note,
        done_by=actor,
        done_by_name=actor_name(actor),
        done_at=now,
    )


# -- transfers -------------------------------------------------------------------------------------


def home_department(agent: Agent) -> str:
    """R-X1: the site plus the campaign's contact-center department."""
    training_class = agent.training_class
    site = agent.site or training_class.sites.first()
    return training_class.campaign.home_department(site)


VERIFY = "Wait 10 minutes, then verify the agent no longer shows in a training classroom"


def transfer_checklist(agent: Agent, today: date) -> list[Item]:
    """R-X2: both systems, then the verification and its restart, recheck and IT branches."""
    done = {s.step: s for s in agent.transfer_steps.all()}
    department = home_department(agent)
    steps = [
        ("cc_department", f"Contact center: select the home department {department}"),
        ("cc_effective", f"Contact center: enter today's date {_fmt(today)} as the effective date"),
        ("hc_department", f"Headcount: select the home department {department}"),
        ("hc_effective", f"Headcount: enter today's date {_fmt(today)} as the effective date"),
        ("saved", "Save (Done) in both systems and refresh"),
        ("verify_1", VERIFY),
    ]
    if _failed(done, "verify_1"):
        steps += [("restart_1", "Have the agent restart their computer"), ("verify_2", VERIFY)]
    if _failed(done, "verify_2"):
        steps += [
            ("recheck", "Check the contact-center steps again"),
            ("restart_2", "Have the agent restart their computer once more"),
            ("verify_3", VERIFY),
        ]
    if _failed(done, "verify_3"):
        steps += [("it_ticket", "Raise an IT ticket (note its number)")]
    items = []
    previous_done = True
    for key, label in steps:
        item = Item(key, label, agent, done.get(key))
        if not item.done and not previous_done:
            item.blocked = "Do the steps above first."
        previous_done = bool(item.done)
        items.append(item)
    return items


def _failed(done: dict, step: str) -> bool:
    return step in done and done[step].outcome == "failed"


def transfer_passed(agent: Agent) -> bool:
    return agent.transfer_steps.filter(step__startswith="verify_", outcome="passed").exists()


@transaction.atomic
def transfer_step_record(
    *, program, agent, step, outcome="", note="", actor, now: datetime, today: date
) -> TransferStep:
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    if transfer_passed(agent):
        raise ValidationError(f"{agent.name}'s transfer is already verified.")
    items = transfer_checklist(agent, today)
    item = next((i for i in items if i.step == step), None)
    if item is None or item.done:
        raise ValidationError("That step is not the next one on the checklist.")
    if item.blocked:
        raise ValidationError(item.blocked)
    if step.startswith("verify_"):
        if outcome not in ("passed", "failed"):
            raise ValidationError("Say whether the agent still shows in a training classroom.")
        saved = agent.transfer_steps.get(step="saved")
        if now < saved.done_at + VERIFY_WAIT:
            ready = saved.done_at + VERIFY_WAIT
            raise ValidationError(f"Wait 10 minutes after saving: verify from {ready:%H:%M}.")
    else:
        outcome = ""
    if step == "it_ticket" and not note.strip():
        raise ValidationError("Note the IT ticket's number.")
    row = TransferStep.objects.create(
        agent=agent,
        step=step,
        outcome=outcome,
        note=note,
        done_by=actor,
        done_by_name=actor_name(actor),
        done_at=now,
    )
    if outcome == "passed":
        department = home_department(agent)
        task_status_set(
            agent=agent,
            task=program.policy().transfer_task,
            status="done",
            day=today,
            actor=actor,
            note=f"Transferred to production ({department}), verified {now:%H:%M}",
        )
    return row
