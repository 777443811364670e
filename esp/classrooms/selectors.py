"""Reads of the virtual classroom planner (SPEC §10, R-S1–R-S3): a class's rooms per phase
with their warnings and missing links, the agents a room invites, the ESP invite ladder, the
rooms due for the Today pages, and the lookups of the pages (404 outside the user's scope).
The rules themselves are in `esp.rules.classrooms`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.http import Http404

from esp.access import scopes
from esp.lib import compiled
from esp.lib.request_memo import once_kept
from esp.programs.calendars import calendar_for
from esp.programs.models import DaySchedule, Phase, Program
from esp.progress.selectors import agent_records, agents_in_scope
from esp.roster.models import Agent, ClassDay, TrainingClass
from esp.roster.roles import CERT_COORDINATOR, ESP_MANAGER, LICENSING, TL
from esp.rules import classrooms as rules
from esp.rules.calendar import CalendarError
from esp.rules.progress import AgentProgress

from .models import BREAKOUT, CALL_CERT, MAIN, SHADOWING, Classroom, Invitation

# R-S1: the side rooms each phase needs besides its main classroom.
SIDE_ROOMS = {"esp": (CALL_CERT, SHADOWING, BREAKOUT)}
DEFAULT_SIDE_ROOMS = (BREAKOUT,)
# §3: who owns a phase's classrooms besides the ESP Manager and the class's TLs
PHASE_OWNERS = {"licensing": LICENSING, "esp": CERT_COORDINATOR}


def dates_of(values) -> list[date]:
    """An invitation's days (ISO texts) as dates."""
    return [date.fromisoformat(v) for v in values]


def lifetime(phase: Phase) -> int:
    return phase.link_lifetime_days or rules.DEFAULT_LINK_LIFETIME_DAYS


def may_change(user, phase: Phase) -> bool:
    """The ESP Manager and TLs change any room of a class they see; Licensing only the
    licensing phase's rooms, the Cert Coordinator only the ESP phase's (§3 owners)."""
    if scopes.has_role(user, ESP_MANAGER, TL):
        return True
    owner = PHASE_OWNERS.get(phase.key)
    return owner is not None and scopes.has_role(user, owner)


# -- class days and hours ------------------------------------------------------------------------


def schedules(program: Program) -> dict[int | None, tuple[time, time]]:
    """The program's class-day hours per phase id (None: every other phase), one query
    (settings: kept per settings version on a page that opted in, esp.lib.request_memo)."""
    rows = once_kept(
        ("day_schedules", program.pk, program.policy_stamp),
        lambda: tuple(
            DaySchedule.objects.filter(program=program).values_list("phase_id", "start", "end")
        ),
    )
    return {phase_id: (start, end) for phase_id, start, end in rows}


def day_times(program: Program, phase: Phase, known: dict | None = None) -> tuple[time, time]:
    """R-A1: the phase's class-day hours, else the program's, else 8:00 AM–4:30 PM."""
    known = known if known is not None else schedules(program)
    return known.get(phase.pk) or known.get(None) or (time(8), time(16, 30))


def room_days(room: Classroom, calendar, closed: set[date] | None = None) -> list[date]:
    """The class days a room serves: business days of its span, less the class's closures."""
    if closed is None:
        closed = _closures([room.training_class_id])[room.training_class_id]
    return [
        d for d in rules.served_days(calendar, room.first_day, room.last_day) if d not in closed
    ]


def phase_spans(training_class: TrainingClass, calendar) -> list[tuple[Phase, list[date]]]:
    """Each phase of the class with a length and its scheduled days (§3)."""
    spans = []
    rows = sorted(training_class.phase_starts.all(), key=lambda row: row.phase.order)
    for row in rows:
        phase = row.phase
        if phase.length is None:
            continue
        try:
            spans.append((phase, rules.phase_days(calendar, row.start_date, phase.length)))
        except CalendarError:
            continue
    return spans


# -- the plan ------------------------------------------------------------------------------------


@dataclass
class RoomPlan:
    room: Classroom
    days: list[date]
    warnings: list[rules.Warning]
    invited: int
    cancelled: int


