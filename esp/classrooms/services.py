"""The virtual classroom planner (SPEC §10, R-S1–R-S3): a class's rooms per phase with their
warnings and missing links, the invitations sent through the outbox as .ics, and the ESP
invite ladder (extend day by day, then move to another ESP classroom or propose one)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, Q

from esp.access.scopes import has_role
from esp.audit.services import audit_record
from esp.mailing.messages import make_message
from esp.mailing.outbox import Attachment, enqueue
from esp.programs.calendars import calendar_for
from esp.programs.models import DaySchedule, Phase, Program
from esp.progress.selectors import agent_records, agents_in_scope
from esp.roster.models import Agent, ClassDay, TrainingClass
from esp.roster.staff import CERT_COORDINATOR, ESP_MANAGER, LICENSING, TL
from esp.rules import classrooms as rules
from esp.rules.calendar import CalendarError
from esp.rules.progress import Progress

from . import ics
from .models import BREAKOUT, CALL_CERT, KINDS, MAIN, PROVIDERS, SHADOWING, Classroom, Invitation

KIND_NAMES = dict(KINDS)
PROVIDER_NAMES = dict(PROVIDERS)
REPORT = "classroom-invite"
# R-S1: the side rooms each phase needs besides its main classroom.
SIDE_ROOMS = {"esp": (CALL_CERT, SHADOWING, BREAKOUT)}
DEFAULT_SIDE_ROOMS = (BREAKOUT,)


def _iso(days) -> list[str]:
    return [d.isoformat() for d in days]


def _dates(values) -> list[date]:
    return [date.fromisoformat(v) for v in values]


def lifetime(phase: Phase) -> int:
    return phase.link_lifetime_days or rules.DEFAULT_LINK_LIFETIME_DAYS


def schedules(program: Program) -> dict[int | None, tuple[time, time]]:
    """The program's class-day hours per phase id (None: every other phase), one query."""
    return {
        phase_id: (start, end)
        for phase_id, start, end in DaySchedule.objects.filter(program=program).values_list(
            "phase_id", "start", "end"
        )
    }


def day_times(program: Program, phase: Phase, known: dict | None = None) -> tuple[time, time]:
    """R-A1: the phase's class-day hours, else the program's, else 8:00 AM–4:30 PM."""
    known = known if known is not None else schedules(program)
    return known.get(phase.pk) or known.get(None) or (time(8), time(16, 30))


def closed_days(training_class: TrainingClass) -> set[date]:
    return set(
        ClassDay.objects.filter(training_class=training_class, closed=True).values_list(
            "date", flat=True
        )
    )


def room_days(room: Classroom, calendar, closed: set[date] | None = None) -> list[date]:
    """The class days a room serves: business days of its span, less the class's closures."""
    closed = closed if closed is not None else closed_days(room.training_class)
    return [
        d for d in rules.served_days(calendar, room.first_day, room.last_day) if d not in closed
    ]


def _class_days(room: Classroom, calendar) -> list[date]:
    """The room's class days for an invitation; none (every day closed) is refused."""
    served = room_days(room, calendar)
    if not served:
        raise ValidationError(
            f"{room} has no class day from {room.first_day:%m/%d/%Y} to "
            f"{room.last_day:%m/%d/%Y}: the class is closed on each of them."
        )
    return served


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


def class_plan(training_class: TrainingClass, as_of: date, now: datetime) -> list[PhasePlan]:
    return class_plans([training_class], as_of, now)[training_class.pk]


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
    closures: dict[int, set[date]] = defaultdict(set)
    for class_id, day in ClassDay.objects.filter(
        training_class_id__in=ids, closed=True
    ).values_list("training_class_id", "date"):
        closures[class_id].add(day)
    used: dict[int, set[date]] = defaultdict(set)  # the days invitations use, extensions too
    for room_id, days in Invitation.objects.filter(
        classroom__training_class_id__in=ids, status=Invitation.ACTIVE
    ).values_list("classroom_id", "days"):
        used[room_id].update(_dates(days))
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
    return {
        c.pk: _plan(c, rooms[c.pk], closures[c.pk], used, hours, calendar, zone, as_of, now)
        for c in classes
    }


