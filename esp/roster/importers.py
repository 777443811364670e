"""Imports of `classes.csv` and `roster.csv` (SPEC §15): validate everything, then apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from esp.audit.services import audit_record
from esp.lib.csvio import (
    ImportRejected,
    ImportSummary,
    Progress,
    RowError,
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

from .models import Agent, ClassPhase, TrainingClass
from .services import class_people_follow
from .staff import PM, TL, ensure_staff

CLASS_REQUIRED = ["class_code", "program", "campaign", "site", "start_date"]
CLASS_OPTIONAL = ["licensing_start", "training_start", "esp_start", "tl_emails", "pm_email"]
ROSTER_REQUIRED = [
    "employee_id",
    "first_name",
    "last_name",
    "work_email",
    "personal_email",
    "class_code",
]
ROSTER_OPTIONAL = ["site", "npn", "n_number", "tl_email", "pm_email", "equipment_owner"]


def _roster_limits() -> dict:
    """The roster columns' maximum lengths: those of the Agent fields they are stored in."""
    return limits_of(
        Agent,
        employee_id="employee_id",
        first_name="first_name",
        last_name="last_name",
        work_email="work_email",
        personal_email="personal_email",
        npn="npn",
        n_number="n_number",
        tl_email="work_email",
        pm_email="work_email",
    )


# -- classes -----------------------------------------------------------------------------------


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


def _validate_classes(rows) -> tuple[list[ClassRow], list[RowError]]:
    programs = {p.key: p for p in Program.objects.prefetch_related("phases")}
    campaigns = {c.name.lower(): c for c in Campaign.objects.all()}
    sites = {s.code.upper(): s for s in Site.objects.all()}
    errors: list[RowError] = []
    parsed: list[ClassRow] = []
    first_line: dict[str, int] = {}
    for row in rows:
        row_errors: list[RowError] = []

        def bad(column: str, reason: str) -> None:
            row_errors.append(RowError(row.line, column, reason))  # noqa: B023

        code = row["class_code"]
        if not code:
            bad("class_code", "is empty")
        elif code in first_line:
            bad("class_code", f"duplicate class_code {code} (first on line {first_line[code]})")
        else:
            first_line[code] = row.line
        program = programs.get(row["program"])
        if program is None:
            bad("program", f"unknown program '{row['program']}'")
        campaign = campaigns.get(row["campaign"].lower())
        if campaign is None:
            bad("campaign", f"unknown campaign '{row['campaign']}'")
        class_sites = []
        for site_code in split_list(row["site"]) or [""]:
            site = sites.get(site_code.upper())
            if site is None:
                bad("site", f"unknown site '{site_code}'" if site_code else "is empty")
            else:
                class_sites.append(site)
        start = None
        try:
            start = parse_date(row["start_date"])
        except ValueError as exc:
            bad("start_date", str(exc))
        given: dict[str, date] = {}
        for column in ("licensing_start", "training_start", "esp_start"):
            if row[column]:
                try:
                    given[column.removesuffix("_start")] = parse_date(row[column])
                except ValueError as exc:
                    bad(column, str(exc))
        tls, pms = split_list(row["tl_emails"]), split_list(row["pm_email"])
        for column, addresses in (("tl_emails", tls), ("pm_email", pms)):
            for address in addresses:
                if not is_email(address):
                    bad(column, f"'{address}' is not an e-mail address")
        starts: dict[str, tuple[date, bool]] = {}
        if program is not None and start is not None:
            calendar = calendar_for(program)
            phases = list(program.phases.order_by("order"))
            try:
                for column, day in [("start_date", start)] + [
                    (f"{k}_start", d) for k, d in given.items()
                ]:
                    if not calendar.is_business_day(day):
                        bad(column, f"{day:%m/%d/%Y} is not a business day (weekend or holiday)")
                derived = phase_starts(
                    calendar,
                    start,
                    [PhaseLength(p.key, p.length) for p in phases],
                    given,
                )
                starts = {key: (day, key in given) for key, day in derived.items()}
            except CalendarError as exc:
                bad("start_date", str(exc))
            order = [starts[p.key][0] for p in phases if p.key in starts]
            if order != sorted(order):
                bad("start_date", "phase start dates are out of order")
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(
                ClassRow(row.line, code, program, campaign, class_sites, start, starts, tls, pms)
            )
    return parsed, errors


