"""TBT reads (R-B3–R-B7) and the end-of-day summaries (R-N2): selectors → pure rules → lines.

Every function takes the program, the as-of date and optionally `agent_ids` (a queryset of
agent pks the reader may see); each returns plain dicts a page, CSV or e-mail renders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from esp.access import scopes
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import Proof
from esp.progress.selectors import agent_records
from esp.roster.models import Agent
from esp.rules import reports as report_rules
from esp.rules import tbt as rules
from esp.rules.progress import AgentProgress

from .models import HelpDeskCall, TbtAccess

TBT_KINDS = ("task", "tbt", "status", "move")


def _tbt_lines(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """One line per active agent whose ESP phase has started: courses done, task, pace."""
    policy = program.policy()
    calendar = calendar_for(program)
    records = agent_records(
        program,
        as_of,
        in_flight=True,
        transfer_task=policy.transfer_task,
        kinds=TBT_KINDS,
        agent_ids=agent_ids,
    )
    lines = []
    for record in records:
        line = rules.tbt_line(AgentProgress(record, policy), as_of, calendar)
        if line is not None:
            lines.append(line)
    lines.sort(key=lambda line: (line["class_code"], line["employee_id"]))
    return lines


TBT_COMPLETION_COLUMNS = [
    "class_code",
    "employee_id",
    "name",
    "courses_done",
    "courses_total",
    "tbt_done",
    "behind_pace",
]


def tbt_completion(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """The end-of-day TBT completion summary (R-B4): per agent in ESP."""
    return [
        {c: line[c] for c in TBT_COMPLETION_COLUMNS}
        for line in _tbt_lines(program, as_of, agent_ids)
    ]


def behind_pace(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """R-B7: the TBT SMEs' behind-pace list."""
    return [line for line in tbt_completion(program, as_of, agent_ids) if line["behind_pace"]]


ESCALATION_COLUMNS = [
    "class_code",
    "employee_id",
    "name",
    "n_number",
    "requested_on",
    "escalate_on",
    "incident_number",
    "call_date",
]


def _escalation_candidates(program: Program, as_of: date, agent_ids=None) -> list[tuple]:
    """(record, progress, latest N-Number request) of each active agent due a help-desk call."""
    calendar = calendar_for(program)
    policy = program.policy()
    records = agent_records(
        program,
        as_of,
        in_flight=True,
        transfer_task=policy.transfer_task,
        kinds=("status", "move", "n_number"),
        agent_ids=agent_ids,
    )
    granted = dict(
        TbtAccess.objects.filter(agent__training_class__program=program).values_list(
            "agent__employee_id", "granted_on"
        )
    )
    candidates = []
    for record in records:
        progress = AgentProgress(record, policy)
        requests = [f for f in progress.facts("n_number") if f.item == "requested"]
        if not requests or not progress.is_active(as_of):
            continue
        request = requests[-1]
        if rules.needs_help_desk_call(
            requested_on=request.date,
            access_granted_on=granted.get(record.employee_id),
            escalation_days=program.n_number_escalation_days,
            as_of=as_of,
            calendar=calendar,
        ):
            candidates.append((record, progress, request))
    return candidates


def _latest_calls(employee_ids: list[str], as_of: date) -> dict[str, HelpDeskCall]:
    calls: dict[str, HelpDeskCall] = {}
    for call in HelpDeskCall.objects.filter(
        agent__employee_id__in=employee_ids, call_date__lte=as_of
    ).select_related("agent"):
        calls.setdefault(call.agent.employee_id, call)  # newest first (Meta.ordering)
    return calls


