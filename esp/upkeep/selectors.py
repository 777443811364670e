"""Which teams keep up (R-N7): per TL, licensing user and cert coordinator, the day's checks.

Every check is computed from data the teams already record; nobody ticks anything by hand.
The reads are a fixed number of queries whatever the number of people and agents: the
in-flight agents' records once (esp.progress.selectors), then one query per kind of data
(people, class TLs, proofs, carrier tickets, pace-grid ticks, outbox rows, connections, gap
reports), and the rest is plain Python over those rows and the pure rules. A day that is not
a business day expects nothing of anyone.

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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q

from esp.access.scopes import PHASE_WINDOWS
from esp.callqueue.selectors import connection_line, running_connections
from esp.mailing.models import OutboxMessage
from esp.pace.models import ModuleProgress
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.progress.models import CarrierTicket, Proof
from esp.progress.selectors import agent_records
from esp.roster.models import TrainingClass
from esp.roster.staff import CERT_COORDINATOR, LICENSING, TL
from esp.rules import reports as rules
from esp.rules.progress import Progress

from .models import GapReport

TEAM_ROLES = (TL, LICENSING, CERT_COORDINATOR)
STATUS_KINDS = ("task", "tbt", "call", "equipment")  # R-N5 "statuses touched or confirmed"
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
class Check:
    key: str
    label: str
    expected: int  # how many things should be done today
    open: list[dict] = field(default_factory=list)  # employee_id (optional), name, detail
    remark: str = ""

    @property
    def done(self) -> bool:
        return not self.open

    @property
    def status(self) -> str:
        return "done" if self.done else f"{len(self.open)} open"


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


def _line(progress: Progress, detail: str = "") -> dict:
    record = progress.record
    return {"employee_id": record.employee_id, "name": record.name, "detail": detail}


def _in_window(progress: Progress, role: str, as_of: date) -> bool:
    first, following = PHASE_WINDOWS[role]
    starts = progress.class_dates(as_of).phase_starts
    started, over = starts.get(first), starts.get(following)
    return started is not None and started <= as_of and not (over is not None and over <= as_of)


def _class_started(progress: Progress, as_of: date) -> bool:
    """Whether the class whose dates apply on the day (R-T3) has begun its first phase."""
    starts = progress.class_dates(as_of).phase_starts.values()
    return any(start <= as_of for start in starts)


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


def _exam_to_arrange(progress: Progress, as_of: date, attempts: int) -> list[str]:
    """R-N4a: exams failed attempts − 1 times and not passed: a proctored attempt to arrange
    (the same rule as the Today page's list)."""
    fails: dict[str, int] = defaultdict(int)
    passed = set()
    for fact in progress.facts("exam"):
        if fact.date > as_of:
            break
        if fact.value == "failed":
            fails[fact.item] += 1
        else:
            passed.add(fact.item)
    return [e for e, n in sorted(fails.items()) if n == attempts - 1 and e not in passed]


def _calls_without_follow_up(progress: Progress, as_of: date, pass_mark: int) -> list[str]:
    """Call numbers whose latest score (on or before the day) is under the pass mark, with
    no note and no delivered step on or after the day of that score."""
    latest: dict[int, tuple[date, int]] = {}
    follow_ups = []
    for fact in progress.record.facts:
        if fact.date > as_of:
            break
        if fact.kind == "call":
            try:
                latest[int(fact.item)] = (fact.date, int(fact.value))
            except ValueError:
                continue
        elif fact.kind in ("note", "action"):
            follow_ups.append(fact.date)
    return [
        f"call {number} scored {score} on {day:%m/%d/%Y}"
        for number, (day, score) in sorted(latest.items())
        if score < pass_mark and not any(d >= day for d in follow_ups)
    ]


def team_upkeep(program: Program, as_of: date, now: datetime) -> list[Upkeep]:
    """R-N7: every TL, licensing user and cert coordinator with the day's checks; none on a
    day that is not a business day (nothing is expected of the teams)."""
    policy = program.policy()
    calendar = calendar_for(program)
    if not calendar.is_business_day(as_of):
        return []
    ctx = rules.Context(policy=policy, calendar=calendar, as_of=as_of)
    records = agent_records(
        program, as_of, in_flight=True, transfer_task=policy.transfer_task, kinds=KINDS
    )
    flying = [p for p in (Progress(r, policy) for r in records) if p.is_active(as_of)]

    tls_of_class: dict[str, list[int]] = defaultdict(list)
    for code, user_id in TrainingClass.tls.through.objects.filter(
        trainingclass__program=program
    ).values_list("trainingclass__code", "user_id"):
        tls_of_class[code].append(user_id)

    tickets_today: dict[str, int] = defaultdict(int)
    for employee_id in CarrierTicket.objects.filter(
        date=as_of, agent__training_class__program=program
    ).values_list("agent__employee_id", flat=True):
        tickets_today[employee_id] += 1

    start, end = _day_bounds(as_of, program.time_zone)
    # Licensing's pace-grid ticks (and unticks) are updates too: recorded that day, or
    # ticked as done on it.
    ticked = set(
        ModuleProgress.objects.filter(agent__training_class__program=program)
        .filter(Q(recorded_at__gte=start, recorded_at__lt=end) | Q(done_on=as_of))
        .values_list("agent__employee_id", flat=True)
        .distinct()
    )
    waiting_proofs: dict[str, list[tuple[str, datetime]]] = defaultdict(list)
    for employee_id, item, submitted_at in (
        Proof.objects.filter(agent__training_class__program=program, submitted_at__lt=end)
        .filter(Q(status=Proof.SUBMITTED) | Q(reviewed_at__gte=end))
        .order_by("submitted_at")
        .values_list("agent__employee_id", "item", "submitted_at")
    ):
        waiting_proofs[employee_id].append((item, submitted_at))

    sends = {
        (report, list_key): status
        for report, list_key, status in OutboxMessage.objects.filter(
            business_day=as_of, report__in=(CALLCERT_REPORT, CHECKLIST_REPORT)
        ).values_list("report", "list_key", "status")
    }
    reports = {
        r.person_id: r for r in GapReport.objects.filter(day=as_of).select_related("sent_by")
    }
    live = as_of == now.astimezone(ZoneInfo(program.time_zone)).date()
    over_clock = []
    if live:
        for connection in (
            running_connections()
            .filter(agent__training_class__program=program)
            .order_by("connected_at")
        ):
            line = connection_line(connection, now)
            if line["over"]:
                over_clock.append(line)

    # One pass over the agents: what each one owes today.
    by_tl: dict[int, list[Progress]] = defaultdict(list)
    licensing_agents, cert_agents = [], []
    touched, reported, due, delivered, unticketed = ticked, set(), {}, defaultdict(int), set()
    for progress in flying:
        record = progress.record
        employee_id = record.employee_id
        if _class_started(progress, as_of):  # nothing is owed before the class begins
            for user_id in tls_of_class.get(progress.class_dates(as_of).code, ()):
                by_tl[user_id].append(progress)
        if _in_window(progress, LICENSING, as_of):
            licensing_agents.append(progress)
        if _in_window(progress, CERT_COORDINATOR, as_of):
            cert_agents.append(progress)
        equipment = None
        for fact in record.facts:
            if fact.date == as_of:
                if fact.kind in STATUS_KINDS:
                    touched.add(employee_id)
                elif fact.kind == "self_report":
                    reported.add(employee_id)
                elif fact.kind == "action":
                    delivered[employee_id] += 1
            if fact.kind == "equipment":
                equipment = fact
        if equipment is not None and equipment.item == "issue" and not equipment.value:
            unticketed.add(employee_id)
        due[employee_id] = rules.action_lines(progress, ctx)

    rows: list[Upkeep] = []
    people = _people()
    for pk, name, email in people.get(TL, []):
        agents = sorted(by_tl.get(pk, []), key=lambda p: (p.record.last_name, p.record.name))
        steps = [
            _line(
                p,
                f"{a['step'].replace('_', ' ')} ({a['ladder']}) {a['status']}, "
                f"due {date.fromisoformat(a['due_on']):%m/%d/%Y}",
            )
            for p in agents
            for a in due[p.record.employee_id]
        ]
        delivered_today = sum(delivered[p.record.employee_id] for p in agents)
        checklist = sends.get((CHECKLIST_REPORT, f"tl:{email.lower()}"))
        rows.append(
            Upkeep(
                pk,
                name,
                email,
                TL,
                len(agents),
                [
                    Check(
                        "updates",
                        "Statuses updated today",
                        len(agents),
                        [_line(p) for p in agents if p.record.employee_id not in touched],
                    ),
                    Check(
                        "steps",
                        "Due corrective actions delivered",
                        len(steps) + delivered_today,
                        steps,
                        f"{delivered_today} delivered today",
                    ),
                    Check(
                        "self_reports",
                        "Agents self-reported",
                        len(agents),
                        [_line(p) for p in agents if p.record.employee_id not in reported],
                    ),
                    Check(
                        "tickets",
                        "Equipment issues with an IT ticket",
                        sum(1 for p in agents if p.record.employee_id in unticketed),
                        [
                            _line(p, "equipment issue without a ticket number")
                            for p in agents
                            if p.record.employee_id in unticketed
                        ],
                        f"{sum(tickets_today[p.record.employee_id] for p in agents)} carrier "
                        "ticket(s) recorded today",
                    ),
                ],
                remark=f"Evening checklist e-mail: {SENT_LABELS.get(checklist, 'not sent yet')}",
            )
        )

    proof_lines = []
    arrange = []
    licensing_agents.sort(key=lambda p: (p.record.last_name, p.record.name))
    for progress in licensing_agents:
        for item, submitted_at in waiting_proofs.get(progress.record.employee_id, ()):
            submitted = submitted_at.astimezone(ZoneInfo(program.time_zone)).date()
            age = calendar.age(submitted, as_of)
            proof_lines.append(
                _line(progress, f"{item.replace('_', ' ')} proof waiting {age} business day(s)")
            )
        for exam in _exam_to_arrange(progress, as_of, program.exam_attempts):
            arrange.append(_line(progress, f"{exam.replace('_', ' ')}: proctored attempt"))
    for pk, name, email in people.get(LICENSING, []):
        rows.append(
            Upkeep(
                pk,
                name,
                email,
                LICENSING,
                len(licensing_agents),
                [
                    Check("proofs", "Proofs reviewed", len(proof_lines), list(proof_lines)),
                    Check(
                        "updates",
                        "Licensing-phase agents updated today",
                        len(licensing_agents),
                        [_line(p) for p in licensing_agents if p.record.employee_id not in touched],
                    ),
                    Check(
                        "proctored",
                        "Proctored last attempts arranged",
                        len(arrange),
                        list(arrange),
                        "open until the agent passes or takes the last attempt",
                    ),
                ],
            )
        )

    cert_agents.sort(key=lambda p: (p.record.last_name, p.record.name))
    zone = ZoneInfo(program.time_zone)
    over = [
        {
            "employee_id": line["agent"].employee_id,
            "name": line["agent"].name,
            "detail": f"connected {line['connected_at'].astimezone(zone):%I:%M %p} with "
            f"{line['certifier']}, {line['calls_scored']} of {line['calls_per_agent']} calls scored",
        }
        for line in over_clock
    ]
    not_followed = [
        _line(p, detail)
        for p in cert_agents
        for detail in _calls_without_follow_up(p, as_of, policy.call_pass_mark)
    ]
    callcert_sent = [status for (report, _), status in sends.items() if report == CALLCERT_REPORT]
    for pk, name, email in people.get(CERT_COORDINATOR, []):
        sent = OutboxMessage.SENT in callcert_sent
        rows.append(
            Upkeep(
                pk,
                name,
                email,
                CERT_COORDINATOR,
                len(cert_agents),
                [
                    Check(
                        "clock",
                        "Connected agents within the 4-hour clock",
                        len(over),
                        list(over),
                        "" if live else "the clock is live: shown for today only",
                    ),
                    Check(
                        "follow_up",
                        "Calls not passed followed up",
                        len(not_followed),
                        list(not_followed),
                    ),
                    Check(
                        "callcert_report",
                        "End-of-day Call Cert report sent",
                        1,
                        []
                        if sent
                        else [
                            {
                                "name": "End-of-day Call Cert report",
                                "detail": SENT_LABELS.get(
                                    callcert_sent[0] if callcert_sent else "", "not sent yet"
                                ),
                            }
                        ],
                    ),
                ],
            )
        )
    for row in rows:
        row.report = reports.get(row.person_id)
    return rows


def person_upkeep(program: Program, as_of: date, now: datetime, person_id: int) -> list[Upkeep]:
    """The rows (one per team role) of one person."""
    return [row for row in team_upkeep(program, as_of, now) if row.person_id == person_id]
