"""Demo breakout visits (R-S4) for `esp demo`: a few agents in flight in an ESP-phase class
waiting, in a room and done, dated relative to now."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef

from esp.breakouts import services
from esp.breakouts.models import HelpRequest
from esp.lib import clock
from esp.programs.calendars import calendar_for
from esp.progress.selectors import agents_in_scope
from esp.roster.models import ClassPhase
from esp.roster.roles import TBT_SME
from esp.roster.services.staff import ensure_staff


def in_esp_phase(program, as_of: date):
    """Agents in flight whose class is in its ESP phase (the call-cert classrooms)."""
    policy = program.policy()
    agents = agents_in_scope(program, as_of, in_flight=True, transfer_task=policy.transfer_task)
    started = ClassPhase.objects.filter(
        training_class=OuterRef("training_class"), phase__key="esp", start_date__lte=as_of
    )
    over = ClassPhase.objects.filter(
        training_class=OuterRef("training_class"), phase__key="production", start_date__lte=as_of
    )
    in_esp = agents.filter(Exists(started)).exclude(Exists(over))
    return in_esp if in_esp.exists() else agents


#: The breakout rooms' day (program time): the demo's visits fall inside it, before "now".
OPENS, CLOSES = time(8, 0), time(18, 0)
MORNING = timedelta(minutes=100)  # the earliest of today's visits was asked 95 minutes ago


def working_now(now: datetime, calendar) -> datetime:
    """The moment the demo's visits lead up to: `now` during a business day's open hours (at
    least 100 minutes after opening), the closing time once the rooms are closed, else the
    previous business day's closing time (no 4:16 AM visits, issue 17 item 12)."""
    day = now.date()
    if calendar.is_business_day(day):
        if now >= datetime.combine(day, OPENS, tzinfo=now.tzinfo) + MORNING:
            return min(now, datetime.combine(day, CLOSES, tzinfo=now.tzinfo))
        day = calendar.previous_business_day(day)
    else:
        day = calendar.previous_business_day(day)
    return datetime.combine(day, CLOSES, tzinfo=now.tzinfo)


def _visit(
    now, sme, agent, topic, need, *, asked, leader=None, room="", taken=None, outcome="", done=None
) -> None:
    """One help request `asked` minutes before `now`; taken and done when those are given."""
    request = services.help_ask(
        agent=agent,
        topic=topic,
        need=need,
        actor=agent.user or leader or agent.tl,
        now=now - timedelta(minutes=asked),
    )
    if taken is not None:
        leader = leader or sme
        services.help_take(
            help_request=request, room=room, actor=leader, now=now - timedelta(minutes=taken)
        )
    if done is not None:
        services.help_done(
            help_request=request, outcome=outcome, actor=leader, now=now - timedelta(minutes=done)
        )


def _visits(a: list, sme) -> list[tuple]:
    """The six visits: (agent, topic, need, when and by whom)."""
    return [
        (
            a[0],
            HelpRequest.OTHER,
            "Questions about the call-cert schedule",
            {
                "asked": 30,
                "leader": a[0].tl or sme,
                "room": "Breakout 1",
                "taken": 25,
                "outcome": "Walked through the schedule and the 4-hour clock",
                "done": 10,
            },
        ),
        (
            a[1],
            HelpRequest.TBT_RETAKE,
            "Failed TBT 104, needs a retake",
            {
                "asked": 95,
                "room": "Breakout 1",
                "taken": 90,
                "done": 60,
                "outcome": "Retook TBT 104 with the SME: passed",
            },
        ),
        (
            a[2],
            HelpRequest.CARRIER_SITE,
            "Carrier portal locked after password reset",
            {
                "asked": 75,
                "room": "Breakout 2",
                "taken": 70,
                "done": 45,
                "outcome": "Unlocked through the carrier help line; ticket noted",
            },
        ),
        (
            a[3],
            HelpRequest.EQUIPMENT,
            "Headset mic not picked up in the softphone",
            {"asked": 20, "leader": a[3].tl or sme, "room": "Breakout 2", "taken": 12},
        ),
        (a[4], HelpRequest.TBT_RETAKE, "Needs the TBT 102 retake link", {"asked": 9}),
        (a[5], HelpRequest.CARRIER_SITE, "AHIP site does not accept my login", {"asked": 4}),
    ]


def demo_breakouts(program, as_of: date) -> int:
    """Six visits: one done yesterday, two done today, one in a room, two waiting. Returns how
    many requests it made (0 when there are too few agents)."""
    agents = list(
        in_esp_phase(program, as_of)
        .select_related("tl")
        .order_by("training_class__code", "employee_id")[:6]
    )
    if len(agents) < 6 or HelpRequest.objects.exists():
        return 0
    calendar = calendar_for(program)
    now = working_now(clock.now(program.time_zone), calendar)
    # the first visit was on the previous business day, at the same time
    yesterday = datetime.combine(
        calendar.previous_business_day(now.date()), now.timetz().replace(tzinfo=None)
    ).replace(tzinfo=now.tzinfo)
    sme = ensure_staff("tbt.sme@esp.example", TBT_SME)
    for k, (agent, topic, need, when) in enumerate(_visits(agents, sme)):
        _visit(yesterday if k == 0 else now, sme, agent, topic, need, **when)
    return 6
