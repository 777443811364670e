"""Facts about agents, one row each, shaped like the activity format (SPEC §15).

Every kind of fact — task statuses, TBT completions, call scores, attendance occurrences,
exam attempts, delivered ladder steps, notes, self-reports, employment changes, equipment
statuses, red flags, N-Number requests and moves — is an append-only row: the history is the
table. A fact is identified by its content and its position among identical facts, so an
import of the same file twice adds nothing the second time.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from esp.roster.models import Agent


class Kind(models.TextChoices):
    TASK = "task"
    TBT = "tbt"
    CALL = "call"
    ATTENDANCE = "attendance"
    EXAM = "exam"
    ACTION = "action"
    NOTE = "note"
    SELF_REPORT = "self_report"
    STATUS = "status"
    EQUIPMENT = "equipment"
    FLAG = "flag"
    N_NUMBER = "n_number"
    MOVE = "move"


def content_hash(
    date_iso: str, employee_id: str, kind: str, item: str, value: str, by: str, note: str
) -> str:
    text = "\x1f".join([date_iso, employee_id, kind, item, value, by, note])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Proof(models.Model):
    """A proof file for a task (R-B2): submitted, then accepted or rejected with a reason.

    Files live outside the web root under random names; only an accepted proof completes a
    task (its acceptance is recorded as a `task ... done` fact pointing here).
    """

    SUBMITTED, ACCEPTED, REJECTED = "submitted", "accepted", "rejected"
    STATUSES = [(SUBMITTED, "submitted"), (ACCEPTED, "accepted"), (REJECTED, "rejected")]

    agent = models.ForeignKey(Agent, related_name="proofs", on_delete=models.CASCADE)
    item = models.CharField(max_length=60, help_text="task key or TBT course number")
    stored_name = models.CharField(max_length=80, unique=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=STATUSES, default=SUBMITTED)
    reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, related_name="+", on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class Fact(models.Model):
    agent = models.ForeignKey(Agent, related_name="facts", on_delete=models.CASCADE)
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=120, blank=True)
    by = models.CharField(max_length=200, blank=True, help_text="Who, as written in the source")
    note = models.TextField(blank=True)
    source = models.CharField(max_length=40, blank=True, help_text="import, form, self-report ...")
    to_agent = models.BooleanField(
        "visible to the agent",
        default=False,
        help_text="A note written to the agent; every other note is staff-only",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    proof = models.ForeignKey(Proof, null=True, blank=True, on_delete=models.PROTECT)
    content_hash = models.CharField(max_length=64, editable=False)
    occurrence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [
            models.Index(
                fields=["agent", "kind", "item", "date"], name="fact_agent_kind_item_date"
            ),
            models.Index(fields=["kind", "date"], name="fact_kind_date"),
            # Everyone's latest fact of one kind and item, e.g. the in-flight filter's
            # employment status and transfer task (progress.selectors).
            models.Index(fields=["kind", "item", "date"], name="fact_kind_item_date"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["content_hash", "occurrence"], name="fact_identity")
        ]

    def __str__(self) -> str:
        return f"{self.date:%m/%d/%Y} {self.kind} {self.item} {self.value}".strip()


class StagedFact(models.Model):
    """A fact of an activity import waiting to be applied (issue 12 item 14).

    A large import writes its new facts here in short transactions, one batch at a time, so
    the SQLite write lock is free between batches for the people using the app; then one
    short transaction copies the whole import into `Fact` with a single INSERT ... SELECT
    and deletes the staged rows. Until then no page sees any of it: all or nothing. Rows of
    an import that died half-way are removed by the next import (STALE_STAGING_AFTER).
    """

    batch = models.CharField(max_length=32, db_index=True, help_text="one import's key")
    staged_at = models.DateTimeField(auto_now_add=True)
    agent_id = models.BigIntegerField()
    date = models.DateField()
    kind = models.CharField(max_length=20)
    item = models.CharField(max_length=60, blank=True)
    value = models.CharField(max_length=120, blank=True)
    by = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=40, blank=True)
    recorded_by_id = models.BigIntegerField(null=True)
    content_hash = models.CharField(max_length=64)
    occurrence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"import {self.batch}: {self.date:%m/%d/%Y} {self.kind} {self.item}".strip()


class CarrierTicket(models.Model):
    """A ticket opened with the carrier for an agent (the carrier ticket form, R-N4)."""

    OPEN, RESOLVED = "open", "resolved"
    agent = models.ForeignKey(Agent, related_name="carrier_tickets", on_delete=models.CASCADE)
    date = models.DateField()
    ticket_number = models.CharField(max_length=60)
    issue = models.TextField()
    status = models.CharField(
        max_length=10, choices=[(OPEN, "open"), (RESOLVED, "resolved")], default=OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.ticket_number} ({self.status})"


class AgentsVersion(models.Model):
    """One row (id 1, none until the first agent): a number that every statement inserting
    or deleting agents moves, whatever writes it (a save, bulk_create, raw SQL, another
    process), by the database's own triggers (migration 0012). The read model's freshness
    check reads it in one indexed lookup where it counted the agents (issue 14: 0.7 ms at
    20,000 agents on PostgreSQL, more than the extensions report's own query)."""

    ROW = 1
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"agents version {self.version}"


class SettledPolicy(models.Model):
    """The settings version (`Program.policy_stamp`) by which a program's agents' kept marks
    (`Agent.tasks_done`, esp.progress.services.settled) were last computed: "done" depends on
    the policy (a task's rule, the TBT courses, the calls' pass mark), so a settings change
    leaves them to compute again, after its commit and in the worker's next round (issue 14).
    No row: never computed by this version of the app (after an upgrade, `esp rebuild`)."""

    program = models.OneToOneField(
        "programs.Program", related_name="+", on_delete=models.CASCADE, primary_key=True
    )
    policy_stamp = models.BigIntegerField()

    def __str__(self) -> str:
        return f"marks of program {self.program_id} by settings {self.policy_stamp}"


class ReportDay(models.Model):
    """One report of one program built into `ReportLine` for one as-of day (issue 14).

    Inserted before the lines, under a unique constraint: a second request building the same
    day waits for the first and reads its lines. `agents_version` is `AgentsVersion` when
    built: agents added or removed in bulk (the roster import) send no signal, so a read
    that finds another version builds the day again; likewise for `settings`, the digest of
    the policy and calendar.
    """

    program = models.ForeignKey("programs.Program", related_name="+", on_delete=models.CASCADE)
    as_of = models.DateField()
    report = models.CharField(max_length=20)
    built_at = models.DateTimeField()
    agents_version = models.BigIntegerField(default=0)
    # the program's policy and calendar the day was built with (a digest): settings edited
    # without a signal (a queryset update) are seen on the next read
    settings = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "as_of", "report"], name="report_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} as of {self.as_of:%m/%d/%Y}"


