"""Reporting a person's gaps (R-N7 "report them"): one e-mail through the outbox per
(person, day), recorded and audited."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from esp.access.writes import may_write
from esp.audit.services import audit_record
from esp.mailing.messages import make_message
from esp.mailing.models import DistributionList
from esp.mailing.services.outbox import enqueue
from esp.programs.calendars import calendar_for
from esp.programs.models import Program

from .models import GapReport, StatusConfirmation, TicketsConfirmation
from .selectors import person_upkeep

OPS_MANAGEMENT = "ops_management"
RECIPIENTS = {
    "person": "the person",
    OPS_MANAGEMENT: "the ops management list",
    "both": "the person and the ops management list",
}
REPORT = "upkeep_gaps"


def gap_report_key(person_id: int, day: date) -> str:
    return f"{REPORT}|person:{person_id}|{day.isoformat()}"


def _addresses(person, name: str, recipients: str) -> list[str]:
    """The addresses to send to; refused, naming why, when there is none at all."""
    to, missing = [], []
    if recipients in ("person", "both"):
        if person.email.strip():
            to.append(person.email.strip().lower())
        else:
            missing.append(f"{name} has no e-mail address")
    if recipients in (OPS_MANAGEMENT, "both"):
        found = (
            DistributionList.objects.filter(key=OPS_MANAGEMENT).prefetch_related("members").first()
        )
        addresses = [a for a in (found.addresses if found else []) if a]
        if not addresses:
            missing.append("the ops management list is empty")
        to += addresses
    if not to:
        raise ValidationError(f"Nobody to send to: {' and '.join(missing)}.")
    return sorted(set(to))


def _refuse_the_request(program: Program, day: date, today: date, recipients: str, note: str):
    """Refused when `day` is after `today` or not a business day, with no recipients chosen,
    or a note holding a NUL."""
    if day > today:
        raise ValidationError(
            f"{day:%m/%d/%Y} is after today ({today:%m/%d/%Y}): its gaps cannot be reported yet."
        )
    if not calendar_for(program).is_business_day(day):
        raise ValidationError(
            f"{day:%A %m/%d/%Y} is not a business day: nothing is expected of the teams."
        )
    if recipients not in RECIPIENTS:
        raise ValidationError("Choose who gets the report.")
    if "\x00" in note:
        raise ValidationError("The note contains a NUL character (\\x00): remove it.")


def _person(person_id):
    User = get_user_model()
    try:
        return User.objects.get(pk=int(person_id))
    except (ValueError, TypeError, User.DoesNotExist):
        raise ValidationError("Choose a person from the list.") from None


def _open_rows(program: Program, day: date, now: datetime, person) -> tuple[list, int]:
    """The person's upkeep rows of the day and their open items; refused when the person has
    no team role, was already reported for the day, or has nothing open."""
    rows = person_upkeep(program, day, now, person.pk)
    if not rows:
        raise ValidationError("That person is not a TL, licensing or cert coordinator.")
    existing = GapReport.objects.filter(person=person, day=day).first()
    if existing is not None:
        raise ValidationError(
            f"The gaps of {rows[0].name} on {day:%m/%d/%Y} were already reported "
            f"to {', '.join(existing.recipients)}."
        )
    gaps = sum(row.gaps for row in rows)
    if not gaps:
        raise ValidationError(f"{rows[0].name} has nothing open on {day:%m/%d/%Y}.")
    return rows, gaps


def _record(*, person, day: date, to: list[str], gaps: int, note: str, row, actor, now):
    try:
        with transaction.atomic():
            return GapReport.objects.create(
                person=person,
                day=day,
                recipients=to,
                gaps=gaps,
                note=note,
                message=row,
                sent_by=actor,
                sent_at=now,
            )
    except IntegrityError:
        raise ValidationError("That report was just sent by someone else.") from None


@transaction.atomic
def gap_report_send(
    *,
    program: Program,
    person_id,
    day: date,
    today: date,
    recipients: str,
    note: str = "",
    actor,
    now: datetime,
) -> GapReport:
    """Enqueue the e-mail listing the person's open items of `day` and record it; refused
    when `day` is after `today` or not a business day, when there is nothing open, no
    address, or a report for (person, day) already exists."""
    _refuse_the_request(program, day, today, recipients, note)
    person = _person(person_id)
    rows, gaps = _open_rows(program, day, now, person)
    to = _addresses(person, rows[0].name, recipients)
    context = {
        "person": rows[0],
        "rows": rows,
        "day": day,
        "gaps": gaps,
        "note": note.strip(),
        "reporter": actor.get_full_name() or actor.email,
    }
    key = gap_report_key(person.pk, day)
    row = enqueue(
        key=key,
        report=REPORT,
        list_key=f"person:{person.email.lower()}",
        to=to,
        message=make_message("upkeep-gaps", context),
        now=now,
        business_day=day,
    )
    if row is None:
        raise ValidationError("That report is already in the outbox.")
    report = _record(
        person=person, day=day, to=to, gaps=gaps, note=note.strip(), row=row, actor=actor, now=now
    )
    changes = {"person": person.email, "day": day.isoformat(), "to": to, "gaps": gaps}
    audit_record(
        actor=actor, action="report_gaps", obj=report, changes={**changes, "outbox_key": key}
    )
    return report


# -- the TL's evening checklist (R-N5, seed 001; issue 15 item 12) ---------------------------


@transaction.atomic
def statuses_confirm(*, agent, day: date, actor, now: datetime) -> bool:
    """R-N5: the TL confirms the agent's statuses unchanged on the day, one click; the
    checklist counts the agent as updated. Only someone who may set the agent's statuses;
    False when it was already confirmed."""
    if not may_write(actor, "task", None, agent):
        raise PermissionDenied("only who may set the agent's statuses confirms them")
    _, created = StatusConfirmation.objects.get_or_create(
        agent=agent, day=day, defaults={"confirmed_by": actor, "confirmed_at": now}
    )
    if created:
        audit_record(
            actor=actor,
            action="statuses_confirmed",
            obj=agent,
            changes={"day": day.isoformat()},
        )
    return created


@transaction.atomic
def tickets_confirm(*, user, day: date, now: datetime) -> bool:
    """Seed 001: the TL confirms the day's tickets submitted through the five forms."""
    _, created = TicketsConfirmation.objects.get_or_create(
        user=user, day=day, defaults={"confirmed_at": now}
    )
    if created:
        audit_record(
            actor=user, action="tickets_confirmed", obj=user, changes={"day": day.isoformat()}
        )
    return created