def _plan(training_class, rooms, closed, used, hours, calendar, zone, as_of, now):
    program = training_class.program
    plans = []
    for phase, scheduled in phase_spans(training_class, calendar):
        days = [d for d in scheduled if d not in closed]
        plan = PhasePlan(phase, days)
        start, _ = day_times(program, phase, hours)
        covered = []
        kinds = set()
        for room in (r for r in rooms if r.phase_id == phase.pk):
            served = room_days(room, calendar, closed)
            sent_at = room.invites_sent_at
            invited = room.kind == MAIN and not room.overflow  # ahead of time, to everyone
            facts = rules.RoomFacts(
                days=tuple(sorted(set(served) | used.get(room.pk, set()))),
                link=room.link,
                valid_from=room.link_valid_from or (served[0] if served else None),
                lifetime_days=lifetime(phase),
                lead_days=phase.invite_lead_days if invited else None,
                hours_ahead=phase.link_sent_hours_ahead if invited else None,
                opens_at=datetime.combine(served[0], start, tzinfo=zone) if served else None,
                invites_sent_at=sent_at,
                invites_sent_on=sent_at.astimezone(zone).date() if sent_at else None,
                link_sent_at=room.link_sent_at,
            )
            plan.rooms.append(
                RoomPlan(
                    room,
                    served,
                    rules.room_warnings(facts, calendar, as_of, now),
                    room.invited,
                    room.cancelled,
                )
            )
            kinds.add(room.kind)
            if invited and room.link and served:
                valid_from = room.link_valid_from or served[0]
                last_ok = rules.link_last_day(valid_from, lifetime(phase))
                ok = [d for d in served if valid_from <= d <= last_ok]
                if ok:
                    covered.append((ok[0], ok[-1]))
        if days and days[-1] < as_of:
            plan.past = True  # over: nothing left to plan
        else:
            needed = rules.link_segments(days, lifetime(phase))
            plan.missing_links = rules.missing_links(needed, covered)
            plan.missing_sides = [
                k for k in SIDE_ROOMS.get(phase.key, DEFAULT_SIDE_ROOMS) if k not in kinds
            ]
        plans.append(plan)
    return plans


# -- rooms ---------------------------------------------------------------------------------------

# §3: who owns a phase's classrooms besides the ESP Manager and the class's TLs
PHASE_OWNERS = {"licensing": LICENSING, "esp": CERT_COORDINATOR}


def may_change(user, phase: Phase) -> bool:
    """The ESP Manager and TLs change any room of a class they see; Licensing only the
    licensing phase's rooms, the Cert Coordinator only the ESP phase's (§3 owners)."""
    if has_role(user, ESP_MANAGER, TL):
        return True
    owner = PHASE_OWNERS.get(phase.key)
    return owner is not None and has_role(user, owner)


def _link_problems(link: str) -> list[str]:
    if len(link) > 500:
        return ["the link has at most 500 characters"]
    if not link.lower().startswith("https://"):
        return ["the link must start with https://"]
    try:
        URLValidator(schemes=["https"])(link)
    except ValidationError:
        return [f"{link!r} is not a web address (no spaces or line breaks)"]
    return []


def _check_room(training_class, phase, kind, name, provider, link, first_day, last_day, calendar):
    problems = []
    if phase.program_id != training_class.program_id:
        problems.append(
            f"phase {phase.key} is not a phase of class {training_class.code}'s program"
        )
    if kind not in KIND_NAMES:
        problems.append(f"unknown room kind {kind!r}")
    if provider not in PROVIDER_NAMES:
        problems.append(f"unknown provider {provider!r}")
    if not name.strip():
        problems.append("the room needs a name")
    elif len(name.strip()) > 120 or "\x00" in name:
        problems.append("the room's name has at most 120 characters")
    if link:
        problems += _link_problems(link)
    if first_day > last_day:
        problems.append(
            f"the first day {first_day:%m/%d/%Y} is after the last day {last_day:%m/%d/%Y}"
        )
    elif not rules.served_days(calendar, first_day, last_day):
        problems.append(
            f"{first_day:%m/%d/%Y}–{last_day:%m/%d/%Y} has no business day (R-T1): no class"
        )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def room_create(
    *,
    training_class: TrainingClass,
    phase: Phase,
    kind: str,
    name: str,
    provider: str,
    link: str,
    first_day: date,
    last_day: date,
    link_valid_from: date | None = None,
    overflow: bool = False,
    actor=None,
    now: datetime,
) -> Classroom:
    link = link.strip()
    calendar = calendar_for(training_class.program)
    _check_room(training_class, phase, kind, name, provider, link, first_day, last_day, calendar)
    room = Classroom.objects.create(
        training_class=training_class,
        phase=phase,
        kind=kind,
        name=name.strip(),
        provider=provider,
        link=link.strip(),
        first_day=first_day,
        last_day=last_day,
        link_valid_from=link_valid_from,
        overflow=overflow and kind == MAIN,
        created_by=actor,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="classroom_create",
        obj=training_class,
        changes={
            "room": room.pk,
            "phase": phase.key,
            "kind": kind,
            "name": room.name,
            "link": room.link,
            "days": [first_day.isoformat(), last_day.isoformat()],
        },
    )
    return room