@dataclass
class PhasePlan:
    phase: Phase
    days: list[date]
    rooms: list[RoomPlan] = field(default_factory=list)
    missing_links: list[tuple[date, date]] = field(default_factory=list)
    missing_sides: list[str] = field(default_factory=list)
    past: bool = False  # the phase ended before D

    @property
    def warning_count(self) -> int:
        if self.past:
            return 0
        return (
            sum(1 for r in self.rooms for w in r.warnings if w.severity == "warning")
            + len(self.missing_links)
            + len(self.missing_sides)
        )


@dataclass(frozen=True)
class _PlanInputs:
    """What every room of a program's plans is checked against."""

    calendar: object
    zone: ZoneInfo
    hours: dict
    used: dict[int, set[date]]  # the days each room's active invitations use, extensions too
    as_of: date
    now: datetime


def class_plan(training_class: TrainingClass, as_of: date, now: datetime) -> list[PhasePlan]:
    return class_plans([training_class], as_of, now)[training_class.pk]


def _closures(ids) -> dict[int, set[date]]:
    closures: dict[int, set[date]] = defaultdict(set)
    for class_id, day in ClassDay.objects.filter(
        training_class_id__in=ids, closed=True
    ).values_list("training_class_id", "date"):
        closures[class_id].add(day)
    return closures


def _used_days(ids) -> dict[int, set[date]]:
    used: dict[int, set[date]] = defaultdict(set)
    for room_id, days in Invitation.objects.filter(
        classroom__training_class_id__in=ids, status=Invitation.ACTIVE
    ).values_list("classroom_id", "days"):
        used[room_id].update(dates_of(days))
    return used


def _rooms_of(ids) -> dict[int, list[Classroom]]:
    rooms: dict[int, list[Classroom]] = defaultdict(list)
    for room in (
        Classroom.objects.filter(training_class_id__in=ids, cancelled_at=None)
        .select_related("phase")
        .annotate(
            invited=Count("invitations", filter=Q(invitations__status=Invitation.ACTIVE)),
            cancelled=Count("invitations", filter=Q(invitations__status=Invitation.CANCELLED)),
        )
        .order_by("phase__order", "first_day", "kind", "pk")
    ):
        rooms[room.training_class_id].append(room)
    return rooms


def class_plans(classes, as_of: date, now: datetime) -> dict[int, list[PhasePlan]]:
    """Each class's plan (R-S1), by class id: five queries whatever the number of classes
    (their phase dates prefetched, as the planner's list does)."""
    classes = list(classes)
    if not classes:
        return {}
    program = classes[0].program
    calendar = calendar_for(program)
    zone = ZoneInfo(program.time_zone)
    hours = schedules(program)
    ids = [c.pk for c in classes]
    closures = _closures(ids)
    inputs = _PlanInputs(calendar, zone, hours, _used_days(ids), as_of, now)
    rooms = _rooms_of(ids)
    return {c.pk: _plan(c, rooms[c.pk], closures[c.pk], inputs) for c in classes}


def _room_facts(room, phase, served, start, inputs: _PlanInputs) -> rules.RoomFacts:
    sent_at = room.invites_sent_at
    invited = room.kind == MAIN and not room.overflow  # ahead of time, to everyone
    return rules.RoomFacts(
        days=tuple(sorted(set(served) | inputs.used.get(room.pk, set()))),
        link=room.link,
        valid_from=room.link_valid_from or (served[0] if served else None),
        lifetime_days=lifetime(phase),
        lead_days=phase.invite_lead_days if invited else None,
        hours_ahead=phase.link_sent_hours_ahead if invited else None,
        opens_at=datetime.combine(served[0], start, tzinfo=inputs.zone) if served else None,
        invites_sent_at=sent_at,
        invites_sent_on=sent_at.astimezone(inputs.zone).date() if sent_at else None,
        link_sent_at=room.link_sent_at,
    )


def _covered_span(room, phase, served) -> tuple[date, date] | None:
    """The days of `served` an invited main room's link covers (first, last), if any."""
    if not (room.kind == MAIN and not room.overflow and room.link and served):
        return None
    valid_from = room.link_valid_from or served[0]
    last_ok = rules.link_last_day(valid_from, lifetime(phase))
    ok = [d for d in served if valid_from <= d <= last_ok]
    return (ok[0], ok[-1]) if ok else None


