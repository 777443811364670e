"""Demo classrooms (R-S1–R-S3): the rooms of every class running or starting within two
weeks, invites sent on time for the rooms already open, the ones ahead left to send, so the
planner shows its warnings, its missing links and the ESP invite ladder on `esp demo`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from esp.classrooms import services
from esp.classrooms.models import MAIN, Classroom
from esp.lib import clock
from esp.programs.calendars import calendar_for
from esp.roster.models import Agent, TrainingClass
from esp.rules import classrooms as rules

HORIZON = timedelta(days=14)
RECENT = timedelta(days=7)


def _link(code: str, phase: str, number: int) -> str:
    digits = sum(ord(c) for c in f"{code}{phase}") * 1009 + number
    return f"https://global.gotowebinar.com/join/{digits:09d}"


def demo_classrooms(program, as_of: date) -> int:
    calendar = calendar_for(program)
    zone = ZoneInfo(program.time_zone)
    now = clock.now(program.time_zone)
    created = 0
    classes = (
        TrainingClass.objects.filter(program=program)
        .prefetch_related("phase_starts__phase")
        .order_by("start_date", "code")
    )
    for training_class in classes:
        for phase, days in services.phase_spans(training_class, calendar):
            # an ESP phase stays in view a week after its end: its late agents' invites
            # are extended or moved (R-S3)
            ended = days[-1] < as_of - (RECENT if phase.key == "esp" else timedelta(0))
            if ended or days[0] > as_of + HORIZON:
                continue
            segments = rules.link_segments(days, services.lifetime(phase))
            if days[0] > as_of and len(segments) > 1:
                segments = segments[:1]  # the planner lists the extra link still needed
            for number, (first, last) in enumerate(segments, start=1):
                name = f"{phase.name} classroom" + (f" (week {number})" if number > 1 else "")
                room = services.room_create(
                    training_class=training_class,
                    phase=phase,
                    kind=MAIN,
                    name=name,
                    provider="g2t",
                    link=_link(training_class.code, phase.key, number),
                    first_day=first,
                    last_day=last,
                    now=now,
                )
                created += 1
                sent_on = (
                    rules.invite_deadline(calendar, first, phase.invite_lead_days)
                    if phase.invite_lead_days
                    else calendar.previous_business_day(first)
                )
                sent_at = datetime.combine(sent_on, time(10), tzinfo=zone)
                if sent_at <= now:  # due already: the invites went out on time (not later
                    # than the demo's now: before 10 AM today's are still to send)
                    services.invites_send(room=room, now=sent_at, as_of=sent_on)
            for kind in services.SIDE_ROOMS.get(phase.key, services.DEFAULT_SIDE_ROOMS):
                services.room_create(
                    training_class=training_class,
                    phase=phase,
                    kind=kind,
                    name=services.KIND_NAMES[kind],
                    provider="g2t",
                    link=_link(training_class.code, kind, 1),
                    first_day=days[0],
                    last_day=days[-1],
                    now=now,
                )
                created += 1
    _extend_late_invites(program, as_of, calendar, zone)
    return created


def _extend_late_invites(program, as_of: date, calendar, zone) -> None:
    """R-S3 as the TLs would have done it: on each past day, the ESP invites of agents not
    done are extended (up to the phase's 2 days), so today's ladder shows moves too."""
    first = Classroom.objects.filter(phase__key="esp", kind=MAIN).order_by("last_day").first()
    if first is None:
        return
    day = first.last_day
    while day < as_of:
        if calendar.is_business_day(day):
            agents = Agent.objects.filter(invitations__classroom__phase__key="esp").distinct()
            for row in services.esp_ladder(program, day, agents):
                if row.step.action == rules.EXTEND:
                    services.invitation_extend(
                        agent=row.agent,
                        now=datetime.combine(day, time(16), tzinfo=zone),
                        as_of=day,
                    )
        day += timedelta(days=1)
