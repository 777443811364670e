"""Which teams keep up (R-N7): per TL, licensing user and cert coordinator, the day's checks.

Every check is computed from data the teams already record; nobody ticks anything by hand.
The reads are a fixed number of queries whatever the number of people and agents: the
in-flight agents' records once (esp.progress.selectors), then one query per kind of data
(people, class TLs, proofs, carrier tickets, pace-grid ticks, outbox rows, connections, gap
reports); the checks themselves are the pure rules of esp.rules.upkeep and
esp.rules.checklist (R-N5). A day that is not a business day expects nothing of anyone.

- TL (their classes as of the day, as in the evening checklist, R-N5, once the class has
  started): statuses touched today (a status fact or a pace-grid tick), due ladder steps
  delivered, self-reports, equipment issues with an IT ticket; the checklist e-mail's
  status is shown beside.
- Licensing (classes in the licensing phase): proofs waiting for review with their age,
  licensing-phase agents updated today, proctored last attempts to arrange (R-N4a).
- Cert Coordinator (classes in the ESP phase): agents over the 4-hour clock (R-C2, live:
  today only), calls not passed without a follow-up (a note or a delivered step on or after
  the call), the end-of-day Call Cert report sent (R-N2).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q

from esp.access.scopes import PHASE_WINDOWS
from esp.callqueue.selectors import connection_line, running_connections
from esp.lib.display import clock_time
from esp.mailing.models import OutboxMessage
from esp.pace.models import ModuleProgress
from esp.pace.selectors import arranged_pairs
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import CarrierTicket, Proof
from esp.progress.selectors import agent_records
from esp.roster.models import TrainingClass
from esp.roster.roles import CERT_COORDINATOR, LICENSING, TL
from esp.rules import checklist as checklists
from esp.rules import upkeep as checks
from esp.rules.progress import AgentProgress
from esp.rules.reports import Context
from esp.rules.upkeep import Check

from .models import GapReport, StatusConfirmation, TicketsConfirmation

__all__ = ["TEAM_ROLES", "Check", "Upkeep", "person_upkeep", "team_upkeep"]

TEAM_ROLES = (TL, LICENSING, CERT_COORDINATOR)
STATUS_KINDS = checklists.STATUS_KINDS  # R-N5 "statuses touched or confirmed"
KINDS = (
    *STATUS_KINDS,
    "exam",
    "action",
    "status",
    "move",
    "attendance",
    "note",
    "self_report",
)
CALLCERT_REPORT = "callcert_summary"
CHECKLIST_REPORT = "tl_checklist"
SENT_LABELS = {
    OutboxMessage.SENT: "sent",
    OutboxMessage.PENDING: "queued",
    OutboxMessage.SENDING: "sending",
    OutboxMessage.FAILED: "failed",
    OutboxMessage.UNCERTAIN: "uncertain",
    OutboxMessage.NO_RECIPIENTS: "not sent: no recipients",
    OutboxMessage.EMPTY: "not sent: nothing to report",
}


@dataclass
class Upkeep:
    """One person in one role on one day."""

    person_id: int
    name: str
    email: str
    role: str
    agents: int
    checks: list[Check]
    remark: str = ""
    report: GapReport | None = None

    @property
    def gaps(self) -> int:
        return sum(len(c.open) for c in self.checks)


@dataclass
class Day:
    """What the teams did on the day, read once: the in-flight agents and each kind of data."""

    ctx: Context
    flying: list[AgentProgress]
    marks: checklists.DayMarks
    tls_of_class: dict[str, list[int]]
    tickets: dict[str, int]
    waiting_proofs: dict[str, list[tuple[str, date]]]
    sends: dict[tuple[str, str], str]
    over_clock: list[dict]
    live: bool
    people: dict[str, list[tuple[int, str, str]]]


# -- the reads: one query per kind of data ---------------------------------------------------


def _day_bounds(as_of: date, time_zone: str) -> tuple[datetime, datetime]:
    start = datetime.combine(as_of, time.min, tzinfo=ZoneInfo(time_zone))
    return start, start + timedelta(days=1)


def _people() -> dict[str, list[tuple[int, str, str]]]:
    """Role -> (pk, name, e-mail) of the people in it, by name."""
    User = get_user_model()
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    rows = (
        User.objects.filter(groups__name__in=TEAM_ROLES)
        .order_by("last_name", "first_name", "email")
        .values_list("pk", "first_name", "last_name", "email", "groups__name")
    )
    for pk, first, last, email, role in rows:
        name = f"{first} {last}".strip() or email
        found[role].append((pk, name, email))
    return found


def _flying(program: Program, ctx: Context) -> list[AgentProgress]:
    records = agent_records(
        program, ctx.as_of, in_flight=True, transfer_task=ctx.policy.transfer_task, kinds=KINDS
    )
    return [p for p in (AgentProgress(r, ctx.policy) for r in records) if p.is_active(ctx.as_of)]


def _tls_of_class(program: Program) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for code, user_id in TrainingClass.tls.through.objects.filter(
        trainingclass__program=program
    ).values_list("trainingclass__code", "user_id"):
        found[code].append(user_id)
    return found


def _tickets(program: Program, as_of: date) -> dict[str, int]:
    """Employee id -> carrier tickets recorded on the day."""
    found: dict[str, int] = defaultdict(int)
    for employee_id in CarrierTicket.objects.filter(
        date=as_of, agent__training_class__program=program
    ).values_list("agent__employee_id", flat=True):
        found[employee_id] += 1
    return found


def _ticked(program: Program, as_of: date) -> set[str]:
    """Licensing's pace-grid ticks (and unticks) are updates too: recorded that day, or
    ticked as done on it."""
    start, end = _day_bounds(as_of, program.time_zone)
    return set(
        ModuleProgress.objects.filter(agent__training_class__program=program)
        .filter(Q(recorded_at__gte=start, recorded_at__lt=end) | Q(done_on=as_of))
        .values_list("agent__employee_id", flat=True)
        .distinct()
    )


def _waiting_proofs(program: Program, as_of: date) -> dict[str, list[tuple[str, date]]]:
    """Employee id -> (item, local day submitted) of the proofs waiting at the day's end."""
    zone = ZoneInfo(program.time_zone)
    _, end = _day_bounds(as_of, program.time_zone)
    found: dict[str, list[tuple[str, date]]] = defaultdict(list)
    for employee_id, item, submitted_at in (
        Proof.objects.filter(agent__training_class__program=program, submitted_at__lt=end)
        .filter(Q(status=Proof.SUBMITTED) | Q(reviewed_at__gte=end))
        .order_by("submitted_at")
        .values_list("agent__employee_id", "item", "submitted_at")
    ):
        found[employee_id].append((item, submitted_at.astimezone(zone).date()))
    return found


