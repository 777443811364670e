"""The import of `classes.csv` (SPEC §15): validate every row, then apply them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from esp.audit.models import AuditEntry
from esp.audit.services import audit_record
from esp.lib import clock
from esp.lib.csvio import (
    ImportRejected,
    ImportSummary,
    RowError,
    RowsDone,
    is_email,
    parse_date,
    read_rows,
    split_list,
)
from esp.lib.dbstats import refresh_planner_statistics
from esp.lib.textcheck import limits_of
from esp.programs.calendars import calendar_for
from esp.programs.models import Campaign, Program, Site
from esp.rules.calendar import CalendarError, PhaseLength, phase_starts

from ..models import ClassPhase, TrainingClass
from ..roles import PM, TL
from .people import class_people_follow
from .roster_import import ANALYZE_AFTER
from .staff import ensure_staff

CLASS_REQUIRED = ["class_code", "program", "campaign", "site", "start_date"]
CLASS_OPTIONAL = ["licensing_start", "training_start", "esp_start", "tl_emails", "pm_email"]
GIVEN_STARTS = ("licensing_start", "training_start", "esp_start")
BULK = 500  # rows per INSERT of a bulk create


@dataclass
class ClassRow:
    line: int
    code: str
    program: Program
    campaign: Campaign
    sites: list[Site]
    start_date: date
    starts: dict[str, tuple[date, bool]]  # phase key -> (start, given)
    tl_emails: list[str]
    pm_emails: list[str]


class _Row:
    """One file row being checked: its values and the errors found so far."""

    def __init__(self, row):
        self.row = row
        self.errors: list[RowError] = []

    def __getitem__(self, column: str) -> str:
        return self.row[column]

    def bad(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row.line, column, reason))


@dataclass
class _Known:
    """What a class row may name, read once per import."""

    programs: dict
    campaigns: dict
    sites: dict
    first_line: dict
    calendars: dict = field(default_factory=dict)

    def calendar_of(self, program: Program):
        """The program's business calendar, read once per import (not once per row)."""
        if program.pk not in self.calendars:
            self.calendars[program.pk] = calendar_for(program)
        return self.calendars[program.pk]

    @classmethod
    def read(cls) -> _Known:
        return cls(
            programs={p.key: p for p in Program.objects.prefetch_related("phases")},
            campaigns={c.name.lower(): c for c in Campaign.objects.all()},
            sites={s.code.upper(): s for s in Site.objects.all()},
            first_line={},
        )


def _check_code(row: _Row, known: _Known) -> str:
    code = row["class_code"]
    if not code:
        row.bad("class_code", "is empty")
    elif code in known.first_line:
        row.bad(
            "class_code", f"duplicate class_code {code} (first on line {known.first_line[code]})"
        )
    else:
        known.first_line[code] = row.row.line
    return code


def _check_sites(row: _Row, known: _Known) -> list[Site]:
    class_sites = []
    for site_code in split_list(row["site"]) or [""]:
        site = known.sites.get(site_code.upper())
        if site is None:
            row.bad("site", f"unknown site '{site_code}'" if site_code else "is empty")
        else:
            class_sites.append(site)
    return class_sites


def _check_dates(row: _Row) -> tuple[date | None, dict[str, date]]:
    start = None
    try:
        start = parse_date(row["start_date"])
    except ValueError as exc:
        row.bad("start_date", str(exc))
    given: dict[str, date] = {}
    for column in GIVEN_STARTS:
        if row[column]:
            try:
                given[column.removesuffix("_start")] = parse_date(row[column])
            except ValueError as exc:
                row.bad(column, str(exc))
    return start, given


def _check_people(row: _Row) -> tuple[list[str], list[str]]:
    tls, pms = split_list(row["tl_emails"]), split_list(row["pm_email"])
    for column, addresses in (("tl_emails", tls), ("pm_email", pms)):
        for address in addresses:
            if not is_email(address):
                row.bad(column, f"'{address}' is not an e-mail address")
    return tls, pms