def help_desk_escalations(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """R-B5: agents without TBT access `n_number_escalation_days` business days after their
    N-Number request date (the latest request counts), with the latest call recorded."""
    calendar = calendar_for(program)
    days = program.n_number_escalation_days
    candidates = _escalation_candidates(program, as_of, agent_ids)
    employee_ids = [r.employee_id for r, _, _ in candidates]
    calls = _latest_calls(employee_ids, as_of)
    n_numbers = dict(
        Agent.objects.filter(employee_id__in=employee_ids).values_list("employee_id", "n_number")
    )
    lines = []
    for record, progress, request in candidates:
        call = calls.get(record.employee_id)
        lines.append(
            {
                "class_code": progress.class_dates(as_of).code,
                "employee_id": record.employee_id,
                "name": record.name,
                "n_number": request.value or n_numbers.get(record.employee_id, ""),
                "requested_on": request.date,
                "escalate_on": rules.escalation_date(request.date, days, calendar),
                "incident_number": call.incident_number if call else "",
                "call_date": call.call_date if call else None,
            }
        )
    lines.sort(key=lambda line: (line["class_code"], line["employee_id"]))
    return lines


SEARCHED_COLUMNS = ["class_code", "employee_id", "name", "accepted_on", "reviewed_by", "file"]


def searched_by_course(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """R-B3/R-B4: the accepted "searched by course number" screenshots, per class."""
    proofs = Proof.objects.filter(
        agent__training_class__program=program,
        item="searched_by_course",
        status=Proof.ACCEPTED,
        reviewed_at__date__lte=as_of,
    ).select_related("agent", "agent__training_class", "reviewed_by")
    if agent_ids is not None:
        proofs = proofs.filter(agent__in=agent_ids)
    latest: dict[str, Proof] = {}
    for proof in proofs.order_by("reviewed_at", "pk"):
        latest[proof.agent.employee_id] = proof
    lines = [
        {
            "class_code": p.agent.training_class.code,
            "employee_id": p.agent.employee_id,
            "name": f"{p.agent.first_name} {p.agent.last_name}",
            "accepted_on": p.reviewed_at.date(),
            "reviewed_by": p.reviewed_by.email if p.reviewed_by else "",
            "file": p.original_name,
            "proof_id": p.pk,
        }
        for p in latest.values()
    ]
    lines.sort(key=lambda line: (line["class_code"], line["employee_id"]))
    return lines


CALLCERT_SUMMARY_COLUMNS = [
    "class_code",
    "agents",
    "calls_scored",
    "calls_passed",
    "passed",
    "failed",
    "pending",
    "call_pass_rate",
    "cert_pass_rate",
]


def callcert_summary(program: Program, as_of: date, agent_ids=None) -> list[dict]:
    """The end-of-day Call Cert summary: per class, from the `callcert` report (SPEC §15).

    call_pass_rate: calls passed / calls scored; cert_pass_rate: agents passed / agents with
    a result (passed or failed); both whole percents, empty when nothing to divide by.
    """
    report = _callcert_report(program, as_of)
    policy = program.policy()
    records = agent_records(
        program, as_of, transfer_task=policy.transfer_task, kinds=("move",), agent_ids=agent_ids
    )
    classes = {r.employee_id: AgentProgress(r, policy).class_dates(as_of).code for r in records}
    totals: dict[str, dict] = defaultdict(
        lambda: (
            dict.fromkeys(("agents", "calls_scored", "calls_passed"), 0)
            | {"passed": 0, "failed": 0, "pending": 0}
        )
    )
    for agent in report["agents"]:
        code = classes.get(agent["employee_id"])
        if code is None:  # not visible to the reader
            continue
        line = totals[code]
        line["agents"] += 1
        line["calls_scored"] += agent["calls_scored"]
        line["calls_passed"] += agent["calls_passed"]
        line[agent["result"]] += 1
    lines = []
    for code in sorted(totals):
        line = totals[code]
        decided = line["passed"] + line["failed"]
        lines.append(
            {
                "class_code": code,
                **line,
                "call_pass_rate": _percent(line["calls_passed"], line["calls_scored"]),
                "cert_pass_rate": _percent(line["passed"], decided),
            }
        )
    return lines


# The facts the `callcert` report's rule reads (as esp.reports.builders.KINDS["callcert"]).
CALLCERT_KINDS = ("task", "call", "status", "move")


def _callcert_report(program: Program, as_of: date) -> dict:
    """The `callcert` report of SPEC §15 for every agent of the program (the rule of
    esp.rules.reports, fed as esp.reports.builders.build_report feeds it)."""
    policy = program.policy()
    records = agent_records(
        program, as_of, transfer_task=policy.transfer_task, kinds=CALLCERT_KINDS
    )
    ctx = report_rules.Context(policy=policy, calendar=calendar_for(program), as_of=as_of)
    return report_rules.BUILDERS["callcert"](records, ctx)


def _percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    return int(part * 100 / whole + 0.5)


def visible_agent_ids(user):
    """The pks of the agents the user may see today, whatever the page's day (issue 12 item 2),
    as a subquery; None for the ESP Manager (every agent, no filter)."""
    if scopes.has_role(user, scopes.ESP_MANAGER):
        return None
    return scopes.visible_agents(user).values("pk")
