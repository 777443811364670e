"""Planning scheduled reports: every business day whose send time has passed gets its
messages in the outbox, once (R-N2, §17).

Planning starts from the schedule's active-from date, or from the last business day already
planned, so a worker that was down plans each missed business day once when it comes back
(marked late), and never a day before the schedule became active.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from esp.programs.calendars import calendar_for

from ..messages import Message
from ..models import DistributionList, OutboxMessage, Schedule
from ..registry import MailedReport, Outgoing, mailed_report
from ..selectors import active_schedules, last_planned_day, planned_list_keys
from .outbox import enqueue

LATE_AFTER = timedelta(minutes=30)


def send_moment(schedule: Schedule, day: date) -> datetime:
    return datetime.combine(day, schedule.send_time, ZoneInfo(schedule.program.time_zone))


def due_days(schedule: Schedule, now: datetime) -> list[date]:
    """Business days from the first unplanned one up to the last whose send time has passed."""
    calendar = calendar_for(schedule.program)
    local = now.astimezone(ZoneInfo(schedule.program.time_zone))
    last = local.date() if local.time() >= schedule.send_time else local.date() - timedelta(1)
    first = max(schedule.active_from, last_planned_day(schedule) or schedule.active_from)
    days, day = [], first
    while day <= last:
        if calendar.is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _key(schedule: Schedule, list_key: str, day: date) -> str:
    return f"{schedule.report}|{list_key}|{day.isoformat()}"


def _late_copy(message: Message, day: date) -> Message:
    return Message(
        subject=f"[late] {message.subject}",
        text=f"This report for {day:%m/%d/%Y} is sent late.\n\n{message.text}",
        html=message.html,
        attachments=message.attachments,
    )


def _enqueue_outgoing(
    schedule: Schedule, report: MailedReport, outgoing: Outgoing, day: date, now: datetime
) -> OutboxMessage | None:
    """One recipient's message of the day in the outbox (an `empty` row when there is
    nothing to report, so the day counts as planned for them)."""
    late = now > send_moment(schedule, day) + LATE_AFTER
    if outgoing.message is None:
        message, to = Message(subject=f"{report.title}: nothing to report", text=""), []
    else:
        message, to = outgoing.message, outgoing.to
        if late:
            message = _late_copy(message, day)
    row = enqueue(
        key=_key(schedule, outgoing.list_key, day),
        report=schedule.report,
        list_key=outgoing.list_key,
        to=to,
        message=message,
        now=now,
        business_day=day,
        schedule=schedule,
        late=late,
    )
    if row is not None and outgoing.message is None:
        OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.EMPTY)
    return row


def _plan_day(
    schedule: Schedule, report: MailedReport, day: date, now: datetime
) -> list[OutboxMessage]:
    existing = planned_list_keys(schedule, day)
    if set(report.expected_keys(schedule.program, schedule.distribution_list)) <= existing:
        return []
    created = []
    for outgoing in report.build(
        schedule.program, day, distribution_list=schedule.distribution_list
    ):
        if outgoing.list_key in existing:
            continue
        row = _enqueue_outgoing(schedule, report, outgoing, day, now)
        if row is not None:
            created.append(row)
    return created


def plan_schedule(schedule: Schedule, now: datetime) -> list[OutboxMessage]:
    """Every due business day of the schedule planned once into the outbox."""
    report = mailed_report(schedule.report)
    if report is None:
        return []
    created = []
    for day in due_days(schedule, now):
        created.extend(_plan_day(schedule, report, day, now))
    return created


def plan_due(*, now: datetime) -> list[OutboxMessage]:
    created = []
    for schedule in active_schedules():
        created.extend(plan_schedule(schedule, now))
    return created


DEFAULT_SCHEDULES = [
    # report, audience, list, send time (program time zone)
    ("daily_incompletions", Schedule.LIST, "esp_managers", time(18, 0)),
    ("actions_per_tl", Schedule.TLS, None, time(17, 0)),
    ("tl_checklist", Schedule.TLS, None, time(17, 30)),
    ("wfm_digest", Schedule.LIST, "wfm", time(18, 0)),
    ("callcert_summary", Schedule.LIST, "ops_leadership", time(18, 0)),
    ("tbt_completion", Schedule.LIST, "carrier_leadership", time(18, 0)),
    ("licensing_pace", Schedule.LIST, "licensing", time(12, 30)),  # R-I1b: the midday check
]


def ensure_lists_and_schedules(program, *, active_from: date) -> None:
    """The distribution lists of SPEC §1 and the default schedules (idempotent)."""
    for key, name in DistributionList.KEYS:
        DistributionList.objects.get_or_create(key=key, defaults={"name": name})
    for report, audience, list_key, send_time in DEFAULT_SCHEDULES:
        distribution_list = DistributionList.objects.get(key=list_key) if list_key else None
        Schedule.objects.get_or_create(
            program=program,
            report=report,
            distribution_list=distribution_list,
            defaults={"audience": audience, "send_time": send_time, "active_from": active_from},
        )


def send_early(
    *, program, report: str, list_key: str, day: date, now: datetime
) -> OutboxMessage | None:
    """One recipient's scheduled report of the day sent before its time (the TL's evening
    checklist, R-N5; issue 15 item 12): the schedule's missed days are planned first, then the
    day's message goes into the outbox under the key the evening round would use, so that
    round sends it no second time. None: the day's message is already in the outbox (or
    there is no such schedule or recipient)."""
    schedule = (
        Schedule.objects.filter(program=program, report=report).select_related("program").first()
    )
    mailed = mailed_report(report)
    if schedule is None or mailed is None:
        return None
    plan_schedule(schedule, now)
    if list_key in planned_list_keys(schedule, day):
        return None
    for outgoing in mailed.build(program, day, distribution_list=schedule.distribution_list):
        if outgoing.list_key == list_key:
            return _enqueue_outgoing(schedule, mailed, outgoing, day, now)
    return None