def _check_phase_starts(
    row: _Row, program, start: date, given, calendar
) -> dict[str, tuple[date, bool]]:
    """The class's phase starts (R-T1): each given date a business day, the rest derived,
    all in order."""
    phases = sorted(program.phases.all(), key=lambda phase: phase.order)  # prefetched
    starts: dict[str, tuple[date, bool]] = {}
    try:
        for column, day in [("start_date", start)] + [(f"{k}_start", d) for k, d in given.items()]:
            if not calendar.is_business_day(day):
                row.bad(column, f"{day:%m/%d/%Y} is not a business day (weekend or holiday)")
        lengths = [PhaseLength(p.key, p.length) for p in phases]
        derived = phase_starts(calendar, start, lengths, given)
        starts = {key: (day, key in given) for key, day in derived.items()}
    except CalendarError as exc:
        row.bad("start_date", str(exc))
    order = [starts[p.key][0] for p in phases if p.key in starts]
    if order != sorted(order):
        row.bad("start_date", "phase start dates are out of order")
    return starts


def _check_class(row: _Row, known: _Known) -> ClassRow:
    code = _check_code(row, known)
    program = known.programs.get(row["program"])
    if program is None:
        row.bad("program", f"unknown program '{row['program']}'")
    campaign = known.campaigns.get(row["campaign"].lower())
    if campaign is None:
        row.bad("campaign", f"unknown campaign '{row['campaign']}'")
    class_sites = _check_sites(row, known)
    start, given = _check_dates(row)
    tls, pms = _check_people(row)
    starts = {}
    if program is not None and start is not None:
        starts = _check_phase_starts(row, program, start, given, known.calendar_of(program))
    return ClassRow(row.row.line, code, program, campaign, class_sites, start, starts, tls, pms)


def _validate_classes(rows) -> tuple[list[ClassRow], list[RowError]]:
    known = _Known.read()
    errors: list[RowError] = []
    parsed: list[ClassRow] = []
    for raw in rows:
        row = _Row(raw)
        checked = _check_class(row, known)
        errors.extend(row.errors)
        if not row.errors:
            parsed.append(checked)
    return parsed, errors


def _row_state(row: ClassRow) -> dict:
    return {
        "program": row.program.key,
        "campaign": row.campaign.name,
        "sites": sorted(s.code for s in row.sites),
        "start_date": row.start_date.isoformat(),
        "phase_starts": {k: d.isoformat() for k, (d, _) in row.starts.items()},
        "tl_emails": sorted(e.lower() for e in row.tl_emails),
        "pm_emails": sorted(e.lower() for e in row.pm_emails),
    }


def import_classes(
    source: str | Path, *, dry_run: bool = False, actor=None, progress: RowsDone | None = None
) -> ImportSummary:
    header_errors: list[RowError] = []  # reported with the rows' (SPEC §15)
    rows = read_rows(
        source,
        required=CLASS_REQUIRED,
        optional=CLASS_OPTIONAL,
        limits=limits_of(TrainingClass, class_code="code"),
        header_errors=header_errors,
    )
    parsed, errors = _validate_classes(rows)
    if header_errors or errors:
        raise ImportRejected(header_errors + errors, str(source))
    summary = ImportSummary("classes", rows=len(parsed), dry_run=dry_run)
    existing = {
        c.code: c
        for c in TrainingClass.objects.prefetch_related(
            "sites", "tls", "pms", "phase_starts__phase"
        )
    }
    label = f"import {Path(str(source)).name}"
    new: list[tuple[ClassRow, dict]] = []
    with transaction.atomic():
        for row in parsed:
            state = _row_state(row)
            current = existing.get(row.code)
            before = _class_state(current) if current else None
            if before == state:
                summary.unchanged += 1
            elif current is None:
                summary.created += 1
                new.append((row, state))
            else:
                summary.updated += 1
                if not dry_run:
                    _apply_class(row, current, actor, label, before, state)
            if progress and (current is not None or dry_run):
                progress(1)
        if new and not dry_run:
            _create_classes(new, actor, label, progress)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and summary.created + summary.updated >= ANALYZE_AFTER:
        refresh_planner_statistics(TrainingClass, ClassPhase)
    return summary


