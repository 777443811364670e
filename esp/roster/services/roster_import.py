"""The import of `roster.csv` (SPEC §15): validate every row, then apply them all."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from esp.audit.models import AuditEntry
from esp.audit.services import audit_record
from esp.lib.csvio import ImportRejected, ImportSummary, RowError, RowsDone, is_email, read_rows
from esp.lib.dbstats import refresh_planner_statistics
from esp.lib.textcheck import limits_of
from esp.programs.models import Site

from ..models import Agent, TrainingClass
from ..roles import PM, TL
from .staff import ensure_staff

ROSTER_REQUIRED = [
    "employee_id",
    "first_name",
    "last_name",
    "work_email",
    "personal_email",
    "class_code",
]
ROSTER_OPTIONAL = ["site", "npn", "n_number", "tl_email", "pm_email", "equipment_owner"]
ANALYZE_AFTER = 1000

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
#: The agent's own fields a roster row sets as they are.
PLAIN_FIELDS = (
    "first_name",
    "last_name",
    "work_email",
    "personal_email",
    "npn",
    "n_number",
    "equipment_owner",
)


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


class _Check:
    """One roster row being checked against the classes and sites, read once per import."""

    def __init__(self, classes: dict, sites: dict, first_line: dict):
        self.classes, self.sites, self.first_line = classes, sites, first_line
        self.errors: list[RowError] = []
        self.row = None

    def bad(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row.line, column, reason))

    def employee_id(self) -> str:
        employee_id = self.row["employee_id"]
        if employee_id in self.first_line:
            first = self.first_line[employee_id]
            self.bad("employee_id", f"duplicate employee_id {employee_id} (first on line {first})")
        elif employee_id:
            self.first_line[employee_id] = self.row.line
        return employee_id

    def training_class(self):
        code = self.row["class_code"]
        training_class = self.classes.get(code)
        if code and training_class is None:
            self.bad("class_code", f"unknown class '{code}' (import it in classes.csv first)")
        return training_class

    def site(self, training_class) -> str:
        given = self.row["site"]
        if given:
            site = self.sites.get(given.upper(), "")
            if not site:
                self.bad("site", f"unknown site '{given}'")
            return site
        if training_class is None:
            return ""
        class_sites = sorted(s.code for s in training_class.sites.all())
        return class_sites[0] if class_sites else ""

    def emails(self) -> None:
        for column in ("work_email", "personal_email", "tl_email", "pm_email"):
            if self.row[column] and not is_email(self.row[column]):
                self.bad(column, f"'{self.row[column]}' is not an e-mail address")

    def numbers(self) -> None:
        row = self.row
        if row["npn"] and not row["npn"].isdigit():
            self.bad("npn", f"'{row['npn']}' is not an NPN (digits only)")
        if row["n_number"] and row["n_number"].isdigit():
            self.bad("n_number", f"'{row['n_number']}' looks like an NPN, not an N-Number")

    def equipment_owner(self) -> None:
        owner = self.row["equipment_owner"]
        if owner and owner.lower() not in ("company", "personal"):
            self.bad("equipment_owner", f"'{owner}' is not company or personal")

    def tl(self, training_class) -> str:
        tl_email = self.row["tl_email"].lower()
        if tl_email and training_class is not None and is_email(tl_email):
            if tl_email not in {u.email.lower() for u in training_class.tls.all()}:
                self.bad("tl_email", f"{tl_email} is not a TL of class {training_class.code}")
        return tl_email

    def values(self, row) -> dict:
        """The row's values as stored, checking them (errors in `self.errors`)."""
        self.row, self.errors = row, []
        for column in ROSTER_REQUIRED:
            if not row[column]:
                self.bad(column, "is empty")
        employee_id = self.employee_id()
        self.emails()
        training_class = self.training_class()
        site = self.site(training_class)
        self.numbers()
        tl_email = self.tl(training_class)
        self.equipment_owner()
        return {
            "employee_id": employee_id,
            **{name: row[name] for name in ("first_name", "last_name", "work_email")},
            **{name: row[name] for name in ("personal_email", "class_code", "npn", "n_number")},
            "site": site,
            "tl_email": tl_email,
            "pm_email": row["pm_email"].lower(),
            "equipment_owner": row["equipment_owner"].lower(),
        }