@transaction.atomic
def room_update(
    *,
    room: Classroom,
    version: int,
    name: str,
    provider: str,
    link: str,
    first_day: date,
    last_day: date,
    link_valid_from: date | None,
    actor=None,
    now: datetime,
) -> int:
    """Change a room; the invitations already sent get an update (same UID, SEQUENCE + 1).
    Returns how many updates were queued."""
    room = Classroom.objects.select_for_update().get(pk=room.pk)
    if room.version != version:
        raise ValidationError(
            "Someone else changed this room since you opened the page; nothing was saved. "
            "Here is the current room."
        )
    if room.cancelled_at:
        raise ValidationError("This room is cancelled.")
    program = room.training_class.program
    calendar = calendar_for(program)
    link = link.strip()
    _check_room(
        room.training_class,
        room.phase,
        room.kind,
        name,
        provider,
        link,
        first_day,
        last_day,
        calendar,
    )
    before = {
        "name": room.name,
        "provider": room.provider,
        "link": room.link,
        "days": [room.first_day.isoformat(), room.last_day.isoformat()],
        "link_valid_from": room.link_valid_from.isoformat() if room.link_valid_from else None,
    }
    room.name, room.provider, room.link = name.strip(), provider, link.strip()
    room.first_day, room.last_day, room.link_valid_from = first_day, last_day, link_valid_from
    room.version += 1
    room.save()
    after = {
        "name": room.name,
        "provider": room.provider,
        "link": room.link,
        "days": [first_day.isoformat(), last_day.isoformat()],
        "link_valid_from": link_valid_from.isoformat() if link_valid_from else None,
    }
    audit_record(
        actor=actor,
        action="classroom_update",
        obj=room.training_class,
        changes={"room": room.pk, "before": before, "after": after},
    )
    served = _class_days(room, calendar)
    sent = 0
    for invitation in room.invitations.filter(status=Invitation.ACTIVE).select_related("agent"):
        old = _dates(invitation.days)
        start = invitation.from_day or served[0]
        extra = [d for d in old if d > served[-1]] if invitation.extensions else []
        invitation.days = _iso(sorted({d for d in served if d >= start} | set(extra)) or served)
        _send(invitation, room, now=now, reason="updated")
        sent += 1
    return sent


@transaction.atomic
def room_cancel(*, room: Classroom, actor=None, now: datetime, note: str = "") -> int:
    room = Classroom.objects.select_for_update().get(pk=room.pk)
    if room.cancelled_at:
        return 0
    room.cancelled_at = now
    room.version += 1
    room.save(update_fields=["cancelled_at", "version"])
    count = 0
    for invitation in room.invitations.filter(status=Invitation.ACTIVE).select_related("agent"):
        _cancel(invitation, room, now=now, reason=note or "classroom cancelled")
        count += 1
    audit_record(
        actor=actor,
        action="classroom_cancel",
        obj=room.training_class,
        changes={"room": room.pk, "name": room.name, "invitations_cancelled": count, "note": note},
    )
    return count


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
    members = {r.employee_id for r in records if Progress(r, policy).class_dates(on).code == code}
    return list(
        candidates.filter(employee_id__in=members).order_by(
            "last_name", "first_name", "employee_id"
        )
    )


