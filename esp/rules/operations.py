"""The manager's operations checklists (R-E2, R-X2), pure: which step comes next, which waits
and why, from the steps recorded so far. The reads (esp.operations.selectors) pass the
recorded steps in, keyed by step (and agent id for the extension's per-agent steps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from esp.lib.display import clock_time

from .callcert import FAILED

VERIFY_WAIT = timedelta(minutes=10)
NOC_HINT = 'If "Training Environment" is not in your Black Dashboard, ask the NOC team for access.'
ADP_AGENT = 'In ADP, click "Status is Active", search for {name}, then Custom Fields → "Edit"'
SPIN_UP_STEPS = (
    (
        "dashboard_check",
        'In Black Dashboard click "Training Environment", then "Classes"; find the class with '
        "these ESP dates and click the smiley face to its right",
    ),
    (
        "class_listed",
        "Verify every agent needing the extension is listed (this may take up to 10 minutes)",
    ),
    ("email_platform", "E-mail NOC to have the class 'Spun Up' (the draft is below)"),
    ("confirmation", "NOC confirms the class is 'Spun Up'"),
    ("agents_relog", "Tell the agents to log out and back in: their environment changes then"),
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


def spin_up_items(
    agents, done: dict, esp_end: date | None, *, now: datetime | None = None, zone=None
) -> list[Item]:
    """R-E2, seed 003 "How to extend 5 or more agents": each agent's ESP end date extended in
    ADP, then the class in Black Dashboard, the agents listed (after up to 10 minutes: checked
    from the local time shown), NOC asked and confirming the spin-up, the agents logging out
    and back in; each step after the ones above it."""
    items = [
        Item(
            "extend_end",
            ADP_AGENT.format(name=agent.name) + ': pick the new "ESP End Date", then "Done"',
            agent,
            done.get(("extend_end", agent.pk)),
            needs_value="date",
            extra={"esp_end": esp_end},
        )
        for agent in agents
    ]
    waiting = "" if all(i.done for i in items) else "Extend every agent's ESP end date first."
    last_change = max((i.done.done_at for i in items if i.done), default=None)
    for step, label in SPIN_UP_STEPS:
        item = Item(step, label, None, done.get((step, None)), blocked=waiting)
        if step == "dashboard_check":
            item.extra["hint"] = NOC_HINT
        if step == "class_listed" and not item.done and not waiting:
            item.blocked = _wait(last_change, zone, now, item)
        items.append(item)
        if not item.done and not waiting:
            waiting = "Do the steps above first."
    return items


def uptraining_items(
    agent, done: dict, graduation, esp_end, as_of: date, *, value: str, now=None, zone=None
) -> list[Item]:
    """R-E2, seed 003 "How to extend 1-4 agents": type the campaign's uptraining class `value`
    (case-sensitive) once the training graduation date and the ESP end date have passed; verify
    the agent is listed in that class in Black Dashboard (after up to 10 minutes: from the local
    time shown); the agent logs out and back in."""
    extended = done.get(("extend_end", agent.pk))
    end = date.fromisoformat(extended.value) if extended else esp_end
    missing = []
    if graduation is None or graduation >= as_of:
        missing.append(f"the training graduation date ({_fmt(graduation)})")
    if end is None or end >= as_of:
        missing.append(f"the ESP end date ({_fmt(end)})")
    set_item = Item(
        "uptraining_set",
        ADP_AGENT.format(name=agent.name) + f': type "{value}" in "Uptraining Class", then "Done"',
        agent,
        done.get(("uptraining_set", agent.pk)),
        blocked=("Not yet: " + " and ".join(missing) + " must have passed.") if missing else "",
        extra={"graduation": graduation, "esp_end": end, "value": value},
    )
    verify_item = Item(
        "dashboard_verify",
        f'In Black Dashboard click "Training Environment", then "Classes"; find the {value} '
        f"class, click the smiley face and verify {agent.name} is listed (this may take up to "
        "10 minutes)",
        agent,
        done.get(("dashboard_verify", agent.pk)),
        blocked="" if set_item.done else "Set the uptraining class first.",
        extra={"hint": NOC_HINT},
    )
    if set_item.done and not verify_item.done:
        verify_item.blocked = _wait(set_item.done.done_at, zone, now, verify_item)
    relog_item = Item(
        "agent_relog",
        f"{agent.name} logs out and back in: their environment is updated then",
        agent,
        done.get(("agent_relog", agent.pk)),
        blocked="" if verify_item.done else "Verify the agent is listed first.",
    )
    return [set_item, verify_item, relog_item]


def undo_due(progress, as_of: date) -> str:
    """R-E3 as seed 003 words it, "'undo' this process ... when the agent has finished all
    Call Certs": "passed" or "failed" (the certification failed: no more Call Certs either);
    "" while Call Certs go on."""
    call_task = progress.policy.call_task
    if progress.is_done(call_task, as_of):
        return "passed"
    failed = progress.call_cert(as_of).result == FAILED
    if failed or progress.task_status(call_task, as_of) == FAILED:
        return "failed"
    return ""


def _fmt(day: date | None) -> str:
    return day.strftime("%m/%d/%Y") if day else "not set"


@dataclass(frozen=True)
class TransferFacts:
    """What the transfer checklist names (R-X1): the agent, their site and home department,
    the training classroom to look for, today's date, and the program's time zone (the waits
    are shown as a local 8:05 AM)."""

    name: str
    site: str
    department: str
    classroom: str  # the training environment's class to look for (Campaign: Aetna)
    today: date
    zone: tzinfo | None = None


# The steps of one system in the seed's order (seed 003, "For the Headcount"); the Contact
# Center's pictures are gone from the page: the same steps, first.
SYSTEM_STEPS = (
    ("effective", "{system}: enter today's date, {today}"),
    (
        "department",
        '{system}: under "Home Department" on the right click "X", type the site ({site}) and '
        "select {department}",
    ),
    ("done", '{system}: select "Done" at the bottom of the page'),
)
SYSTEMS = (("cc", "Contact Center"), ("hc", "Headcount"))
STEP_NAMES = {
    "cc_effective": "Contact Center: today's date",
    "cc_department": "Contact Center: home department",
    "cc_done": "Contact Center: Done",
    "hc_effective": "Headcount: today's date",
    "hc_department": "Headcount: home department",
    "hc_done": "Headcount: Done",
    "refresh": "ADP refreshed",
    "verify_1": "BlackDash checked",
    "restart_1": "agent restarted",
    "recheck": "Contact Center steps rechecked",
    "restart_2": "agent restarted again",
    "verify_2": "BlackDash checked again",
    "it_ticket": "IT contacted",
    "verify_3": "BlackDash checked after IT",
}
DONE_STEPS = ("restart_1", "verify_2", "verify_3")  # the steps that finish a transfer


def transfer_items(agent, done: dict, facts: TransferFacts, now: datetime) -> list[Item]:
    """R-X2 in the seed's order: the Contact Center then the Headcount steps, refresh, the
    10-minute waits (blocked until the local time shown), "have the agent restart" after a
    clean check, else the recheck, another wait, a restart, a check and IT; each step waiting
    for the ones above it."""
    items = []
    previous = None
    for key, label, wait_from in transfer_steps(done, facts):
        item = Item(key, label, agent, done.get(key))
        if not item.done:
            if previous is not None and not previous.done:
                item.blocked = "Do the steps above first."
            elif wait_from is not None:
                start = done.get(wait_from)
                item.blocked = _wait(start and start.done_at, facts.zone, now, item)
        previous = item
        items.append(item)
    return items


def _wait(start: datetime | None, zone, now: datetime | None, item: Item) -> str:
    """The 10-minute wait after `start` (when a step was recorded): the local time the step
    may be done from, kept on the item, and why it waits while it is not yet that time."""
    if start is None:
        return ""
    ready = start + VERIFY_WAIT
    local = ready.astimezone(zone) if zone else ready
    item.extra["ready_at"] = local
    item.extra["ready_text"] = clock_time(local)
    if now is None or now >= ready:
        return ""
    return f"Wait 10 minutes: from {clock_time(local)}."


def transfer_steps(done: dict, facts: TransferFacts) -> list[tuple[str, str, str | None]]:
    """(step, label, the step its 10-minute wait counts from) in the seed's order."""
    values = {
        "today": _fmt(facts.today),
        "site": facts.site,
        "department": facts.department,
    }
    steps: list[tuple[str, str, str | None]] = [
        (f"{prefix}_{key}", label.format(system=system, **values), None)
        for prefix, system in SYSTEMS
        for key, label in SYSTEM_STEPS
    ]
    shows = (
        f"does {facts.name} show in any training-environment classroom (Campaign: "
        f"{facts.classroom}, or the ESP class with their ESP dates)?"
    )
    steps += [
        ("refresh", "Refresh the ADP page", None),
        ("verify_1", f"Wait 10 minutes, then check BlackDash: {shows}", "refresh"),
    ]
    if _outcome(done, "verify_1") == "passed":
        steps.append(("restart_1", f"Have {facts.name} restart their computer", None))
    if _outcome(done, "verify_1") == "failed":
        steps += [
            ("recheck", "Go back to ADP and check every Contact Center step above was done", None),
            ("restart_2", f"Wait another 10 minutes, then have {facts.name} restart", "recheck"),
            ("verify_2", f"Check BlackDash again: {shows}", None),
        ]
    if _outcome(done, "verify_2") == "failed":
        steps += [
            (
                "it_ticket",
                "Contact IT: something may be wrong on the backend (note the ticket)",
                None,
            ),
            ("verify_3", f"When IT has answered, check BlackDash again: {shows}", None),
        ]
    return steps


def transfer_complete(done: dict) -> bool:
    """R-X2: the transfer is done after the restart that follows a clean check, or when a
    later check (after the recheck, or after IT) finds the agent in no training classroom."""
    return "restart_1" in done or any(_outcome(done, step) == "passed" for step in DONE_STEPS[1:])


def _outcome(done: dict, step: str) -> str:
    return done[step].outcome if step in done else ""
