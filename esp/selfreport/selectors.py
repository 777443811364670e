"""Reads of self-reports (SPEC R-N1, R-N5): a link by its token, an agent's active link,
whether their links ended with their time in the program, the report of a day, and who has
not reported."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from django.db.models import Exists, OuterRef, QuerySet

from esp.access import scopes
from esp.access.writes import may_write
from esp.lib import clock
from esp.progress.models import Fact
from esp.progress.selectors import agents_in_scope
from esp.roster.models import Agent
from esp.rules.board import in_flight
from esp.rules.emailed_reports import Person

from .models import SelfReportLink

MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _time_zone(agent: Agent) -> str:
    return agent.training_class.program.time_zone


def active_at(now: datetime) -> dict:
    """The filter of the links active at `now`: not revoked, not expired."""
    return {"revoked_at__isnull": True, "expires_at__gt": now}


def link_ended(agent: Agent, *, day: date | None = None) -> bool:
    """True once the agent's employment ended (termed, resigned, withdrawn) or their transfer
    task is done, as of `day` (today in the program's time zone): their links end then."""
    program = agent.training_class.program
    day = day or clock.today(program.time_zone)
    in_flight = agents_in_scope(
        program, day, agent_ids=[agent.pk], in_flight=True, transfer_task=_transfer_task(program)
    )
    return not in_flight.exists()


def _transfer_task(program) -> str:
    return next((task.key for task in program.task_rows() if task.is_transfer), "transfer")


def _page_facts(agent: Agent, page, today: date) -> tuple[bool, Fact | None]:
    """`link_ended(agent)` and `report_of_day(agent, today)`, from the agent page's facts
    when given (`page.all_facts`, every date; issue 14: read once for the page)."""
    if page is None:
        return link_ended(agent), report_of_day(agent, today)
    program = agent.training_class.program
    ended = not in_flight(page.all_facts, today, transfer_task=_transfer_task(program))
    report = next((f for f in page.all_facts if f.kind == "self_report" and f.date == today), None)
    return ended, report


def active_link(agent: Agent, *, now: datetime | None = None) -> SelfReportLink | None:
    now = now or clock.now(_time_zone(agent))
    return SelfReportLink.objects.filter(agent=agent, **active_at(now)).first()


def link_for_token(token: str, *, now: datetime | None = None) -> SelfReportLink | None:
    """The active link of a URL's token; None for an unknown, expired or revoked one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    now = now or clock.now()
    return (
        SelfReportLink.objects.select_related("agent__training_class__program")
        .filter(token_hash=token_hash(token), **active_at(now))
        .first()
    )


def report_of_day(agent: Agent, day: date) -> Fact | None:
    """The agent's self-report dated `day`, if they sent one."""
    return Fact.objects.filter(agent=agent, kind="self_report", date=day).order_by("pk").first()


def not_reported(agents, day: date) -> QuerySet[Agent]:
    """The agents among `agents` (a queryset or an iterable of agents) with no self-report
    dated `day`: one query when evaluated."""
    if not isinstance(agents, QuerySet):
        agents = Agent.objects.filter(pk__in=[a.pk for a in agents])
    reported = Fact.objects.filter(agent=OuterRef("pk"), kind="self_report", date=day)
    return agents.filter(~Exists(reported))


def not_reported_rows(agents, day: date) -> list[dict]:
    """`not_reported` as the rows the Today page lists: employee_id, name, class_code."""
    return [
        {"employee_id": e, "name": f"{first} {last}", "class_code": code}
        for e, first, last, code in not_reported(agents, day)
        .order_by("training_class__code", "first_name", "last_name", "employee_id")
        .values_list("employee_id", "first_name", "last_name", "training_class__code")
    ]


def class_agents(user, training_class, day: date) -> QuerySet[Agent]:
    """The class's active agents as of `day` that `user` sees, by employee id."""
    program = training_class.program
    return (
        agents_in_scope(program, day, class_code=training_class.code, in_flight=True)
        .filter(pk__in=scopes.visible_agents(user).values("pk"))
        .select_related("training_class__program")
        .order_by("employee_id")
    )


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's self-report part (esp.progress.hooks): for the agent themselves, the
    form of today's report (issue 15 item 6); for staff, the agent's link (active until, last
    used) for users who may send one, the form of a report received by e-mail for those who
    may record one (item 5), whether the agent signs in, and whether self-reports ended."""
    own = agent.user_id is not None and agent.user_id == user.pk
    can_send = may_write(user, "self_report_link", None, agent)  # not a certifier
    can_record = not own and may_write(user, "self_report", None, agent)
    shown = own or can_send or can_record
    today = clock.today(_time_zone(agent))
    ended, report = _page_facts(agent, page, today) if shown else (False, None)
    return {
        "selfreport_panel": {
            "agent": agent,
            "own": own,
            "can_send": can_send,
            "can_record": can_record,
            "link": active_link(agent) if can_send else None,
            "ended": ended,
            "today": today,
            "report": report,
            "account": agent.user if can_send else None,
        }
    }


def agent_of(user) -> Agent | None:
    """The signed-in agent's own record (None for an account not linked to an agent)."""
    if not user.is_authenticated:
        return None
    return Agent.objects.select_related("training_class__program").filter(user=user).first()


def people_of(agents) -> list[Person]:
    """The agents as the pasted-reports reader names them (esp.rules.emailed_reports)."""
    return [Person(a.employee_id, a.first_name, a.last_name) for a in agents]