def _validate_roster(rows) -> tuple[list[tuple[int, dict]], list[RowError]]:
    check = _Check(
        classes={c.code: c for c in TrainingClass.objects.prefetch_related("tls", "sites")},
        sites={s.code.upper(): s.code for s in Site.objects.all()},
        first_line={},
    )
    errors: list[RowError] = []
    parsed: list[tuple[int, dict]] = []
    for row in rows:
        values = check.values(row)
        errors.extend(check.errors)
        if not check.errors:
            parsed.append((row.line, values))
    return parsed, errors


class _Apply:
    """Writing the checked rows: the classes, sites and staff accounts they name, read once."""

    def __init__(self, actor, label: str):
        self.actor, self.label = actor, label
        self.classes = {c.code: c for c in TrainingClass.objects.all()}
        self.sites = {s.code: s for s in Site.objects.all()}
        self.staff_cache: dict[tuple[str, str], object] = {}
        self.new_agents: list[Agent] = []

    def staff(self, email: str, role: str):
        if not email:
            return None
        if (email, role) not in self.staff_cache:
            self.staff_cache[(email, role)] = ensure_staff(email, role)
        return self.staff_cache[(email, role)]

    def agent(self, values: dict, current: Agent | None, before, state) -> None:
        agent = current or Agent(employee_id=values["employee_id"])
        for name in PLAIN_FIELDS:
            setattr(agent, name, values[name])
        agent.training_class = self.classes[values["class_code"]]
        agent.site = self.sites.get(values["site"])
        agent.tl = self.staff(values["tl_email"], TL)
        agent.pm = self.staff(values["pm_email"], PM)
        if current is None:
            self.new_agents.append(agent)
            return
        agent.version += 1
        agent.save()
        changed = {k: [before[k], state[k]] for k in state if before[k] != state[k]}
        audit_record(
            actor=self.actor, actor_label=self.label, action="update", obj=agent, changes=changed
        )

    def create_new(self) -> None:
        """The new agents in bulk, each with its audit row."""
        if not self.new_agents:
            return
        Agent.objects.bulk_create(self.new_agents, batch_size=1000)
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    actor=self.actor,
                    actor_label=self.label,
                    action="create",
                    object_type="agent",
                    object_id=agent.employee_id,
                    changes=_agent_state(agent),
                )
                for agent in self.new_agents
            ],
            batch_size=1000,
        )


def _existing_agents(ids: list[str]) -> dict[str, Agent]:
    existing = {}
    for start in range(0, len(ids), 500):
        for agent in Agent.objects.filter(employee_id__in=ids[start : start + 500]).select_related(
            "training_class", "site", "tl", "pm"
        ):
            existing[agent.employee_id] = agent
    return existing


def import_roster(
    source: str | Path, *, dry_run: bool = False, actor=None, progress: RowsDone | None = None
) -> ImportSummary:
    header_errors: list[RowError] = []  # reported with the rows' (SPEC §15)
    rows = read_rows(
        source,
        required=ROSTER_REQUIRED,
        optional=ROSTER_OPTIONAL,
        limits=_roster_limits(),
        header_errors=header_errors,
    )
    parsed, errors = _validate_roster(rows)
    if header_errors or errors:
        raise ImportRejected(header_errors + errors, str(source))
    summary = ImportSummary("roster", rows=len(parsed), dry_run=dry_run)
    existing = _existing_agents([values["employee_id"] for _, values in parsed])
    apply = _Apply(actor, f"import {Path(str(source)).name}")
    with transaction.atomic():
        for _, values in parsed:
            current = existing.get(values["employee_id"])
            state = {k: values[k] for k in AGENT_FIELDS}
            before = _agent_state(current) if current else None
            if progress:
                progress(1)
            if before == state:
                summary.unchanged += 1
                continue
            summary.updated += bool(current)
            summary.created += not current
            if not dry_run:
                apply.agent(values, current, before, state)
        apply.create_new()
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run and summary.created + summary.updated >= ANALYZE_AFTER:
        refresh_planner_statistics(Agent)
    return summary
