"""Report reads (SPEC §15, R-I2, R-A6): what the report builders, mailed reports and pages need
from the database beyond `agent_records`; plain values out."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, OuterRef, Subquery

from esp.access import scopes
from esp.callqueue.models import CertifierAvailability, CertifierConnection
from esp.lib import compiled
from esp.programs.models import Program
from esp.progress.models import Fact
from esp.progress.selectors import agent_records
from esp.roster.models import Agent, ClassPhase, TrainingClass
from esp.roster.roles import CERTIFIER
from esp.roster.selectors import names_by_email
from esp.rules.notes import NOT_NOTES, author

from .models import OutlookDay

#: The fact kinds the outlook reads (issue 18): progress, calls, employment, moves, attendance.
OUTLOOK_KINDS = ("task", "tbt", "call", "status", "equipment", "move", "attendance")


def _latest_notes(as_of: date):
    return (
        Fact.objects.filter(agent=OuterRef("pk"), date__lte=as_of)
        .exclude(note="")
        .exclude(kind__in=NOT_NOTES)
        .order_by("-date", "-pk")
    )


def _agent_detail_rows(employee_ids, as_of: date):
    latest = _latest_notes(as_of)
    return (
        Agent.objects.filter(employee_id__in=sorted(employee_ids))
        .annotate(
            note_text=Subquery(latest.values("note")[:1]),
            note_date=Subquery(latest.values("date")[:1]),
            note_by=Subquery(latest.values("by")[:1]),
        )
        .values_list(
            "employee_id",
            "training_class__code",
            "site__code",
            "tl__first_name",
            "tl__last_name",
            "tl__email",
            "note_text",
            "note_date",
            "note_by",
        )
    )


def _class_tl_names(codes) -> dict[str, str]:
    """Each class's first TL, by name (their e-mail when they have none)."""
    class_tls: dict[str, str] = {}
    for code, first, last, email in TrainingClass.objects.filter(code__in=set(codes)).values_list(
        "code", "tls__first_name", "tls__last_name", "tls__email"
    ):
        if email and code not in class_tls:
            class_tls[code] = f"{first} {last}".strip() or email
    return class_tls


def line_details(classes: dict[str, str], as_of: date) -> dict[str, dict]:
    """R-I2: each listed agent's site, TL and latest note as of D (four queries, whatever the count).

    `classes` maps each employee id to their class as of D: a moved agent's TL is the TL of
    the class they are in now (R-T3), not the one the roster named. The notes timeline is
    every fact with a note but a call's remark; the latest prints as `MM/DD/YYYY - Name - Note`
    (R-N1), its author by name.
    """
    if not classes:
        return {}
    rows = list(_agent_detail_rows(classes, as_of))
    class_tls = _class_tl_names(classes.values())
    names = names_by_email(row[-1] for row in rows if row[-1])
    details = {}
    for employee_id, home, site, first, last, email, text, day, by in rows:
        if isinstance(day, str):
            day = date.fromisoformat(day)
        note = f"{day:%m/%d/%Y} - {author(by, names)} - {text}" if text else ""
        now_in = classes[employee_id]
        if now_in != home or not email:
            tl = class_tls.get(now_in, "")
        else:
            tl = f"{first} {last}".strip() or email
        details[employee_id] = {"site": site or "", "tl": tl, "latest_note": note}
    return details


def class_tl_emails(program: Program) -> dict[str, list[str]]:
    """Class code -> the (lower-cased) e-mails of its TLs."""
    tls_of_class: dict[str, list[str]] = defaultdict(list)
    for code, email in TrainingClass.objects.filter(program=program).values_list(
        "code", "tls__email"
    ):
        if email:
            tls_of_class[code].append(email.lower())
    return tls_of_class


def occurrence_kinds(program: Program) -> tuple[dict[str, str], dict[str, float]]:
    """The program's occurrence kinds: key -> label, key -> points."""
    labels = dict(program.occurrence_kinds.values_list("key", "label"))
    points = dict(program.occurrence_kinds.values_list("key", "points"))
    return labels, points


def attendance_facts(program: Program, day: date, *, agents=None) -> list[Fact]:
    """The day's attendance facts, by class, agent name and entry (agent and class loaded)."""
    facts = (
        Fact.objects.filter(kind="attendance", date=day, agent__training_class__program=program)
        .select_related("agent__training_class")
        .order_by("agent__training_class__code", "agent__last_name", "agent__first_name", "pk")
    )
    if agents is not None:
        facts = facts.filter(agent__in=agents)
    return list(facts)


def visible_employee_ids(user) -> set[str]:
    return set(scopes.visible_agents(user).values_list("employee_id", flat=True))


def visible_class_codes(user) -> list[str]:
    return list(scopes.visible_classes(user).values_list("code", flat=True))