def import_classes(
    source: str | Path, *, dry_run: bool = False, actor=None, progress: Progress | None = None
) -> ImportSummary:
    rows = read_rows(
        source,
        required=CLASS_REQUIRED,
        optional=CLASS_OPTIONAL,
        limits=limits_of(TrainingClass, class_code="code"),
    )
    parsed, errors = _validate_classes(rows)
    if errors:
        raise ImportRejected(errors, str(source))
    summary = ImportSummary("classes", rows=len(parsed), dry_run=dry_run)
    existing = {
        c.code: c
        for c in TrainingClass.objects.prefetch_related(
            "sites", "tls", "pms", "phase_starts__phase"
        )
    }
    label = f"import {Path(str(source)).name}"
    with transaction.atomic():
        for row in parsed:
            state = {
                "program": row.program.key,
                "campaign": row.campaign.name,
                "sites": sorted(s.code for s in row.sites),
                "start_date": row.start_date.isoformat(),
                "phase_starts": {k: d.isoformat() for k, (d, _) in row.starts.items()},
                "tl_emails": sorted(e.lower() for e in row.tl_emails),
                "pm_emails": sorted(e.lower() for e in row.pm_emails),
            }
            current = existing.get(row.code)
            before = _class_state(current) if current else None
            if before == state:
                summary.unchanged += 1
            elif not dry_run:
                _apply_class(row, current, actor, label, before, state)
                if current:
                    summary.updated += 1
                else:
                    summary.created += 1
            else:
                summary.updated += bool(current)
                summary.created += not current
            if progress:
                progress(1)
        if dry_run:
            transaction.set_rollback(True)
    return summary


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
        class_people_follow(training_class=training_class, actor=actor, actor_label=label)


# -- roster ------------------------------------------------------------------------------------

AGENT_FIELDS = [
    "first_name",
    "last_name",
    "work_email",
    "personal_email",
    "class_code",
    "site",
    "npn",
    "n_number",
    "tl_email",
    "pm_email",
    "equipment_owner",
]


def _agent_state(agent: Agent) -> dict:
    return {
        "first_name": agent.first_name,
        "last_name": agent.last_name,
        "work_email": agent.work_email,
        "personal_email": agent.personal_email,
        "class_code": agent.training_class.code,
        "site": agent.site.code if agent.site else "",
        "npn": agent.npn,
        "n_number": agent.n_number,
        "tl_email": agent.tl.email.lower() if agent.tl else "",
        "pm_email": agent.pm.email.lower() if agent.pm else "",
        "equipment_owner": agent.equipment_owner,
    }


