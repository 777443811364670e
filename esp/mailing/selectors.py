"""Mail reads: distribution lists, the outbox pages, what a schedule already planned, and
the recipients and program a mailed report is for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.shortcuts import get_object_or_404

from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.roster.models import TrainingClass
from esp.roster.roles import ESP_MANAGER

from .models import DistributionList, OutboxMessage, Schedule

DEFAULT_TIME_ZONE = "America/Chicago"


def first_program_time_zone() -> str:
    program = Program.objects.first()
    return program.time_zone if program else DEFAULT_TIME_ZONE


def is_esp_manager(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name=ESP_MANAGER).exists())


def program_tls(program: Program) -> list[str]:
    """The e-mails of the TLs of the program's classes (a TL report's recipients)."""
    return sorted(
        {
            email.lower()
            for email in TrainingClass.objects.filter(program=program)
            .exclude(tls=None)
            .values_list("tls__email", flat=True)
        }
    )


def lists_show() -> dict[str, list[str]]:
    return {
        dl.key: dl.addresses
        for dl in DistributionList.objects.prefetch_related("members").order_by("key")
    }


def list_rows() -> list[dict]:
    """Each distribution list with its name, addresses and the mailed reports scheduled to
    it (their keys; the lists page)."""
    names = dict(DistributionList.objects.values_list("key", "name"))
    reports: dict[str, list[str]] = {}
    for key, report in (
        Schedule.objects.filter(distribution_list__isnull=False)
        .order_by("send_time", "report")
        .values_list("distribution_list__key", "report")
    ):
        if report not in reports.setdefault(key, []):
            reports[key].append(report)
    return [
        {
            "key": key,
            "name": names.get(key, key),
            "addresses": addresses,
            "reports": reports.get(key, []),
        }
        for key, addresses in lists_show().items()
    ]


def list_keys() -> list[str]:
    return list(DistributionList.objects.values_list("key", flat=True))


def outbox_messages(status: str = ""):
    """The outbox, newest first, optionally of one status (paginated by the page)."""
    messages = OutboxMessage.objects.prefetch_related("attachments").order_by("-created_at", "-pk")
    if status:
        messages = messages.filter(status=status)
    return messages


def outbox_message(pk: int) -> OutboxMessage:
    """One outbox message with its attachments, for its preview (404 when there is none)."""
    return get_object_or_404(OutboxMessage.objects.prefetch_related("attachments"), pk=pk)


@dataclass(frozen=True)
class UpcomingSend:
    schedule: Schedule
    at: datetime  # the next send time, in the program's time zone


def upcoming_sends(now: datetime) -> list[UpcomingSend]:
    """Each active schedule's next send time after `now` (a business day, from its active-from
    day on), soonest first: when the scheduled reports not yet in the outbox will go."""
    upcoming = []
    for schedule in active_schedules():
        zone = ZoneInfo(schedule.program.time_zone)
        calendar = calendar_for(schedule.program)
        day = max(now.astimezone(zone).date(), schedule.active_from)
        for _ in range(400):  # a business day comes within a year
            at = datetime.combine(day, schedule.send_time, zone)
            if at > now and calendar.is_business_day(day):
                upcoming.append(UpcomingSend(schedule, at))
                break
            day += timedelta(days=1)
    return sorted(upcoming, key=lambda u: (u.at, u.schedule.report))


def needing_attention():
    """Failed and uncertain sends, oldest first: the ESP Manager decides what to do."""
    return OutboxMessage.objects.filter(
        status__in=[OutboxMessage.FAILED, OutboxMessage.UNCERTAIN]
    ).order_by("created_at")


def get_undecided_message(pk: int) -> OutboxMessage:
    """A failed or uncertain message awaiting the ESP Manager's decision (404 otherwise)."""
    return get_object_or_404(
        OutboxMessage, pk=pk, status__in=[OutboxMessage.FAILED, OutboxMessage.UNCERTAIN]
    )


def last_planned_day(schedule: Schedule) -> date | None:
    return OutboxMessage.objects.filter(schedule=schedule).aggregate(day=Max("business_day"))["day"]


def planned_list_keys(schedule: Schedule, day: date) -> set[str]:
    return set(
        OutboxMessage.objects.filter(schedule=schedule, business_day=day).values_list(
            "list_key", flat=True
        )
    )


def active_schedules():
    return Schedule.objects.filter(is_active=True).select_related("program", "distribution_list")


def messages_keyed(prefix: str) -> list[OutboxMessage]:
    """The outbox messages whose key starts with `prefix`, oldest first (one agent's
    workbooks, one agent's call-certification notices: issue 15 item 2)."""
    return list(OutboxMessage.objects.filter(key__startswith=prefix).order_by("pk"))
