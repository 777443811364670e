"""TBT writes: the course list import (R-B1), TBT access and help-desk calls (R-B5), the
N-Number request dates of a class (seed 000)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from esp.audit.services import audit_record
from esp.lib.csvio import ImportRejected, ImportSummary, RowError, read_rows
from esp.lib.textcheck import limits_of
from esp.mailing.messages import Attachment, make_message
from esp.mailing.models import DistributionList
from esp.mailing.services.outbox import enqueue
from esp.programs.models import Program, TbtCourse
from esp.progress.services.facts import fact_record
from esp.progress.services.proofs import proof_path
from esp.roster.models import Agent
from esp.roster.roles import CERTIFIER, TBT_SME

from . import selectors
from .models import HelpDeskCall, TbtAccess, TbtSme
from .nnumbers import RequestRow, name_key


@dataclass(frozen=True)
class CourseRow:
    line: int
    number: str
    name: str


def _validate_courses(rows) -> tuple[list[CourseRow], list[RowError]]:
    parsed, errors, seen = [], [], {}
    for row in rows:
        number, name = row["number"], row["name"]
        if not number:
            errors.append(RowError(row.line, "number", "a course number is required"))
        elif len(number) > TbtCourse._meta.get_field("number").max_length:
            errors.append(RowError(row.line, "number", "longer than 40 characters"))
        elif number in seen:
            errors.append(
                RowError(row.line, "number", f"course {number} already on line {seen[number]}")
            )
        if not name:
            errors.append(RowError(row.line, "name", "a course name is required"))
        elif len(name) > TbtCourse._meta.get_field("name").max_length:
            errors.append(RowError(row.line, "name", "longer than 200 characters"))
        if number and number not in seen:
            seen[number] = row.line
        parsed.append(CourseRow(row.line, number, name))
    return parsed, errors


def _course_update(course: TbtCourse, row: CourseRow, order: int, *, actor, label: str) -> None:
    before = {"name": course.name, "order": course.order}
    course.name, course.order = row.name, order
    course.full_clean()
    course.save()
    audit_record(
        actor=actor,
        actor_label=label,
        action="update",
        obj=course,
        changes={"before": before, "after": {"name": row.name, "order": order}},
    )


def _course_create(program: Program, row: CourseRow, order: int, *, actor, label: str) -> None:
    course = TbtCourse(program=program, number=row.number, name=row.name, order=order)
    course.full_clean()
    course.save()
    audit_record(
        actor=actor,
        actor_label=label,
        action="create",
        obj=course,
        changes={"after": {"number": row.number, "name": row.name}},
    )


@transaction.atomic
def _apply_courses(
    parsed: list[CourseRow], summary: ImportSummary, *, program: Program, actor, label, progress
) -> None:
    """Add or rename each course (counted in `summary`; written unless it is a dry run)."""
    existing = {c.number: c for c in TbtCourse.objects.filter(program=program)}
    for order, row in enumerate(parsed, start=1):
        course = existing.get(row.number)
        if course and course.name == row.name and course.order == order:
            summary.unchanged += 1
        elif course:
            summary.updated += 1
            if not summary.dry_run:
                _course_update(course, row, order, actor=actor, label=label)
        else:
            summary.created += 1
            if not summary.dry_run:
                _course_create(program, row, order, actor=actor, label=label)
        if progress:
            progress(1)


def import_courses(
    source: str | Path,
    *,
    program: Program,
    dry_run: bool = False,
    actor=None,
    progress=None,
) -> ImportSummary:
    """R-B1: add or rename the program's courses from `number,name` (all or nothing).

    Courses missing from the file are kept (remove them in the admin); the file's order
    becomes the courses' order. Importing the same file twice changes nothing.
    """
    header_errors: list[RowError] = []  # reported with the rows' (SPEC §15)
    rows = read_rows(
        source,
        required=["number", "name"],
        limits=limits_of(TbtCourse, number="number", name="name"),
        header_errors=header_errors,
    )
    parsed, errors = _validate_courses(rows)
    if header_errors or errors:
        raise ImportRejected(header_errors + errors, str(source))
    summary = ImportSummary("courses", rows=len(parsed), dry_run=dry_run)
    label = f"import {Path(str(source)).name}"
    _apply_courses(parsed, summary, program=program, actor=actor, label=label, progress=progress)
    return summary


@transaction.atomic
def help_desk_call_record(
    *, agent: Agent, incident_number: str, call_date: date, actor=None
) -> HelpDeskCall:
    """R-B5: the incident number and call date of a call to the carrier's help desk."""
    call = HelpDeskCall(
        agent=agent,
        incident_number=incident_number.strip(),
        call_date=call_date,
        recorded_by=actor,
    )
    call.full_clean()
    call.save()
    audit_record(
        actor=actor,
        action="help_desk_call",
        obj=agent,
        changes={"incident_number": call.incident_number, "call_date": call_date.isoformat()},
    )
    return call