def _validate_roster(rows) -> tuple[list[tuple[int, dict]], list[RowError]]:
    classes = {c.code: c for c in TrainingClass.objects.prefetch_related("tls", "sites")}
    sites = {s.code.upper(): s.code for s in Site.objects.all()}
    errors: list[RowError] = []
    parsed: list[tuple[int, dict]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        row_errors: list[RowError] = []

        def bad(column: str, reason: str) -> None:
            row_errors.append(RowError(row.line, column, reason))  # noqa: B023

        for column in ROSTER_REQUIRED:
            if not row[column]:
                bad(column, "is empty")
        employee_id = row["employee_id"]
        if employee_id:
            if employee_id in first_line:
                bad(
                    "employee_id",
                    f"duplicate employee_id {employee_id} (first on line {first_line[employee_id]})",
                )
            else:
                first_line[employee_id] = row.line
        for column in ("work_email", "personal_email", "tl_email", "pm_email"):
            if row[column] and not is_email(row[column]):
                bad(column, f"'{row[column]}' is not an e-mail address")
        training_class = classes.get(row["class_code"])
        if row["class_code"] and training_class is None:
            bad(
                "class_code",
                f"unknown class '{row['class_code']}' (import it in classes.csv first)",
            )
        site = ""
        if row["site"]:
            site = sites.get(row["site"].upper(), "")
            if not site:
                bad("site", f"unknown site '{row['site']}'")
        elif training_class is not None:
            class_sites = sorted(s.code for s in training_class.sites.all())
            site = class_sites[0] if class_sites else ""
        if row["npn"] and not row["npn"].isdigit():
            bad("npn", f"'{row['npn']}' is not an NPN (digits only)")
        if row["n_number"] and row["n_number"].isdigit():
            bad("n_number", f"'{row['n_number']}' looks like an NPN, not an N-Number")
        tl_email = row["tl_email"].lower()
        if tl_email and training_class is not None and is_email(tl_email):
            class_tls = {u.email.lower() for u in training_class.tls.all()}
            if tl_email not in class_tls:
                bad("tl_email", f"{tl_email} is not a TL of class {training_class.code}")
        if row["equipment_owner"] and row["equipment_owner"].lower() not in ("company", "personal"):
            bad("equipment_owner", f"'{row['equipment_owner']}' is not company or personal")
        errors.extend(row_errors)
        if not row_errors:
            parsed.append(
                (
                    row.line,
                    {
                        "employee_id": employee_id,
                        "first_name": row["first_name"],
                        "last_name": row["last_name"],
                        "work_email": row["work_email"],
                        "personal_email": row["personal_email"],
                        "class_code": row["class_code"],
                        "site": site,
                        "npn": row["npn"],
                        "n_number": row["n_number"],
                        "tl_email": tl_email,
                        "pm_email": row["pm_email"].lower(),
                        "equipment_owner": row["equipment_owner"].lower(),
                    },
                )
            )
    return parsed, errors


def import_roster(
    source: str | Path, *, dry_run: bool = False, actor=None, progress: Progress | None = None
) -> ImportSummary:
    rows = read_rows(
        source,
        required=ROSTER_REQUIRED,
        optional=ROSTER_OPTIONAL,
        limits=_roster_limits(),
    )
    parsed, errors = _validate_roster(rows)
    if errors:
        raise ImportRejected(errors, str(source))
    summary = ImportSummary("roster", rows=len(parsed), dry_run=dry_run)
    ids = [values["employee_id"] for _, values in parsed]
    existing = {}
    for start in range(0, len(ids), 500):
        for agent in Agent.objects.filter(employee_id__in=ids[start : start + 500]).select_related(
            "training_class", "site", "tl", "pm"
        ):
            existing[agent.employee_id] = agent
    classes = {c.code: c for c in TrainingClass.objects.all()}
    sites = {s.code: s for s in Site.objects.all()}
    label = f"import {Path(str(source)).name}"
    staff_cache: dict[tuple[str, str], object] = {}

    def staff(email: str, role: str):
        if not email:
            return None
        if (email, role) not in staff_cache:
            staff_cache[(email, role)] = ensure_staff(email, role)
        return staff_cache[(email, role)]

    with transaction.atomic():
        new_agents = []
        for _, values in parsed:
            current = existing.get(values["employee_id"])
            state = {k: values[k] for k in AGENT_FIELDS}
            before = _agent_state(current) if current else None
            if progress:
                progress(1)
            if before == state:
                summary.unchanged += 1
                continue
            if current:
                summary.updated += 1
            else:
                summary.created += 1
            if dry_run:
                continue
            agent = current or Agent(employee_id=values["employee_id"])
            for name in (
                "first_name",
                "last_name",
                "work_email",
                "personal_email",
                "npn",
                "n_number",
                "equipment_owner",
            ):
                setattr(agent, name, values[name])
            agent.training_class = classes[values["class_code"]]
            agent.site = sites.get(values["site"])
            agent.tl = staff(values["tl_email"], TL)
            agent.pm = staff(values["pm_email"], PM)
            if current:
                agent.version += 1
                agent.save()
                changed = {k: [before[k], state[k]] for k in state if before[k] != state[k]}
                audit_record(
                    actor=actor, actor_label=label, action="update", obj=agent, changes=changed
                )
            else:
                new_agents.append(agent)
        if new_agents:
            Agent.objects.bulk_create(new_agents, batch_size=1000)
            from esp.audit.models import AuditEntry

            AuditEntry.objects.bulk_create(
                [
                    AuditEntry(
                        actor=actor,
                        actor_label=label,
                        action="create",
                        object_type="agent",
                        object_id=agent.employee_id,
                        changes=_agent_state(agent),
                    )
                    for agent in new_agents
                ],
                batch_size=1000,
            )
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and summary.created + summary.updated >= ANALYZE_AFTER:
        refresh_planner_statistics(Agent)
    return summary


ANALYZE_AFTER = 1000
