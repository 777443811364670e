"""The manager's operations checklists (R-E2, R-X2), pure: which step comes next, which waits
and why, from the steps recorded so far. The reads (esp.operations.selectors) pass the
recorded steps in, keyed by step (and agent id for the extension's per-agent steps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

UPTRAINING_VALUE = "Aetna"  # R-E2: case-sensitive, exactly so
VERIFY_WAIT = timedelta(minutes=10)
VERIFY = "Wait 10 minutes, then verify the agent no longer shows in a training classroom"
SPIN_UP_STEPS = (
    ("dashboard_check", "Check the class in the dashboard (Training Environment → Classes)"),
    ("email_platform", "E-mail the platform team to spin up the class"),
    ("confirmation", "Confirmation received from the platform team"),
)


@dataclass
class Item:
    step: str
    label: str
    agent: object = None  # the agent the step is for (None: the class)
    done: object = None  # the recorded step
    blocked: str = ""  # why it cannot be done yet
    needs_value: str = ""  # "date" for the extended ESP end date
    extra: dict = field(default_factory=dict)


def spin_up_items(agents, done: dict, esp_end: date | None) -> list[Item]:
    """Each agent's ESP end date extended, then the class's steps one after the other."""
    items = [
        Item(
            "extend_end",
            f"Extend {agent.name}'s ESP end date",
            agent,
            done.get(("extend_end", agent.pk)),
            needs_value="date",
            extra={"esp_end": esp_end},
        )
        for agent in agents
    ]
    waiting = "" if all(i.done for i in items) else "Extend every agent's ESP end date first."
    for step, label in SPIN_UP_STEPS:
        item = Item(step, label, None, done.get((step, None)), blocked=waiting)
        items.append(item)
        if not item.done and not waiting:
            waiting = f"First: {label.lower()}."
    return items


def uptraining_items(agent, done: dict, graduation, esp_end, as_of: date) -> list[Item]:
    """Set the agent's uptraining class once graduation and the ESP end have passed, then
    verify it in the dashboard."""
    extended = done.get(("extend_end", agent.pk))
    end = date.fromisoformat(extended.value) if extended else esp_end
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
    verify_item = Item(
        "dashboard_verify",
        f"Verify {agent.name} is listed in the Aetna class in the dashboard",
        agent,
        done.get(("dashboard_verify", agent.pk)),
        blocked="" if set_item.done else "Set the uptraining class first.",
    )
    return [set_item, verify_item]


def _fmt(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "not set"


def transfer_items(agent, done: dict, department: str, today: date) -> list[Item]:
    """R-X2: both systems, then the verification and its restart, recheck and IT branches,
    each step waiting for the ones above it."""
    items = []
    previous_done = True
    for key, label in transfer_steps(done, department, today):
        item = Item(key, label, agent, done.get(key))
        if not item.done and not previous_done:
            item.blocked = "Do the steps above first."
        previous_done = bool(item.done)
        items.append(item)
    return items


def transfer_steps(done: dict, department: str, today: date) -> list[tuple[str, str]]:
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
    return steps


def _failed(done: dict, step: str) -> bool:
    return step in done and done[step].outcome == "failed"