def _phase_plan(training_class, phase, scheduled, rooms, closed, inputs) -> PhasePlan:
    days = [d for d in scheduled if d not in closed]
    plan = PhasePlan(phase, days)
    start, _ = day_times(training_class.program, phase, inputs.hours)
    covered = []
    kinds = set()
    for room in (r for r in rooms if r.phase_id == phase.pk):
        served = room_days(room, inputs.calendar, closed)
        facts = _room_facts(room, phase, served, start, inputs)
        warnings = rules.room_warnings(facts, inputs.calendar, inputs.as_of, inputs.now)
        plan.rooms.append(RoomPlan(room, served, warnings, room.invited, room.cancelled))
        kinds.add(room.kind)
        span = _covered_span(room, phase, served)
        if span:
            covered.append(span)
    if days and days[-1] < inputs.as_of:
        plan.past = True  # over: nothing left to plan
    else:
        needed = rules.link_segments(days, lifetime(phase))
        plan.missing_links = rules.missing_links(needed, covered)
        plan.missing_sides = [
            k for k in SIDE_ROOMS.get(phase.key, DEFAULT_SIDE_ROOMS) if k not in kinds
        ]
    return plan


def _plan(training_class, rooms, closed, inputs: _PlanInputs) -> list[PhasePlan]:
    return [
        _phase_plan(training_class, phase, scheduled, rooms, closed, inputs)
        for phase, scheduled in phase_spans(training_class, inputs.calendar)
    ]


# -- the agents a room invites -------------------------------------------------------------------


def room_agents(room: Classroom, as_of: date) -> list[Agent]:
    """The agents a class's room invites: those in flight as of D who belong to the class
    (home class or an R-T3 move) when the room opens, or on D if it is open already."""
    program = room.training_class.program
    code = room.training_class.code
    on = max(as_of, room.first_day)
    candidates = agents_in_scope(program, as_of, class_code=code, in_flight=True)
    records = agent_records(
        program, on, kinds=("move",), agent_ids=list(candidates.values_list("pk", flat=True))
    )
    policy = program.policy()
    members = {
        r.employee_id for r in records if AgentProgress(r, policy).class_dates(on).code == code
    }
    return list(
        candidates.filter(employee_id__in=members).order_by(
            "last_name", "first_name", "employee_id"
        )
    )


def invited_agent_ids(room: Classroom) -> set[int]:
    """The agents holding an invitation to `room`, active or cancelled."""
    return set(room.invitations.values_list("agent_id", flat=True))


# -- R-S3: the ESP invite ladder -----------------------------------------------------------------


def esp_phase(program: Program) -> Phase | None:
    key = program.policy().esp_phase
    found = compiled.objects(
        ("classrooms.esp_phase", program.pk, key),
        lambda: Phase.objects.filter(program=program, key=key)[:1],
    )
    return found[0] if found else None


@dataclass
class LadderRow:
    agent: Agent
    invitation: Invitation
    days: list[date]
    step: rules.InviteStep
    targets: list[tuple[Classroom, tuple[date, ...]]] = field(default_factory=list)
    proposal: list[date] = field(default_factory=list)
    open_tasks: tuple[str, ...] = ()  # the Call Cert / TBT tasks still open (R-S3)


def _esp_invitations(phase: Phase, agents, as_of: date) -> dict[int, Invitation]:
    """The active ESP invitation of each of `agents` not known out of flight by `as_of` (their
    `settled_on`: the ladder is for agents in flight only, R-S3), the program's ESP `phase`.
    Every agent's (`agents` None): compiled once per phase and day (esp.lib.compiled)."""

    def invitations():
        in_flight = Q(agent__settled_on__isnull=True) | Q(agent__settled_on__gt=as_of)
        return (
            Invitation.objects.filter(
                in_flight,
                status=Invitation.ACTIVE,
                classroom__phase=phase,
                classroom__kind=MAIN,
                classroom__cancelled_at=None,
            )
            .select_related("classroom__training_class", "agent")
            .order_by("agent_id", "-updated_at", "-pk")
        )

    if agents is None:  # every agent (a filter by all of them made SQLite probe each room
        # for each agent: 0.3 s at 20,000)
        rows = compiled.objects(("classrooms.esp_invitations", phase.pk, as_of), invitations)
    else:
        rows = invitations().filter(agent__in=agents)
    found: dict[int, Invitation] = {}
    for invitation in rows:
        found.setdefault(invitation.agent_id, invitation)
    return found


