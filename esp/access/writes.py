"""Who may change what: the write matrix, declared in one place (SPEC §1, R-L5; issue 12 item 3).

`esp.access.matrix` says who may open a route; this table says which role may record which
fact kind (and, for tasks and exams, which item), and the other writes: carrier tickets, the
decision on a termination review, proofs, troubleshooting walk-throughs. The services call
`require_write` before they write, so the pages, the API and a user's imports all obey the
same table; a page asks `may_write` / `writable` to show only the buttons a role may use.

| role | may write |
| --- | --- |
| ESP Manager | everything |
| PM | the transfer to production (its checklist), employment changes, moves, the decision on a termination review, notes, red flags |
| TL | their classes' task statuses (not AHIP, the carrier certification or the transfer), attendance, coaching and CAPs (a termination review is a proposal to the PM), notes, self-reports received by e-mail, equipment, red flags, carrier tickets, proofs, troubleshooting |
| Licensing | the licensing tasks (Producer World, AHIP, carrier certification), exams, N-Number requests, carrier tickets, red flags, notes, proofs |
| Cert Coordinator | TBTs and their proofs' review, readiness (day 1, shadowing, equipment), call certification, N-Number requests, call scores for any agent, notes, self-reports received by e-mail, proofs |
| TBT SME | TBTs, readiness (day 1, shadowing, equipment), TBT final exams, N-Number requests, notes, proofs |
| Certifier | call scores of the agents connected to them, notes (no self-report links) |
| WFM | nothing (attendance is read only) |
| Agent | their own self-report and proofs |

Every staff role with the note right but the certifiers sends and revokes self-report links
("self_report_link"). A proof is accepted or rejected only by someone who may make
"proof_review" *and* record what accepting it records (`proof_write`): the task, the TBT course
(issue 12 follow-up item 1).

`actor=None` is the system (the command line, a personal self-report link): it is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from esp.access import scopes
from esp.access.selectors import task_name
from esp.roster.roles import (
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

# Scopes: which agents a grant reaches, beyond the role.
VISIBLE = "visible"  # the agents the user may see (esp.access.scopes.visible_agents)
CONNECTED = "connected"  # a certifier's agents: connected by the Cert Coordinator (R-C2)
OWN = "own"  # the agent's own account

# Every write: the fact kinds of esp.progress.models.Kind, then the other writes.
WRITES: dict[str, str] = {
    "task": "set the {item} status",
    "tbt": "record a TBT course as done",
    "call": "score a certification call",
    "attendance": "record attendance",
    "exam": "record an exam attempt",
    "action": "deliver a corrective-action step",
    "note": "add a note",
    "self_report": "record a self-report",
    "status": "change the employment status (active, termed, resigned, withdrawn)",
    "equipment": "record the equipment status",
    "flag": "raise or resolve a red flag",
    "n_number": "record an N-Number request",
    "move": "move an agent to another class",
    "carrier_ticket": "record a carrier ticket",
    "termination_decision": "decide a termination review",
    "proof_upload": "upload a proof",
    "proof_review": "accept or reject a proof",
    "self_report_link": "send or revoke a self-report link",
    "troubleshoot": "walk an agent through troubleshooting",
    "inform_pm": "inform the agent's PM now",  # seed 001 (issue 15 item 10)
}


@dataclass(frozen=True)
class Grant:
    """Which items of one write a role may record, and for which agents. `only` None with no
    `prefixes` means every item; `but` is taken out in any case."""

    only: frozenset[str] | None = None
    prefixes: tuple[str, ...] = ()
    but: frozenset[str] = frozenset()
    scope: str = VISIBLE

    def covers(self, item: str | None) -> bool:
        """Whether the grant covers `item` (None: some item of the write)."""
        if item is None:
            return True
        if item in self.but:
            return False
        if self.only is None and not self.prefixes:
            return True
        return item in (self.only or ()) or bool(self.prefixes and item.startswith(self.prefixes))


EVERY = Grant()
LICENSING_TASKS = frozenset({"producer_world", "ahip", "carrier_cert"})
CERTIFICATIONS = frozenset({"ahip", "carrier_cert"})  # Licensing's, with their proofs
READINESS = frozenset({"readiness_day1", "readiness_shadowing"})

WRITE_MATRIX: dict[str, dict[str, Grant]] = {
    ESP_MANAGER: {write: EVERY for write in WRITES},
    PM: {
        # seed 003: the PM is told to transition the agent: the transfer checklist, which
        # updates the tracker's Transfer to Production column (issue 15 item 9)
        "task": Grant(only=frozenset({"transfer"})),
        "status": EVERY,
        "move": EVERY,
        "termination_decision": EVERY,
        "note": EVERY,
        "self_report_link": EVERY,
        "flag": EVERY,
    },
    TL: {
        "task": Grant(but=frozenset({"transfer"}) | CERTIFICATIONS),
        "attendance": EVERY,
        "action": EVERY,  # a termination review delivered by a TL is a proposal (R-L5)
        "note": EVERY,
        "self_report": EVERY,  # a self-report that reached them by e-mail (issue 15 item 5)
        "self_report_link": EVERY,
        "equipment": EVERY,
        "flag": EVERY,
        "carrier_ticket": EVERY,
        "proof_upload": EVERY,
        "proof_review": EVERY,
        "troubleshoot": EVERY,
        "inform_pm": EVERY,
    },
    LICENSING: {
        "task": Grant(only=LICENSING_TASKS),
        "exam": EVERY,
        "n_number": EVERY,
        "carrier_ticket": EVERY,
        "flag": EVERY,
        "note": EVERY,
        "self_report_link": EVERY,
        "proof_upload": EVERY,
        "proof_review": EVERY,
        "inform_pm": EVERY,
    },
    CERT_COORDINATOR: {
        "task": Grant(only=frozenset({"tbt", "call_cert"}) | READINESS),
        "tbt": EVERY,
        "equipment": EVERY,
        "n_number": EVERY,
        "call": EVERY,
        "note": EVERY,
        "self_report": EVERY,  # a self-report that reached them by e-mail (seed 000, item 5)
        "self_report_link": EVERY,
        "proof_upload": EVERY,
        # seed 000: the coordinator uploads the completed TBTs (issue 15 item 4)
        "proof_review": Grant(only=frozenset({"searched_by_course"}), prefixes=("tbt:",)),
        "inform_pm": EVERY,
    },
    TBT_SME: {
        "task": Grant(only=frozenset({"tbt"}) | READINESS),
        "tbt": EVERY,
        "equipment": EVERY,
        "exam": Grant(prefixes=("tbt:",)),
        "n_number": EVERY,
        "note": EVERY,
        "self_report_link": EVERY,
        "proof_upload": EVERY,
        "proof_review": EVERY,
        "inform_pm": EVERY,
    },
    CERTIFIER: {
        "call": Grant(scope=CONNECTED),
        "note": EVERY,
    },
    WFM: {},
    AGENT: {
        "self_report": Grant(scope=OWN),
        "proof_upload": Grant(scope=OWN),
    },
}

ROLE_NAMES = {
    ESP_MANAGER: "the ESP Manager",
    PM: "the PM",
    TL: "the TL",
    LICENSING: "Licensing",
    CERT_COORDINATOR: "the Cert Coordinator",
    CERTIFIER: "a certifier connected to the agent",
    TBT_SME: "a TBT SME",
    WFM: "WFM",
    AGENT: "the agent themselves",
}


def proof_write(item: str) -> tuple[str, str | None]:
    """What accepting a proof of `item` records, as (write, item): a TBT course's proof the
    course ("tbt"), the searched-by-course screenshot the TBT follow-up ("tbt", the TBT SMEs'
    and the coordinator's duty), any other proof its task."""
    if item.startswith("tbt:"):
        return "tbt", item.removeprefix("tbt:")
    if item == "searched_by_course":
        return "tbt", None
    return "task", item


def _grants(role: str, write: str, item: str | None) -> Grant | None:
    """The grant of `role` for `write` of `item`, or None. Reviewing a proof of an item needs
    the grant to record that item too (issue 12 follow-up item 1)."""
    grants = WRITE_MATRIX.get(role, {})
    grant = grants.get(write)
    if grant is None or not grant.covers(item):
        return None
    if write == "proof_review" and item is not None:
        recorded, recorded_item = proof_write(item)
        under = grants.get(recorded)
        if under is None or not under.covers(recorded_item):
            return None
    return grant


def write_roles(write: str, item: str | None = None) -> tuple[str, ...]:
    """The roles that may make `write` (of `item`, when given), in the order of the table."""
    return tuple(role for role in WRITE_MATRIX if _grants(role, write, item) is not None)


class _Reach:
    """The scopes one user reaches for one agent, each checked once and only when needed."""

    def __init__(self, user, agent):
        self.user, self.agent, self._seen = user, agent, {}

    def __contains__(self, scope: str) -> bool:
        if self.agent is None:
            return True  # a role-level question: may the user make this write at all
        if scope not in self._seen:
            self._seen[scope] = self._check(scope)
        return self._seen[scope]

    def _check(self, scope: str) -> bool:
        user, agent = self.user, self.agent
        if scope == OWN:
            return agent.user_id is not None and agent.user_id == user.pk
        if scope == CONNECTED:  # the same rule as the certifier's scope: released is gone
            return scopes.is_connected(user, agent)
        return scopes.sees_agent(user, agent)


def _roles(user) -> set[str]:
    return scopes.roles(user)


def _allowed(user, write: str, item: str | None, reach: _Reach) -> bool:
    for role in _roles(user):
        grant = _grants(role, write, item)
        if grant is not None and grant.scope in reach:
            return True
    return False


def may_write(user, write: str, item: str | None = None, agent=None) -> bool:
    """Whether `user` may make `write` (of `item`; None: of some item) for `agent` (None: for
    some agent). `user` None is the system: always allowed."""
    if write not in WRITES:
        raise KeyError(f"unknown write '{write}'")
    if user is None:
        return True
    return _allowed(user, write, item, _Reach(user, agent))


def _or_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names) or "nobody"
    return ", ".join(names[:-1]) + " or " + names[-1]