def _sends(as_of: date) -> dict[tuple[str, str], str]:
    return {
        (report, list_key): status
        for report, list_key, status in OutboxMessage.objects.filter(
            business_day=as_of, report__in=(CALLCERT_REPORT, CHECKLIST_REPORT)
        ).values_list("report", "list_key", "status")
    }


def _gap_reports(as_of: date) -> dict[int, GapReport]:
    return {r.person_id: r for r in GapReport.objects.filter(day=as_of).select_related("sent_by")}


def _over_clock(program: Program, now: datetime) -> list[dict]:
    """R-C2, live: the program's connected agents over the clock, as check lines."""
    zone = ZoneInfo(program.time_zone)
    connections = (
        running_connections()
        .filter(agent__training_class__program=program)
        .order_by("connected_at")
    )
    lines = [connection_line(connection, now) for connection in connections]
    return [
        {
            "employee_id": line["agent"].employee_id,
            "name": line["agent"].name,
            "detail": f"connected {clock_time(line['connected_at'].astimezone(zone))} with "
            f"{line['certifier']}, {line['calls_scored']} of {line['calls_per_agent']} calls scored",
        }
        for line in lines
        if line["over"]
    ]


def read_day(program: Program, ctx: Context, now: datetime) -> Day:
    """Every read the day's checks need, a fixed number of queries."""
    flying = _flying(program, ctx)
    marks = checklists.day_marks((p.record for p in flying), ctx.as_of)
    touched = marks.touched | _ticked(program, ctx.as_of)
    live = ctx.as_of == now.astimezone(ZoneInfo(program.time_zone)).date()
    return Day(
        ctx=ctx,
        flying=flying,
        marks=checklists.DayMarks(frozenset(touched), marks.reported, confirmed_on(ctx.as_of)),
        tls_of_class=_tls_of_class(program),
        tickets=_tickets(program, ctx.as_of),
        waiting_proofs=_waiting_proofs(program, ctx.as_of),
        sends=_sends(ctx.as_of),
        over_clock=_over_clock(program, now) if live else [],
        live=live,
        people=_people(),
    )


# -- the steps: who owes what, per role ------------------------------------------------------


def _agents_of_tls(day: Day) -> dict[int, list[AgentProgress]]:
    """TL pk -> the agents of their classes (as of the day) once the class has started."""
    as_of = day.ctx.as_of
    found: dict[int, list[AgentProgress]] = defaultdict(list)
    for progress in day.flying:
        if checks.class_started(progress, as_of):  # nothing is owed before the class begins
            for user_id in day.tls_of_class.get(progress.class_dates(as_of).code, ()):
                found[user_id].append(progress)
    return found