@transaction.atomic
def invites_send(*, room: Classroom, actor=None, now: datetime, as_of: date) -> int:
    """R-S2: an invitation (.ics) to every agent of the class not yet invited, at their work
    and personal addresses. Returns how many were queued."""
    room = Classroom.objects.select_for_update().get(pk=room.pk)
    if room.cancelled_at:
        raise ValidationError("This room is cancelled.")
    if room.overflow:
        raise ValidationError(
            f"{room} is a classroom for extended agents: they join it by a move (R-S3)."
        )
    calendar = calendar_for(room.training_class.program)
    served = _class_days(room, calendar)
    invited = set(room.invitations.values_list("agent_id", flat=True))
    count = 0
    for agent in room_agents(room, as_of):
        if agent.pk in invited:
            continue
        invitation = Invitation.objects.create(
            classroom=room, agent=agent, days=_iso(served), updated_at=now
        )
        invitation.agent = agent
        _deliver(invitation, room, now=now, method=ics.REQUEST, reason="")
        count += 1
    if room.invites_sent_at is None and count:
        room.invites_sent_at = now
        room.save(update_fields=["invites_sent_at"])
    audit_record(
        actor=actor,
        action="classroom_invites_send",
        obj=room.training_class,
        changes={"room": room.pk, "name": room.name, "invited": count},
    )
    return count


# -- the invitation e-mails ----------------------------------------------------------------------


def _organizer() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "esp-tracker@localhost"


def _deliver(invitation: Invitation, room: Classroom, *, now: datetime, method: str, reason: str):
    program = room.training_class.program
    if not hasattr(room, "_day_hours"):  # once per room, not once per agent invited
        room._day_hours = day_times(program, room.phase)
    start, end = room._day_hours
    agent = invitation.agent
    days = tuple(_dates(invitation.days))
    summary = f"{room.training_class.code} {room.name}"
    context = {
        "agent": agent,
        "room": room,
        "provider": PROVIDER_NAMES.get(room.provider, room.provider),
        "days": days,
        "start": start,
        "end": end,
        "cancelled": method == ics.CANCEL,
        "updated": invitation.sequence > 0 and method == ics.REQUEST,
        "reason": reason,
    }
    message = make_message("classroom-invite", context)
    data = ics.InviteData(
        uid=invitation.uid,
        sequence=invitation.sequence,
        summary=summary,
        link=room.link,
        description=message.text,
        days=days,
        start=start,
        end=end,
        time_zone=program.time_zone,
        organizer=_organizer(),
        attendees=(agent.work_email, agent.personal_email),
        stamp=now,
    )
    attachment = Attachment(
        "invite.ics",
        ics.invitation_ics(data, method),
        f"{ics.CONTENT_TYPE}; method={method}",
    )
    queued = enqueue(
        key=f"{REPORT}|{invitation.uid}|{invitation.sequence}",
        report=REPORT,
        list_key=f"agent:{agent.employee_id}",
        to=[a for a in (agent.work_email, agent.personal_email) if a],
        message=replace(message, attachments=(attachment,)),
        now=now,
    )
    if queued is None:  # this SEQUENCE went out already: someone changed it at the same time
        raise ValidationError(
            f"{agent.name}'s invitation was changed elsewhere at the same time; nothing was "
            "sent. Open the page again and retry."
        )
    if room.link and room.link_sent_at is None and method == ics.REQUEST:
        room.link_sent_at = now
        Classroom.objects.filter(pk=room.pk, link_sent_at=None).update(link_sent_at=now)


def _send(invitation: Invitation, room: Classroom, *, now: datetime, reason: str) -> None:
    invitation.sequence += 1
    invitation.updated_at = now
    invitation.reason = reason
    invitation.save(update_fields=["sequence", "updated_at", "reason", "days", "extensions"])
    _deliver(invitation, room, now=now, method=ics.REQUEST, reason=reason)


def _cancel(invitation: Invitation, room: Classroom, *, now: datetime, reason: str) -> None:
    invitation.sequence += 1
    invitation.status = Invitation.CANCELLED
    invitation.updated_at = now
    invitation.reason = reason
    invitation.save(update_fields=["sequence", "status", "updated_at", "reason"])
    _deliver(invitation, room, now=now, method=ics.CANCEL, reason=reason)


# -- R-S3: the ESP invite ladder -----------------------------------------------------------------


def esp_phase(program: Program) -> Phase | None:
    return program.phases.filter(key=program.policy().esp_phase).first()