def esp_rooms(program: Program, as_of: date) -> dict[int, tuple[Classroom, tuple[date, ...]]]:
    """The ESP main classrooms running or starting next, each with the days it serves (its
    class's closures read in one query for them all)."""
    rooms = list(
        Classroom.objects.filter(
            phase=esp_phase(program), kind=MAIN, cancelled_at=None, last_day__gt=as_of
        ).select_related("training_class")
    )
    closed = _closures({room.training_class_id for room in rooms})
    calendar = calendar_for(program)
    return {
        room.pk: (room, tuple(room_days(room, calendar, closed[room.training_class_id])))
        for room in rooms
    }


def move_targets(
    program: Program, as_of: date, exclude_room: int | None = None, *, rooms=None
) -> list:
    """ESP main classrooms running or starting next, with their days after `as_of` (`rooms`:
    `esp_rooms(program, as_of)` when the caller asks for several)."""
    rooms = rooms if rooms is not None else esp_rooms(program, as_of)
    found = rules.move_targets(
        (
            rules.RoomDays(pk, room.training_class.code, days)
            for pk, (room, days) in rooms.items()
            if pk != exclude_room
        ),
        as_of,
    )
    return [(rooms[target.room_id][0], target.days) for target in found]


def _ladder_step(invitation, phase, progress, as_of, calendar) -> LadderRow | None:
    days = dates_of(invitation.days)
    step = rules.esp_invite_next(
        progress, days, invitation.extensions, phase.max_extension_days, as_of, calendar
    )
    if step is None:
        return None
    open_tasks = rules.esp_invite_open(progress, as_of)
    return LadderRow(invitation.agent, invitation, days, step, open_tasks=open_tasks)


def esp_ladder(program: Program, as_of: date, agents) -> list[LadderRow]:
    """R-S3: agents in the ESP phase whose Call Certs or TBTs are still open (not only the RTS
    paperwork or the transfer) and whose invite ends today or has ended: extend it by a day
    (up to the phase's maximum), then move them to another ESP classroom (one running or
    starting next) or propose a new one. `agents`: a query of agents or ids; None: all agents."""
    phase = esp_phase(program)
    if phase is None:
        return []
    calendar = calendar_for(program)
    policy = program.policy()
    invitations = {i.agent.employee_id: i for i in _esp_invitations(phase, agents, as_of).values()}
    if not invitations:
        return []
    ids = [i.agent_id for i in invitations.values()]
    rows = []
    targets_cache: dict[int, list] = {}
    rooms = None  # the ESP rooms, read once when a row needs a move
    for record in agent_records(program, as_of, in_flight=True, agent_ids=ids):
        progress = AgentProgress(record, policy)
        row = _ladder_step(invitations[record.employee_id], phase, progress, as_of, calendar)
        if row is None:
            continue
        if row.step.action == rules.MOVE:
            room_id = row.invitation.classroom_id
            if room_id not in targets_cache:
                rooms = rooms if rooms is not None else esp_rooms(program, as_of)
                targets_cache[room_id] = move_targets(
                    program, as_of, exclude_room=room_id, rooms=rooms
                )
            row.targets = targets_cache[room_id]
            if not row.targets:
                row.proposal = rules.proposed_days(calendar, as_of, phase.length or 3)
        rows.append(row)
    rows.sort(key=lambda r: (r.invitation.classroom.training_class.code, r.agent.last_name))
    return rows


# -- for the Today pages and the breakout queue --------------------------------------------------


@dataclass
class InviteDue:
    room: Classroom
    deadline: date
    late: bool