@transaction.atomic
def tbt_access_record(*, agent: Agent, granted_on: date, actor=None) -> TbtAccess:
    """R-B5: the agent's remote-desktop access works since `granted_on`."""
    access, _ = TbtAccess.objects.update_or_create(
        agent=agent, defaults={"granted_on": granted_on, "recorded_by": actor}
    )
    audit_record(
        actor=actor,
        action="tbt_access",
        obj=agent,
        changes={"granted_on": granted_on.isoformat()},
    )
    return access


# -- the N-Number request dates of a class (seed 000; issue 15 item 3) -----------------------


def _matched(rows: list[RequestRow], agents: list[dict]) -> tuple[list[dict], list[RowError]]:
    """Each row's agent among the class's, found by employee ID or by name (either order)."""
    by_id = {a["record"].employee_id.casefold(): a for a in agents}
    by_name: dict[str, list[dict]] = {}
    for a in agents:
        by_name.setdefault(name_key(a["record"].name), []).append(a)
    matched, errors, seen = [], [], {}
    for row in rows:
        if row.by_name:
            found = by_name.get(name_key(row.identifier), [])
            if len(found) > 1:
                errors.append(RowError(row.line, "Agent", f"two agents named '{row.identifier}'"))
                continue
            agent = found[0] if found else None
        else:
            agent = by_id.get(row.identifier.casefold())
        if agent is None:
            what = "named" if row.by_name else "with employee ID"
            errors.append(
                RowError(row.line, "Agent", f"no agent of the class {what} '{row.identifier}'")
            )
            continue
        employee_id = agent["record"].employee_id
        if employee_id in seen:
            errors.append(
                RowError(
                    row.line, "Agent", f"{agent['record'].name} already on line {seen[employee_id]}"
                )
            )
            continue
        seen[employee_id] = row.line
        matched.append({"row": row, **agent})
    return matched, errors


def n_number_requests_preview(
    *, training_class, rows: list[RequestRow], as_of: date, agent_ids=None
) -> list[dict]:
    """What recording the pasted dates would change, one line per row: the agent, the date
    and N-Number given, the request on record, and whether it is new, a change or the same.
    Raises ImportRejected naming every bad row (nothing is recorded from a bad paste)."""
    agents = selectors.class_agents_with_requests(training_class, as_of, agent_ids)
    matched, errors = _matched(rows, agents)
    if errors:
        raise ImportRejected(errors)
    roster = selectors.agents_by_employee_id(m["record"].employee_id for m in matched)
    lines = []
    for m in matched:
        row, request, record = m["row"], m["request"], m["record"]
        n_number = row.n_number or roster[record.employee_id].n_number
        before = (request.date, request.value) if request else None
        change = (
            "new"
            if before is None
            else "same"
            if before == (row.requested_on, n_number)
            else "change"
        )
        lines.append(
            {
                "line": row.line,
                "employee_id": record.employee_id,
                "name": record.name,
                "requested_on": row.requested_on,
                "n_number": n_number,
                "before": request.date if request else None,
                "change": change,
            }
        )
    return lines


@transaction.atomic
def n_number_requests_record(
    *, training_class, rows: list[RequestRow], actor, now: datetime, agent_ids=None
) -> int:
    """Seed 000: the N-Number request dates of a class, all or nothing; a row the tracker
    already holds is skipped, so pasting the same rows again records nothing. Each request is
    an `n_number requested` fact (SPEC §15) dated the request day; returns how many."""
    lines = n_number_requests_preview(
        training_class=training_class, rows=rows, as_of=now.date(), agent_ids=agent_ids
    )
    agents = selectors.agents_by_employee_id(line["employee_id"] for line in lines)
    recorded = 0
    for line in lines:
        if line["change"] == "same":
            continue
        fact_record(
            agent=agents[line["employee_id"]],
            day=line["requested_on"],
            kind="n_number",
            item="requested",
            value=line["n_number"],
            actor=actor,
        )
        recorded += 1
    audit_record(
        actor=actor,
        action="n_number_requests",
        obj=training_class,
        changes={"recorded": recorded, "rows": len(lines)},
    )
    return recorded


# -- the TBT SMEs of a class (seed 000, R-B4; issue 15 item 4) -------------------------------

SMES_PER_CLASS = 2  # seed 000: "Assign 1-2 Certifiers as TBT SMEs"