@dataclass
class LadderRow:
    agent: Agent
    invitation: Invitation
    days: list[date]
    step: rules.InviteStep
    targets: list[tuple[Classroom, tuple[date, ...]]] = field(default_factory=list)
    proposal: list[date] = field(default_factory=list)


def _esp_invitations(program: Program, agents) -> dict[int, Invitation]:
    phase = esp_phase(program)
    rows = (
        Invitation.objects.filter(
            agent__in=agents,
            status=Invitation.ACTIVE,
            classroom__phase=phase,
            classroom__kind=MAIN,
            classroom__cancelled_at=None,
        )
        .select_related("classroom__training_class", "agent")
        .order_by("agent_id", "-updated_at", "-pk")
    )
    found: dict[int, Invitation] = {}
    for invitation in rows:
        found.setdefault(invitation.agent_id, invitation)
    return found


def move_targets(program: Program, as_of: date, exclude_room: int | None = None):
    """ESP main classrooms running or starting next, with their days after `as_of`."""
    phase = esp_phase(program)
    calendar = calendar_for(program)
    rooms = {
        room.pk: room
        for room in Classroom.objects.filter(
            phase=phase, kind=MAIN, cancelled_at=None, last_day__gt=as_of
        ).select_related("training_class")
        if room.pk != exclude_room
    }
    found = rules.move_targets(
        (
            rules.RoomDays(pk, room.training_class.code, tuple(room_days(room, calendar)))
            for pk, room in rooms.items()
        ),
        as_of,
    )
    return [(rooms[target.room_id], target.days) for target in found]


def esp_ladder(program: Program, as_of: date, agents) -> list[LadderRow]:
    """R-S3: agents in the ESP phase, not done, whose invite ends today or has ended: extend
    it by a day (up to the phase's maximum), then move them to another ESP classroom (one
    running or starting next) or propose a new one."""
    phase = esp_phase(program)
    if phase is None:
        return []
    calendar = calendar_for(program)
    policy = program.policy()
    invitations = {i.agent.employee_id: i for i in _esp_invitations(program, agents).values()}
    if not invitations:
        return []
    ids = [i.agent_id for i in invitations.values()]
    records = agent_records(program, as_of, in_flight=True, agent_ids=ids)
    rows = []
    targets_cache: dict[int, list] = {}
    for record in records:
        progress = Progress(record, policy)
        if progress.is_esp_complete(as_of):
            continue
        invitation = invitations[record.employee_id]
        days = _dates(invitation.days)
        step = rules.esp_invite_step(
            days, invitation.extensions, phase.max_extension_days, as_of, calendar
        )
        if step is None:
            continue
        row = LadderRow(invitation.agent, invitation, days, step)
        if step.action == rules.MOVE:
            room_id = invitation.classroom_id
            if room_id not in targets_cache:
                targets_cache[room_id] = move_targets(program, as_of, exclude_room=room_id)
            row.targets = targets_cache[room_id]
            if not row.targets:
                row.proposal = rules.proposed_days(calendar, as_of, phase.length or 3)
        rows.append(row)
    rows.sort(key=lambda r: (r.invitation.classroom.training_class.code, r.agent.last_name))
    return rows


def _lock(invitation: Invitation) -> None:
    """Lock the invitation's room, then the invitation (the order room edits take), and
    refuse when either changed since it was read."""
    room = Classroom.objects.select_for_update().get(pk=invitation.classroom_id)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if room.version != invitation.classroom.version or current.sequence != invitation.sequence:
        raise ValidationError(
            "This classroom or invitation changed at the same time; nothing was saved. "
            "Open the page again and retry."
        )


def _ladder_row(agent: Agent, as_of: date) -> LadderRow:
    program = agent.training_class.program
    for row in esp_ladder(program, as_of, [agent.pk]):
        return row
    raise ValidationError(
        f"{agent.name} has no ESP invitation to extend or move as of {as_of:%m/%d/%Y} "
        "(not in the ESP phase, already done, or their invite still runs)."
    )