def _tl_rows(day: Day) -> list[Upkeep]:
    ctx, by_tl = day.ctx, _agents_of_tls(day)
    rows = []
    for pk, name, email in day.people.get(TL, []):
        agents = checks.by_name(by_tl.get(pk, []))
        checklist = checklists.evening_checklist(agents, ctx, day.marks)
        found = checks.tl_checks(
            agents,
            checklist,
            delivered=sum(checklists.delivered_on(p.record, ctx.as_of) for p in agents),
            tickets=sum(day.tickets[p.record.employee_id] for p in agents),
        )
        sent = day.sends.get((CHECKLIST_REPORT, f"tl:{email.lower()}"))
        remark = f"Evening checklist e-mail: {SENT_LABELS.get(sent, 'not sent yet')}"
        rows.append(Upkeep(pk, name, email, TL, len(agents), found, remark=remark))
    return rows


def _in_window(day: Day, role: str) -> list[AgentProgress]:
    window = PHASE_WINDOWS[role]
    return checks.by_name(p for p in day.flying if checks.in_window(p, window, day.ctx.as_of))


def _licensing_rows(day: Day, attempts: int) -> list[Upkeep]:
    agents, ctx = _in_window(day, LICENSING), day.ctx
    arranged = arranged_pairs(attempts)  # issue 15 item 13: arranged is done
    return [
        Upkeep(
            pk,
            name,
            email,
            LICENSING,
            len(agents),
            checks.licensing_checks(
                agents, day.waiting_proofs, day.marks, ctx.calendar, ctx.as_of, attempts, arranged
            ),
        )
        for pk, name, email in day.people.get(LICENSING, [])
    ]


def _cert_rows(day: Day) -> list[Upkeep]:
    agents = _in_window(day, CERT_COORDINATOR)
    sent = [status for (report, _), status in day.sends.items() if report == CALLCERT_REPORT]
    status = SENT_LABELS.get(sent[0] if sent else "", "not sent yet")
    return [
        Upkeep(
            pk,
            name,
            email,
            CERT_COORDINATOR,
            len(agents),
            checks.cert_checks(
                agents,
                day.over_clock,
                as_of=day.ctx.as_of,
                pass_mark=day.ctx.policy.call_pass_mark,
                live=day.live,
                report_sent=OutboxMessage.SENT in sent,
                report_status=status,
            ),
        )
        for pk, name, email in day.people.get(CERT_COORDINATOR, [])
    ]


def team_upkeep(program: Program, as_of: date, now: datetime) -> list[Upkeep]:
    """R-N7: every TL, licensing user and cert coordinator with the day's checks; none on a
    day that is not a business day (nothing is expected of the teams)."""
    calendar = calendar_for(program)
    if not checks.expects_checks(calendar, as_of):
        return []
    ctx = Context(policy=program.policy(), calendar=calendar, as_of=as_of)
    day = read_day(program, ctx, now)
    rows = [*_tl_rows(day), *_licensing_rows(day, program.exam_attempts), *_cert_rows(day)]
    reports = _gap_reports(as_of)
    for row in rows:
        row.report = reports.get(row.person_id)
    return rows


def person_upkeep(program: Program, as_of: date, now: datetime, person_id: int) -> list[Upkeep]:
    """The rows (one per team role) of one person."""
    return [row for row in team_upkeep(program, as_of, now) if row.person_id == person_id]


# -- the TL's evening checklist (R-N5; issue 15 item 12) -------------------------------------


def confirmed_on(day: date, agent_ids=None) -> frozenset[str]:
    """The employee ids whose statuses a TL confirmed unchanged on the day."""
    found = StatusConfirmation.objects.filter(day=day)
    if agent_ids is not None:
        found = found.filter(agent__in=agent_ids)
    return frozenset(found.values_list("agent__employee_id", flat=True))


def tickets_confirmed(user, day: date) -> bool:
    """Whether the user confirmed the day's tickets submitted through the five forms."""
    return TicketsConfirmation.objects.filter(user=user, day=day).exists()


def tickets_confirmed_emails(day: date) -> frozenset[str]:
    """The e-mails of the people who confirmed the day's tickets submitted (lower case)."""
    emails = TicketsConfirmation.objects.filter(day=day).values_list("user__email", flat=True)
    return frozenset(e.lower() for e in emails)


def checklist_mail_state(user, day: date) -> str:
    """Where the user's checklist e-mail of the day is: "sent", "queued"... ("": not planned)."""
    row = OutboxMessage.objects.filter(
        report=CHECKLIST_REPORT, list_key=f"tl:{user.email.lower()}", business_day=day
    ).first()
    return SENT_LABELS.get(row.status, row.status) if row else ""