class ReportLine(models.Model):
    """One line of a §15 report as of one day, computed by the rules (esp.rules.report_lines).

    The facts stay the record; these rows are kept current in the same transaction as each
    fact write (progress.services.projection) and are rebuilt by `esp rebuild`.
    """

    program = models.ForeignKey("programs.Program", related_name="+", on_delete=models.CASCADE)
    as_of = models.DateField()
    report = models.CharField(max_length=20)
    section = models.CharField(max_length=60, blank=True)
    section_order = models.PositiveSmallIntegerField(default=0)
    class_code = models.CharField(max_length=60)
    employee_id = models.CharField(max_length=60)
    agent = models.ForeignKey(Agent, related_name="+", on_delete=models.CASCADE)
    ladder = models.CharField(max_length=60, blank=True)
    due_on = models.CharField(max_length=10, blank=True)
    step = models.CharField(max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    rank = models.IntegerField(default=0)  # what a page sorts by (Line.rank)
    state = models.CharField(max_length=20, blank=True)  # what a page picks by (Line.state)
    # the §15 line as JSON text: key order kept (PostgreSQL's jsonb would sort the keys)
    payload = models.TextField()

    class Meta:
        indexes = [
            models.Index(
                fields=[
                    "program",
                    "as_of",
                    "report",
                    "section_order",
                    "class_code",
                    "employee_id",
                    "ladder",
                    "due_on",
                    "position",
                ],
                name="report_line_order",
            ),
            models.Index(fields=["agent", "as_of"], name="report_line_agent"),
            # Today's lists pick by section and state among the user's agents, and count
            # them from this index alone (issue 14)
            models.Index(
                fields=["program", "as_of", "report", "section", "state", "agent"],
                name="report_line_pick",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.as_of:%m/%d/%Y} {self.employee_id}"