@transaction.atomic
def invitation_extend(*, agent: Agent, actor=None, now: datetime, as_of: date) -> Invitation:
    """R-S3: add the next business day to the agent's ESP invite (same UID, SEQUENCE + 1)."""
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    row = _ladder_row(agent, as_of)
    _lock(row.invitation)
    if row.step.action != rules.EXTEND:
        raise ValidationError(
            f"{agent.name}'s invite has had its {row.invitation.extensions} extra days (R-S3): "
            "move them to another ESP classroom."
        )
    invitation = row.invitation
    invitation.days = _iso(sorted(set(row.days) | {row.step.day}))
    invitation.extensions += 1
    _send(invitation, invitation.classroom, now=now, reason=f"extended to {row.step.day:%m/%d/%Y}")
    audit_record(
        actor=actor,
        action="classroom_invite_extend",
        obj=agent,
        changes={
            "room": invitation.classroom_id,
            "day": row.step.day.isoformat(),
            "extensions": invitation.extensions,
            "sequence": invitation.sequence,
        },
    )
    return invitation


@transaction.atomic
def invitation_move(
    *, agent: Agent, room: Classroom, actor=None, now: datetime, as_of: date
) -> Invitation:
    """R-S3: cancel the agent's ESP invite and invite them to `room` for its days after D."""
    Agent.objects.select_for_update().filter(pk=agent.pk).first()
    row = _ladder_row(agent, as_of)
    _lock(row.invitation)
    Classroom.objects.select_for_update().filter(pk=room.pk).first()
    if row.step.action != rules.MOVE:
        raise ValidationError(
            f"{agent.name}'s invite can still be extended (R-S3): extend it before a move."
        )
    allowed = {target.pk: days for target, days in row.targets}
    if room.pk not in allowed:
        raise ValidationError(
            f"{room} is not an ESP classroom running or starting next; choose one of the list."
        )
    old = row.invitation
    _cancel(old, old.classroom, now=now, reason=f"moved to {room}")
    days = allowed[room.pk]
    invitation, created = Invitation.objects.get_or_create(
        classroom=room,
        agent=agent,
        defaults={"days": _iso(days), "from_day": days[0], "updated_at": now},
    )
    invitation.agent = agent
    if created:
        _deliver(
            invitation, room, now=now, method=ics.REQUEST, reason=f"moved from {old.classroom}"
        )
    else:
        invitation.status = Invitation.ACTIVE
        invitation.days = _iso(days)
        invitation.from_day = days[0]
        invitation.extensions = 0
        invitation.save(update_fields=["status", "days", "from_day", "extensions"])
        _send(invitation, room, now=now, reason=f"moved from {old.classroom}")
    audit_record(
        actor=actor,
        action="classroom_invite_move",
        obj=agent,
        changes={"from_room": old.classroom_id, "to_room": room.pk, "days": invitation.days},
    )
    return invitation


# -- for the Today pages -------------------------------------------------------------------------


@dataclass
class InviteDue:
    room: Classroom
    deadline: date
    late: bool


def invites_due(classes, as_of: date, *, within: int = 2) -> list[InviteDue]:
    """Main rooms of `classes` whose invites are not sent and are due within `within`
    business days of D, or late (R-S1). Two queries."""
    rooms = list(
        Classroom.objects.filter(
            training_class__in=classes,
            kind=MAIN,
            cancelled_at=None,
            invites_sent_at=None,
            first_day__gt=as_of,
            phase__invite_lead_days__isnull=False,
        ).select_related("training_class__program", "phase")
    )
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


@transaction.atomic
def invitations_after_move(*, agent: Agent, to_class: str, day: date, actor=None, now) -> int:
    """R-T3 with R-S2: an agent moving to another class from `day` leaves the rooms of other
    classes still in use from then on (a cancellation each); the new class's rooms invite
    them with "invite agents not yet invited". Returns how many were cancelled."""
    count = 0
    for invitation in (
        Invitation.objects.select_for_update()
        .filter(agent=agent, status=Invitation.ACTIVE, classroom__last_day__gte=day)
        .exclude(classroom__training_class__code=to_class)
        .select_related("classroom__training_class__program", "classroom__phase", "agent")
    ):
        _cancel(invitation, invitation.classroom, now=now, reason=f"moved to class {to_class}")
        count += 1
    if count:
        audit_record(
            actor=actor,
            action="classroom_invites_cancel_on_move",
            obj=agent,
            changes={"to_class": to_class, "from": day.isoformat(), "cancelled": count},
        )
    return count
