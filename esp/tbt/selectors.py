"""TBT reads (R-B3–R-B7) and the end-of-day summaries (R-N2): selectors → pure rules → lines.

Every function takes the program, the as-of date and optionally `agent_ids` (a queryset of
agent pks the reader may see); each returns plain dicts a page, CSV or e-mail renders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery

from esp.access import scopes
from esp.mailing.models import DistributionList
from esp.programs.calendars import calendar_for
from esp.programs.models import DaySchedule, Program
from esp.progress.models import Proof
from esp.progress.selectors import agent_records
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.roles import CERTIFIER, TBT_SME
from esp.rules import reports as report_rules
from esp.rules import tbt as rules
from esp.rules.attendance import Schedule, working_minutes
from esp.rules.progress import AgentProgress

from .models import HelpDeskCall, TbtAccess, TbtSme

User = get_user_model()

TBT_KINDS = ("task", "tbt", "status", "move")
# Seed 000: "Compile and send to Torrey, Amanda, and Danielle" — the program's named leaders:
# R-B4's carrier-leadership list (issue 15 item 4), edited on the distribution lists page.
SEARCHED_LIST = "carrier_leadership"
SEARCHED_LIST_NAME = "Carrier leadership"


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
        kinds=("status", "move", "n_number", "task", "tbt"),
        agent_ids=agent_ids,
    )
    granted = dict(
        TbtAccess.objects.filter(agent__training_class__program=program).values_list(
            "agent__employee_id", "granted_on"
        )
    )
    task = rules.tbt_task_key(policy)
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
            tbts_open=not (task and progress.is_done(task, as_of)),
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
    N-Number request date (the latest request counts) whose TBTs are still open, with the
    latest call recorded."""
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
            "reviewed_by": (p.reviewed_by.get_full_name() or p.reviewed_by.email)
            if p.reviewed_by
            else "",
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


# -- the N-Number request dates of a class (seed 000; issue 15 item 3) -----------------------


def class_agents_with_requests(training_class, as_of: date, agent_ids=None) -> list[dict]:
    """The agents of the class as of D (moves included) that the reader may see, each with
    their latest N-Number request (date and N-Number) or None."""
    program = training_class.program
    policy = program.policy()
    records = agent_records(
        program,
        as_of,
        class_code=training_class.code,
        kinds=("move", "n_number"),
        agent_ids=agent_ids,
    )
    found = []
    for record in records:
        progress = AgentProgress(record, policy)
        if progress.class_dates(as_of).code != training_class.code:
            continue
        requests = [f for f in progress.facts("n_number") if f.item == "requested"]
        found.append({"record": record, "request": requests[-1] if requests else None})
    return found


def agents_by_employee_id(employee_ids) -> dict[str, Agent]:
    return {a.employee_id: a for a in Agent.objects.filter(employee_id__in=list(employee_ids))}


# -- seed 000: the 8-hour TBT expectation and the TBT SMEs of a class (issue 15 item 4) -------


def esp_day_minutes(program: Program) -> int:
    """The working minutes of an ESP class day (R-A1: the ESP phase's schedule, else the
    program's default one; 450 when the program has none)."""
    rows = {
        phase_key: row
        for phase_key, row in (
            (row.phase.key if row.phase else None, row)
            for row in DaySchedule.objects.filter(program=program).select_related("phase")
        )
    }
    row = rows.get(program.policy().esp_phase) or rows.get(None)
    if row is None:
        return 450
    return working_minutes(
        Schedule(
            start=row.start,
            end=row.end,
            first_break_minutes=row.break_minutes,
            second_break_minutes=row.break_minutes,
            lunch_minutes=row.lunch_minutes,
        )
    )


def tbt_clock(program: Program, as_of: date, agent_pks) -> dict[int, dict]:
    """Agent pk -> the TBT access day, the day the TBTs are due by (seed 000: `tbt_hours` of
    class time from access) and whether they went over it, for the agents given."""
    policy = program.policy()
    task = rules.tbt_task_key(policy)
    pks = list(agent_pks)
    access = dict(
        TbtAccess.objects.filter(agent__in=pks, granted_on__lte=as_of).values_list(
            "agent_id", "granted_on"
        )
    )
    if not access or task is None:
        return {pk: {"access_on": day, "due_on": None, "over": False} for pk, day in access.items()}
    calendar, minutes = calendar_for(program), esp_day_minutes(program)
    records = agent_records(program, as_of, kinds=("task", "tbt"), agent_ids=list(access))
    pk_of = dict(Agent.objects.filter(pk__in=list(access)).values_list("employee_id", "pk"))
    found = {}
    for record in records:
        pk = pk_of[record.employee_id]
        progress = AgentProgress(record, policy)
        done_on = rules.done_since(progress, task, as_of)
        found[pk] = {
            "access_on": access[pk],
            "done_on": done_on,
            "due_on": rules.tbt_due_on(access[pk], program.tbt_hours, minutes, calendar),
            "over": rules.tbt_over_time(
                access_on=access[pk],
                done_on=done_on,
                hours=program.tbt_hours,
                day_minutes=minutes,
                as_of=as_of,
                calendar=calendar,
            ),
        }
    return found