@transaction.atomic
def tbt_sme_assign(*, training_class, user, actor, now: datetime) -> TbtSme:
    """Seed 000: a certifier (or TBT SME) follows the class's TBTs; at most two per class. A
    certifier assigned becomes a TBT SME (the role that sees the TBT pages, SPEC §1)."""
    roles = set(user.groups.values_list("name", flat=True))
    if not roles & {CERTIFIER, TBT_SME}:
        raise ValidationError(f"{user.get_full_name() or user.email} is not a certifier.")
    current = list(TbtSme.objects.select_for_update().filter(training_class=training_class))
    if any(sme.user_id == user.pk for sme in current):
        raise ValidationError(
            f"{user.get_full_name() or user.email} is already a TBT SME of {training_class.code}."
        )
    if len(current) >= SMES_PER_CLASS:
        raise ValidationError(
            f"{training_class.code} already has {SMES_PER_CLASS} TBT SMEs: remove one first."
        )
    sme = TbtSme.objects.create(
        training_class=training_class, user=user, assigned_by=actor, assigned_at=now
    )
    if TBT_SME not in roles:
        user.groups.add(Group.objects.get_or_create(name=TBT_SME)[0])
    audit_record(
        actor=actor,
        action="tbt_sme_assign",
        obj=training_class,
        changes={"user": user.email, "role_added": TBT_SME not in roles},
    )
    return sme


@transaction.atomic
def tbt_sme_remove(*, training_class, user, actor, now: datetime) -> None:
    """The user no longer follows the class's TBTs (their roles stay as they are)."""
    removed, _ = TbtSme.objects.filter(training_class=training_class, user=user).delete()
    if removed:
        audit_record(
            actor=actor,
            action="tbt_sme_remove",
            obj=training_class,
            changes={"user": user.email, "at": now.isoformat()},
        )


# -- seed 000: the "searched by course number" screenshots compiled and sent -----------------


def _searched_attachment(line: dict, proof) -> Attachment:
    """The screenshot as `Last_First_searched.png` (the scorecards' naming, R-C5)."""
    suffix = Path(proof.original_name).suffix.lower() or ".png"
    agent = proof.agent
    name = f"{agent.last_name}_{agent.first_name}".replace(" ", "-")
    return Attachment(
        f"{name}_searched{suffix}", proof_path(proof).read_bytes(), proof.content_type
    )


@transaction.atomic
def searched_send(*, training_class, actor, now: datetime):
    """Seed 000: the class's accepted "searched by course number" screenshots compiled into
    one e-mail, one attachment per agent, to the program's named leaders (R-B4: the
    carrier-leadership list). The same screenshots are sent once: a key made of them refuses
    a repeat (None)."""
    program = training_class.program
    lines = [
        line
        for line in selectors.searched_by_course(program, now.date())
        if line["class_code"] == training_class.code
    ]
    if not lines:
        raise ValidationError(f"No accepted screenshot for class {training_class.code} yet.")
    distribution_list, _ = DistributionList.objects.get_or_create(
        key=selectors.SEARCHED_LIST, defaults={"name": selectors.SEARCHED_LIST_NAME}
    )
    if not distribution_list.addresses:
        raise ValidationError(
            f"The list '{distribution_list.name}' is empty: the ESP Manager adds the leaders' "
            "addresses on the distribution lists page."
        )
    proofs = selectors.proofs_by_id(line["proof_id"] for line in lines)
    attachments = []
    for line in lines:
        attachment = _searched_attachment(line, proofs[line["proof_id"]])
        reviewer = proofs[line["proof_id"]].reviewed_by
        line["attachment"] = attachment.filename
        line["reviewer"] = (reviewer.get_full_name() or reviewer.email) if reviewer else ""
        attachments.append(attachment)
    message = make_message(
        "tbt-searched",
        {
            "program": program,
            "class_code": training_class.code,
            "day": now.date(),
            "lines": lines,
            "sender": (actor.get_full_name() or actor.email) if actor else "ESP Tracker",
        },
        tuple(attachments),
    )
    ids = ",".join(str(line["proof_id"]) for line in lines)
    key = f"tbt_searched|{training_class.code}|{hashlib.sha256(ids.encode()).hexdigest()[:16]}"
    row = enqueue(
        key=key,
        report="tbt_searched",
        list_key=selectors.SEARCHED_LIST,
        to=distribution_list.addresses,
        message=message,
        now=now,
        business_day=now.date(),
    )
    if row is not None:
        audit_record(
            actor=actor,
            action="tbt_searched_sent",
            obj=training_class,
            changes={"screenshots": len(lines), "to": distribution_list.addresses},
        )
    return row