def _create_classes(new: list[tuple[ClassRow, dict]], actor, label: str, progress) -> None:
    """The new classes in bulk (issue 14 item 4; row by row they took 8-33 rows/s): the
    classes, their sites, TLs, PMs and phase starts, and one audit row each."""
    classes = []
    for row, _ in new:
        training_class = TrainingClass(
            code=row.code, program=row.program, campaign=row.campaign, start_date=row.start_date
        )
        # program and campaign were read from the database: no query each to check they exist
        training_class.full_clean(exclude=["program", "campaign"], validate_unique=False)
        classes.append(training_class)
    TrainingClass.objects.bulk_create(classes, batch_size=BULK)
    pks = dict(
        TrainingClass.objects.filter(code__in=[row.code for row, _ in new]).values_list(
            "code", "pk"
        )
    )
    staff: dict[tuple[str, str], object] = {}

    def account(email: str, role: str):
        if (email, role) not in staff:
            staff[(email, role)] = ensure_staff(email, role)
        return staff[(email, role)]

    sites, tls, pms, phases, audits = [], [], [], [], []
    for row, state in new:
        pk = pks[row.code]
        class_sites = {site.pk for site in row.sites}  # .set() keeps each once
        sites += [TrainingClass.sites.through(trainingclass_id=pk, site_id=s) for s in class_sites]
        for emails, role, links in ((row.tl_emails, TL, tls), (row.pm_emails, PM, pms)):
            links += [(pk, user) for user in {account(email, role).pk for email in emails}]
        phase_of = {p.key: p for p in row.program.phases.all()}
        phases += [
            ClassPhase(training_class_id=pk, phase=phase_of[key], start_date=day, given=given)
            for key, (day, given) in row.starts.items()
        ]
        audits.append(
            AuditEntry(
                actor=actor,
                actor_label=label,
                action="create",
                object_type=TrainingClass._meta.model_name,
                object_id=row.code,
                changes={"before": None, "after": state},
            )
        )
    TrainingClass.sites.through.objects.bulk_create(sites, batch_size=BULK)
    for through, links in ((TrainingClass.tls.through, tls), (TrainingClass.pms.through, pms)):
        through.objects.bulk_create(
            [through(trainingclass_id=pk, user_id=user) for pk, user in links], batch_size=BULK
        )
    ClassPhase.objects.bulk_create(phases, batch_size=BULK)
    AuditEntry.objects.bulk_create(audits, batch_size=BULK)
    if progress:
        progress(len(new))


def _class_state(training_class: TrainingClass) -> dict:
    return {
        "program": training_class.program.key,
        "campaign": training_class.campaign.name,
        "sites": sorted(s.code for s in training_class.sites.all()),
        "start_date": training_class.start_date.isoformat(),
        "phase_starts": {
            p.phase.key: p.start_date.isoformat() for p in training_class.phase_starts.all()
        },
        "tl_emails": sorted(u.email.lower() for u in training_class.tls.all()),
        "pm_emails": sorted(u.email.lower() for u in training_class.pms.all()),
    }


def _apply_class(row: ClassRow, current, actor, label: str, before, state) -> None:
    training_class = current or TrainingClass(code=row.code)
    training_class.program = row.program
    training_class.campaign = row.campaign
    training_class.start_date = row.start_date
    training_class.full_clean(validate_unique=False)
    training_class.save()
    training_class.sites.set(row.sites)
    training_class.tls.set([ensure_staff(email, TL) for email in row.tl_emails])
    training_class.pms.set([ensure_staff(email, PM) for email in row.pm_emails])
    phases = {p.key: p for p in row.program.phases.all()}
    ClassPhase.objects.filter(training_class=training_class).exclude(
        phase__key__in=row.starts
    ).delete()
    for key, (day, given) in row.starts.items():
        ClassPhase.objects.update_or_create(
            training_class=training_class,
            phase=phases[key],
            defaults={"start_date": day, "given": given},
        )
    audit_record(
        actor=actor,
        actor_label=label,
        action="update" if current else "create",
        obj=training_class,
        changes={"before": before, "after": state},
    )
    if current is not None:  # its agents' TL and PM follow the class's (issue 12 item 4)
        class_people_follow(
            training_class=training_class,
            day=clock.today(training_class.program.time_zone),
            actor=actor,
            actor_label=label,
        )