def board_marks(program: Program, as_of: date, agent_pks) -> dict[int, dict]:
    """The class board's and the tracker's TBT part (esp.progress.hooks.board_marks): per
    agent pk, the day TBT access works and, while the TBTs are open past their `tbt_hours`,
    the mark the TBT cell shows (a late mark is for what is still to do; TBTs done late say
    so on the SME's Today and the agent page)."""
    clock = tbt_clock(program, as_of, agent_pks)
    task = rules.tbt_task_key(program.policy()) or "tbt"
    return {
        pk: {
            "access_on": line["access_on"],
            "marks": {task: f"over {program.tbt_hours} h"}
            if line["over"] and line.get("done_on") is None
            else {},
        }
        for pk, line in clock.items()
    }


def smes_of(classes) -> dict[int, list]:
    """Class pk -> its TBT SMEs (users), in the order assigned."""
    found: dict[int, list] = defaultdict(list)
    for sme in TbtSme.objects.filter(training_class__in=classes).select_related("user"):
        found[sme.training_class_id].append(sme.user)
    return found


def sme_candidates():
    """Who may be a class's TBT SME: the active certifiers and TBT SMEs (R-B4)."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[CERTIFIER, TBT_SME])
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def classes_for_smes(today: date):
    """The classes whose production phase has not started: those whose TBTs an SME follows
    now or soon, by ESP start (the ESP Manager's and the Cert Coordinator's page: the
    coordinator assigns SMEs before a class reaches ESP, when the class is not yet in their
    scope)."""
    production = ClassPhase.objects.filter(
        training_class=OuterRef("pk"), phase__key="production", start_date__lte=today
    )
    esp_start = ClassPhase.objects.filter(training_class=OuterRef("pk"), phase__key="esp")
    return (
        TrainingClass.objects.exclude(Exists(production))
        .annotate(esp_start=Subquery(esp_start.values("start_date")[:1]))
        .order_by("esp_start", "code")
    )


def my_sme_classes(user):
    """The classes the user is a TBT SME of."""
    return TrainingClass.objects.filter(tbt_smes__user=user).order_by("code")


def sme_tbt_lines(user, program: Program, as_of: date, codes=None, among=None) -> list[dict]:
    """The SME's Today: the TBT lines of the agents of their classes whose TBTs are open
    (seed 000: "ensure all agents are completing TBTs in a timely manner"; an agent done with
    them asks nothing of the SME, issue 17), each with its 8-hour clock, those over it first.
    `codes`: the SME's class codes when already read; `among` (a query of agent ids): the
    agents that may have such a line (the page narrows them through the day's built lines),
    else every agent of the classes."""
    codes = set(my_sme_classes(user).values_list("code", flat=True) if codes is None else codes)
    if not codes:
        return []
    agent_ids = Agent.objects.filter(training_class__code__in=codes).values("pk")
    if among is not None:
        agent_ids = among
    lines = [
        line
        for line in _tbt_lines(program, as_of, agent_ids)
        if line["class_code"] in codes and not line["tbt_done"]
    ]
    pk_of = dict(
        Agent.objects.filter(employee_id__in=[line["employee_id"] for line in lines]).values_list(
            "employee_id", "pk"
        )
    )
    clock = tbt_clock(program, as_of, pk_of.values())
    for line in lines:
        tick = clock.get(pk_of[line["employee_id"]], {})
        line["access_on"] = tick.get("access_on")
        line["due_on"] = tick.get("due_on")
        line["over"] = tick.get("over", False)
    lines.sort(key=lambda line: (not line["over"], line["class_code"], line["name"]))
    return lines


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's TBT part (esp.progress.hooks; seed 000, R-B5): the date of the latest
    N-Number request, TBT access, the 8-hour clock, help-desk calls and the class's TBT SMEs.
    Staff only: an agent reading their own page gets none of it."""
    if scopes.sees_as_agent(user):
        return {"tbt_panel": None}
    program = agent.training_class.program
    requests = [f for f in page.n_number_requests if f.item == "requested"]
    clock = tbt_clock(program, page.as_of, [agent.pk]).get(agent.pk, {})
    return {
        "tbt_panel": {
            "agent": agent,
            "request": requests[-1] if requests else None,
            "access_on": clock.get("access_on"),
            "due_on": clock.get("due_on"),
            "over": clock.get("over", False),
            "tbt_hours": program.tbt_hours,
            "calls": list(agent.help_desk_calls.all()[:3]),
            "smes": [
                sme.user
                for sme in TbtSme.objects.filter(
                    training_class__code=page.class_code
                ).select_related("user")
            ],
            "class_code": page.class_code,
        }
    }


def proofs_by_id(ids) -> dict[int, Proof]:
    proofs = Proof.objects.filter(pk__in=list(ids)).select_related("agent", "reviewed_by")
    return {p.pk: p for p in proofs}


def searched_list():
    """The distribution list the searched-by-course screenshots go to (None: not created)."""
    return DistributionList.objects.filter(key=SEARCHED_LIST).prefetch_related("members").first()