def _item_label(write: str, item: str | None, agent) -> str:
    if write == "proof_review" and item:
        recorded, recorded_item = proof_write(item)
        if recorded == "tbt":
            return f"TBT course {recorded_item}" if recorded_item else "search by course number"
        return _item_label("task", item, agent)
    if write != "task" or not item:
        return item or ""
    name = None
    if agent is not None:
        name = task_name(agent.training_class.program, item)
    return name or item.replace("_", " ")


def refusal(user, write: str, item: str | None = None, agent=None) -> str:
    """The plain-words reason `user` may not make `write`: what, for whom, and who may."""
    label = WRITES[write].format(item=_item_label(write, item, agent))
    if write == "proof_review" and item:
        label = f"accept or reject the proof of the {_item_label(write, item, agent)}"
    whom = f" for {agent.name}" if agent is not None else ""
    allowed = [ROLE_NAMES[role] for role in write_roles(write, item)]
    reason = f"You may not {label}{whom}: only {_or_list(allowed)} may."
    reach = _Reach(user, agent)
    if agent is not None and _allowed(user, write, item, _Reach(user, None)):
        if write == "call" and CERTIFIER in _roles(user):
            reason = (
                f"You may not score a certification call for {agent.name}: a certifier scores "
                "only the agents the Cert Coordinator connected to them."
            )
        elif VISIBLE not in reach:
            reason = f"You may not {label} for {agent.name}: the agent is not in your classes."
    return reason + " Nothing was saved."


def require_write(user, write: str, item: str | None = None, agent=None) -> None:
    """Refuse (PermissionDenied, with the reason in plain words) a write the matrix does not
    give any of `user`'s roles for `agent`; `user` None (the system) is allowed."""
    if not may_write(user, write, item, agent):
        raise PermissionDenied(refusal(user, write, item, agent))


def writable(user, agent=None, tasks=()) -> dict:
    """What the pages may offer `user` on `agent` (None: on the agents they see): each write
    name → bool, and "tasks" → the keys among `tasks` whose status the user may set."""
    reach = _Reach(user, agent)
    can = {write: _allowed(user, write, None, reach) for write in WRITES}
    can["tasks"] = frozenset(key for key in tasks if _allowed(user, "task", key, reach))
    return can
