"""Reporting a person's gaps (R-N7 "report them"): one e-mail through the outbox per
(person, day), recorded and audited."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from esp.audit.services import audit_record
from esp.mailing.messages import make_message
from esp.mailing.models import DistributionList
from esp.mailing.outbox import enqueue
from esp.programs.calendars import calendar_for
from esp.programs.models import Program

from .models import GapReport
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
    try:
        person = get_user_model().objects.get(pk=int(person_id))
    except (ValueError, TypeError, get_user_model().DoesNotExist):
        raise ValidationError("Choose a person from the list.") from None
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
    to = _addresses(person, rows[0].name, recipients)
    message = make_message(
        "upkeep-gaps",
        {
            "person": rows[0],
            "rows": rows,
            "day": day,
            "gaps": gaps,
            "note": note.strip(),
            "reporter": actor.get_full_name() or actor.email,
        },
    )
    key = gap_report_key(person.pk, day)
    row = enqueue(
        key=key,
        report=REPORT,
        list_key=f"person:{person.email.lower()}",
        to=to,
        message=message,
        now=now,
        business_day=day,
    )
    if row is None:
        raise ValidationError("That report is already in the outbox.")
    try:
        with transaction.atomic():
            report = GapReport.objects.create(
                person=person,
                day=day,
                recipients=to,
                gaps=gaps,
                note=note.strip(),
                message=row,
                sent_by=actor,
                sent_at=now,
            )
    except IntegrityError:
        raise ValidationError("That report was just sent by someone else.") from None
    audit_record(
        actor=actor,
        action="report_gaps",
        obj=report,
        changes={
            "person": person.email,
            "day": day.isoformat(),
            "to": to,
            "gaps": gaps,
            "outbox_key": key,
        },
    )
    return report