def agent_names(employee_ids) -> dict[str, str]:
    """Employee id -> "First Last": the names a report page shows (issue 17), one query even
    for an empty page (`[""]`), so a page's queries do not depend on its lines."""
    ids = sorted(set(employee_ids)) or [""]
    rows = Agent.objects.filter(employee_id__in=ids).values_list(
        "employee_id", "first_name", "last_name"
    )
    return {eid: f"{first} {last}".strip() or eid for eid, first, last in rows}


# -- the outlook (issue 18) -------------------------------------------------------------------

OUTLOOK_DAYS_AHEAD = 21  # calendar days of recorded certifier availability read ahead


def outlook_inputs(program: Program, as_of: date) -> dict:
    """What the outlook reads, facts dated on or before `as_of` only (no peeking): every
    agent's record of the program (the history and the agents in flight), and the
    certifiers: available people and hours per coming day, the team, the hours of the
    connections closed on or before the day."""
    records = agent_records(program, as_of, kinds=OUTLOOK_KINDS)
    User = get_user_model()
    team = User.objects.filter(is_active=True, groups__name=CERTIFIER)
    ahead = CertifierAvailability.objects.filter(
        certifier__in=team,
        date__gt=as_of,
        date__lte=as_of + timedelta(days=OUTLOOK_DAYS_AHEAD),
        available=True,
    ).values_list("date", "hours")
    available: dict[date, int] = defaultdict(int)
    hours: dict[date, list[float]] = defaultdict(list)
    for day, day_hours in ahead:
        available[day] += 1
        if day_hours is not None:
            hours[day].append(float(day_hours))
    closed = CertifierConnection.objects.filter(
        closed_at__isnull=False,
        connected_at__date__lte=as_of,
        agent__training_class__program=program,
    ).values_list("connected_at", "closed_at")
    sessions = tuple((end - start).total_seconds() / 3600 for start, end in closed if end > start)
    return {
        "records": records,
        "planned": planned_classes(program, as_of, records),
        "available": dict(available),
        "hours": {day: sum(values) / len(values) for day, values in hours.items()},
        "team": team.count() or None,
        "sessions": sessions,
        "clock_hours": float(program.call_clock_hours),
    }


def planned_classes(program: Program, as_of: date, records) -> list[tuple[date, int]]:
    """The program's classes without an agent yet (none on the roster, none moved in) whose
    ESP starts after the day: (ESP start, the expected size: the mean of the classes with
    agents, rounded), by start."""
    sizes: dict[str, int] = defaultdict(int)
    for record in records:
        sizes[record.home_class.code] += 1
    taken = set(sizes) | {code for record in records for code in record.move_classes}
    size = round(sum(sizes.values()) / len(sizes)) if sizes else 0
    starts = ClassPhase.objects.filter(
        training_class__program=program, phase__key="esp", start_date__gt=as_of
    ).values_list("training_class__code", "start_date")
    return sorted((start, size) for code, start in starts if code not in taken)


def outlook_day(program: Program, as_of: date):
    """The program's kept outlook as of D (esp.reports.models.OutlookDay), or None."""
    return OutlookDay.objects.filter(program=program, as_of=as_of).first()


def outlook_day_built(program: Program, as_of: date) -> tuple | None:
    """(pk, built at, what from) of the program's kept outlook as of D, or None: which one,
    without reading its snapshot. Asked by every Today: compiled once per program and day."""
    found = compiled.rows(
        ("reports.outlook_day_built", program.pk, as_of),
        lambda: (
            OutlookDay.objects.filter(program=program, as_of=as_of)
            .order_by("pk")
            .values_list("pk", "built_at", "stamp")[:1]
        ),
    )
    return found[0] if found else None


def outlook_snapshot(pk: int) -> bytes:
    return OutlookDay.objects.filter(pk=pk).values_list("snapshot", flat=True).get()


def outlook_stamp(program: Program) -> tuple:
    """What an outlook as of a day depends on besides the day, cheaply (a cache key): the
    latest fact (id and when recorded: an index lookup, not a scan of the season), the
    agents, the class phase dates, certifier availability and closed connections. Facts are
    only ever added (a re-score, a correction: a new fact), so the latest one stamps them."""
    latest = Fact.objects.order_by("-pk").values_list("pk", "recorded_at").first()
    stamps = [latest, program.pk]
    for rows, last in (
        (Agent.objects.all(), "pk"),
        (ClassPhase.objects.filter(training_class__program=program), "start_date"),
        (CertifierAvailability.objects.all(), "pk"),
        (CertifierConnection.objects.exclude(closed_at__isnull=True), "closed_at"),
    ):
        figures = rows.aggregate(count=Count("pk"), last=Max(last))
        stamps.append((figures["count"], figures["last"]))
    return tuple(stamps)