def invites_due(classes, as_of: date, *, within: int = 2) -> list[InviteDue]:
    """Main rooms of `classes` whose invites are not sent and are due within `within`
    business days of D, or late (R-S1). Two queries. `classes` None: every class's (the ESP
    Manager's), the rooms' query compiled once per day (esp.lib.compiled)."""

    def waiting():
        return Classroom.objects.filter(
            kind=MAIN,
            cancelled_at=None,
            invites_sent_at=None,
            first_day__gt=as_of,
            phase__invite_lead_days__isnull=False,
        ).select_related("training_class__program", "phase")

    if classes is None:
        rooms = compiled.objects(("classrooms.invites_due", as_of), waiting)
    else:
        rooms = list(waiting().filter(training_class__in=classes))
    if not rooms:
        return []
    calendar = calendar_for(rooms[0].training_class.program)
    horizon = calendar.add_business_days(as_of, within)
    found = []
    for room in rooms:
        deadline = rules.invite_deadline(calendar, room.first_day, room.phase.invite_lead_days)
        if deadline <= horizon:
            found.append(InviteDue(room, deadline, deadline < as_of))
    found.sort(key=lambda due: (due.deadline, due.room.training_class.code, due.room.first_day))
    return found


def breakout_rooms_open(classes, day: date) -> list[Classroom]:
    """The planner's breakout rooms of `classes` open on `day` (R-S1, for the R-S4 queue)."""
    return list(
        Classroom.objects.filter(
            training_class__in=classes,
            kind=BREAKOUT,
            cancelled_at=None,
            first_day__lte=day,
            last_day__gte=day,
        )
        .select_related("training_class")
        .order_by("training_class__code", "name")
    )


# -- the pages' lookups --------------------------------------------------------------------------


def get_class_for_user(user, code: str) -> TrainingClass:
    """The class `code` with its program and phase dates (404 outside the user's scope)."""
    training_class = (
        scopes.visible_classes(user)
        .select_related("program")
        .prefetch_related("phase_starts__phase")
        .filter(code=code)
        .first()
    )
    if training_class is None:
        raise Http404
    return training_class


def get_room_for_user(user, training_class: TrainingClass, room_id) -> Classroom:
    """A room of the class the user may change (404 otherwise)."""
    room = (
        Classroom.objects.filter(training_class=training_class, pk=room_id)
        .select_related("phase", "training_class__program")
        .first()
    )
    if room is None or not may_change(user, room.phase):
        raise Http404
    return room


def get_agent_for_user(user, employee_id: str) -> Agent:
    """The agent with their class's program (404 outside the user's scope)."""
    agent = (
        scopes.visible_agents(user)
        .select_related("training_class__program")
        .filter(employee_id=employee_id)
        .first()
    )
    if agent is None:
        raise Http404
    return agent


def phase_of(program: Program, key: str) -> Phase | None:
    return Phase.objects.filter(program=program, key=key).first()


def room_by_id(room_id: int) -> Classroom | None:
    return Classroom.objects.filter(pk=room_id).select_related("training_class").first()


def running_classes(user, program: Program, as_of: date, calendar) -> list[tuple]:
    """The classes of the user's scope still running on `as_of`, each with its phase spans:
    long-over classes (production began more than a month ago) are not read at all."""
    running = []
    for training_class in (
        scopes.visible_classes(user)
        .filter(program=program)
        .exclude(
            phase_starts__phase__key="production",
            phase_starts__start_date__lt=as_of - timedelta(days=31),
        )
        .select_related("program")
        .prefetch_related("phase_starts__phase")
        .order_by("start_date", "code")
    ):
        spans = phase_spans(training_class, calendar)
        if spans and spans[-1][1][-1] >= as_of:
            running.append((training_class, spans))
    return running


# -- the sections other pages show ---------------------------------------------------------------


@dataclass
class AgentInvitation:
    invitation: Invitation
    days: list[date]


def agent_invitations(agent: Agent) -> list[AgentInvitation]:
    """The agent's classroom invitations (R-S2), cancelled ones too, by first day: one query."""
    return [
        AgentInvitation(i, dates_of(i.days))
        for i in Invitation.objects.filter(agent=agent)
        .select_related("classroom__training_class", "classroom__phase")
        .order_by("classroom__first_day", "pk")
    ]


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's classrooms part (esp.progress.hooks): the agent's invitations (R-S2),
    room, link, days and the class-day hours in the program's time zone (issue 15 item 6);
    cancelled ones marked."""
    program = agent.training_class.program
    known = schedules(program)
    return {
        "classrooms_panel": {
            "rows": [
                {
                    "invitation": row.invitation,
                    "days": row.days,
                    "hours": day_times(program, row.invitation.classroom.phase, known),
                }
                for row in agent_invitations(agent)
            ],
            "time_zone": program.time_zone,
        }
    }
