"""Today pages (SPEC §1, R-N5, R-N7): what each role must do now, with links to act.

One view assembles the sections the user's roles call for, each read through the access
layer, so a TL's page holds only their classes and an agent never gets here.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.shortcuts import render

from esp.access import scopes
from esp.access.writes import may_write
from esp.callqueue.selectors import over_the_clock
from esp.lib import clock
from esp.lib.dates import picked_day
from esp.mailing.models import OutboxMessage
from esp.programs.calendars import calendar_for
from esp.progress.models import CarrierTicket, Fact, Proof
from esp.progress.selectors import FACT_KINDS, agent_records
from esp.progress.services import open_flags
from esp.reports.builders import build_report, program_for, scoped_report
from esp.reports.render import SECTION_TITLES
from esp.roster.models import Agent, ClassPhase
from esp.rules.progress import Progress
from esp.upkeep.models import GapReport

from . import charts


def _names(employee_ids) -> dict[str, str]:
    return {
        employee_id: f"{first} {last}"
        for employee_id, first, last in Agent.objects.filter(
            employee_id__in=set(employee_ids)
        ).values_list("employee_id", "first_name", "last_name")
    }


def _in_flight(user, program, as_of):
    """The records of the active, not yet transferred agents the user may see, with Progress."""
    visible = scopes.visible_agents(user).values("pk")
    records = agent_records(
        program,
        as_of,
        in_flight=True,
        agent_ids=visible,
        transfer_task=program.policy().transfer_task,
        kinds=(*FACT_KINDS, "flag"),  # the red flags raised and resolved (R-N4b)
    )
    policy = program.policy()
    return [Progress(record, policy) for record in records]


def classes_at_a_glance(program, as_of, flying, incompletions, actions) -> list[dict]:
    late = Counter()
    for section in incompletions["sections"]:
        if section["key"] != "transfer_needed":
            for line in section["agents"]:
                late[line["class_code"]] += 1
    by_class: dict[str, list] = defaultdict(list)
    for progress in flying:
        by_class[progress.class_dates(as_of).code].append(progress)
    due = Counter()
    employee_class = {p.record.employee_id: code for code, items in by_class.items() for p in items}
    for action in actions["actions"]:
        due[employee_class.get(action["employee_id"], "")] += 1
    phases = {}
    for code, name, start in (
        ClassPhase.objects.filter(training_class__code__in=by_class, start_date__lte=as_of)
        .order_by("training_class__code", "phase__order")
        .values_list("training_class__code", "phase__name", "start_date")
    ):
        phases[code] = (name, start)
    calendar = calendar_for(program)
    rows = []
    for code in sorted(by_class):
        name, start = phases.get(code, ("Not started", None))
        rows.append(
            {
                "code": code,
                "phase": name,
                "day": calendar.age(start, as_of) + 1 if start else None,
                "agents": len(by_class[code]),
                "late": late[code],
                "due": due[code],
            }
        )
    return rows


def today(request):
    user = request.user
    program = program_for()
    as_of = picked_day(request, program)
    roles = scopes.roles(user)
    incompletions = scoped_report(user, build_report("incompletions", as_of=as_of, program=program))
    actions = scoped_report(user, build_report("actions", as_of=as_of, program=program))
    flying = _in_flight(user, program, as_of)
    ids = [p.record.employee_id for p in flying]
    names = _names(ids + [a["employee_id"] for a in actions["actions"]])
    for action in actions["actions"]:
        action["name"] = names.get(action["employee_id"], action["employee_id"])
    context = {
        "section_titles": SECTION_TITLES,
        "as_of": as_of,
        "roles": roles,
        "incompletions": incompletions,
        "late_count": sum(
            len(s["agents"]) for s in incompletions["sections"] if s["key"] != "transfer_needed"
        ),
        "actions": actions["actions"],
        "overdue": [a for a in actions["actions"] if a["status"] == "overdue"],
        "proofs_waiting": Proof.objects.filter(
            status=Proof.SUBMITTED, agent__in=scopes.visible_agents(user)
        ).count(),
    }
    reported = set(
        Fact.objects.filter(kind="self_report", date=as_of, agent__employee_id__in=ids).values_list(
            "agent__employee_id", flat=True
        )
    )
    touched = set(
        Fact.objects.filter(
            date=as_of, kind__in=("task", "tbt", "call", "equipment"), agent__employee_id__in=ids
        ).values_list("agent__employee_id", flat=True)
    )
    if roles & {scopes.TL, scopes.ESP_MANAGER, scopes.CERT_COORDINATOR}:
        context["not_reported"] = sorted(
            (
                {
                    "employee_id": p.record.employee_id,
                    "name": p.record.name,
                    "class_code": p.class_dates(as_of).code,
                }
                for p in flying
                if p.record.employee_id not in reported
            ),
            key=lambda a: (a["class_code"], a["name"]),
        )
    if scopes.TL in roles:
        context["checklist"] = {
            "not_touched": sum(1 for e in ids if e not in touched),
            "due": len(actions["actions"]),
            "not_reported": sum(1 for e in ids if e not in reported),
            "tickets": CarrierTicket.objects.filter(date=as_of, recorded_by=user).count(),
            "agents": len(ids),
        }
    if scopes.ESP_MANAGER in roles:
        context["classes"] = classes_at_a_glance(program, as_of, flying, incompletions, actions)
        context["extensions"] = build_report("extensions", as_of=as_of, program=program)["classes"]
        context["sends"] = OutboxMessage.objects.filter(
            status__in=[OutboxMessage.FAILED, OutboxMessage.UNCERTAIN]
        ).order_by("created_at")
        # R-N7: only a link and a count here; the checks themselves (too slow to compute on
        # every page load of a big season) are on /upkeep/.
        context["teams"] = {"gap_reports": GapReport.objects.filter(day=as_of).count()}
        context.update(pictures(program, as_of, flying, incompletions))
    if may_write(user, "termination_decision"):  # R-L5: the PM decides termination reviews
        from esp.accountability.selectors import pending_termination_reviews

        context["termination_reviews"] = list(pending_termination_reviews(user))
    if roles & {scopes.ESP_MANAGER, scopes.PM}:
        context["transfers"] = next(
            s["agents"] for s in incompletions["sections"] if s["key"] == "transfer_needed"
        )
        flags = []
        for progress in flying:
            for flag in open_flags(
                [f for f in progress.record.facts if f.kind in ("flag", "exam")],
                exam_attempts=program.exam_attempts,
            ):
                flags.append(
                    {
                        "employee_id": progress.record.employee_id,
                        "name": progress.record.name,
                        "flag": flag.value,
                        "since": flag.date,
                    }
                )
        context["flags"] = flags
    if roles & {scopes.CERT_COORDINATOR, scopes.TBT_SME, scopes.CERTIFIER, scopes.ESP_MANAGER}:
        callcert = scoped_report(user, build_report("callcert", as_of=as_of, program=program))
        open_calls = [a for a in callcert["agents"] if a["result"] != "passed"]
        names.update(_names(a["employee_id"] for a in open_calls))
        for line in open_calls:
            line["name"] = names.get(line["employee_id"], line["employee_id"])
        context["callcert"] = open_calls
    if roles & {scopes.TL, scopes.CERT_COORDINATOR, scopes.ESP_MANAGER}:  # R-C2
        context["over_the_clock"] = over_the_clock(
            scopes.visible_agents(user), clock.now(program.time_zone)
        )
    if roles & {scopes.TBT_SME, scopes.ESP_MANAGER}:  # R-B5, R-B7
        from esp.tbt.selectors import behind_pace, help_desk_escalations

        seen = None if scopes.ESP_MANAGER in roles else scopes.visible_agents(user).values("pk")
        context["tbt_behind"] = behind_pace(program, as_of, seen)
        context["tbt_escalations"] = help_desk_escalations(program, as_of, seen)
    if roles & {scopes.LICENSING, scopes.ESP_MANAGER}:
        context["proctored"] = proctored_attempts(flying, as_of, program.exam_attempts)
    if scopes.LICENSING in roles:  # R-I1b: the agents behind the licensing pace
        from esp.pace.selectors import behind_pace as licensing_behind

        seen = scopes.visible_agents(user).values("pk")
        context["pace_behind"] = licensing_behind(program, as_of, seen)
    if scopes.WFM in roles:
        context["attendance"] = (
            Fact.objects.filter(kind="attendance", date=as_of)
            .select_related("agent")
            .order_by("agent__last_name")
        )
    return render(request, "web/today.html", context)


def pictures(program, as_of, flying, incompletions) -> dict:
    """The funnel of in-flight agents by task and the aging of late tasks per class."""
    policy = program.policy()
    names = dict(program.tasks.values_list("key", "name"))
    bars = [
        charts.Bar(
            names.get(task.key, task.key), sum(1 for p in flying if p.is_done(task.key, as_of))
        )
        for task in policy.tasks
    ]
    ages: dict[str, list[int]] = defaultdict(list)
    for section in incompletions["sections"]:
        if section["key"] != "transfer_needed":
            for line in section["agents"]:
                ages[line["class_code"]].append(line["age_business_days"])
    aging = sorted(ages.items())
    return {
        "funnel": bars,
        "funnel_total": len(flying),
        "funnel_svg": charts.funnel_svg(
            bars, len(flying), title=f"Agents in flight who have done each task, {as_of:%m/%d/%Y}"
        ),
        "aging": [
            {"code": code, "buckets": charts.bucket_counts(values), "total": len(values)}
            for code, values in aging
        ],
        "aging_buckets": [name for name, _, _ in charts.AGE_BUCKETS],
        "aging_svg": charts.aging_svg(
            aging, title=f"Late tasks per class by age in business days, {as_of:%m/%d/%Y}"
        ),
    }


def proctored_attempts(flying, as_of, attempts: int) -> list[dict]:
    """R-N4a: agents one fail away from the last attempt of an exam, who have not passed it:
    licensing arranges a proctored attempt."""
    found = []
    for progress in flying:
        fails: Counter = Counter()
        passed = set()
        for fact in progress.facts("exam"):
            if fact.date > as_of:
                break
            if fact.value == "failed":
                fails[fact.item] += 1
            else:
                passed.add(fact.item)
        for exam, count in sorted(fails.items()):
            if count == attempts - 1 and exam not in passed:
                found.append(
                    {
                        "employee_id": progress.record.employee_id,
                        "name": progress.record.name,
                        "exam": exam,
                        "fails": count,
                    }
                )
    return found
