"""What the class board and the agent page show, read once per page and handed to the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.http import url_has_allowed_host_and_scheme

from esp.access.writes import may_write
from esp.lib import clock
from esp.programs.calendars import calendar_for
from esp.roster.models import Agent, TrainingClass
from esp.roster.selectors import names_by_email
from esp.rules import attendance
from esp.rules import reports as rules
from esp.rules.board import NOT_STARTED, NOT_YET, task_chip
from esp.rules.exams import failed_twice_on, same_day_warning
from esp.rules.flags import open_flags
from esp.rules.notes import author, authors, is_note
from esp.rules.progress import AgentProgress, latest
from esp.rules.records import DONE, FAILED, IN_PROGRESS, NOT_APPLICABLE, AgentRecord
from esp.rules.records import Fact as RuleFact
from esp.rules.report_lines import FACT_KINDS
from esp.rules.upkeep import not_transferred

from . import hooks
from .models import Fact, Proof
from .selectors import (
    STAFF_ONLY_STEPS,
    agent_history,
    agent_records,
    board_agents,
    class_dates,
    facts_by_agent,
    facts_for_agent,
    ordered_tasks,
    task_names,
)

CHIPS = {
    # status: (label, css class)
    DONE: ("Done", "done"),
    NOT_APPLICABLE: ("N/A", "na"),
    IN_PROGRESS: ("In progress", "progress"),
    FAILED: ("Failed", "failed"),
    NOT_STARTED: ("Not started", "todo"),
    NOT_YET: ("Not yet", "later"),
}


@dataclass
class Cell:
    task: str
    name: str
    status: str  # the chip's status key
    label: str
    css: str
    age: int | None = None
    late: bool = False  # the late mark: "N bd · late" (an open task of a late section)
    based_on: str = ""  # id of the latest direct status fact ("" for none)
    detail: str = ""
    over: str = ""  # a higher app's late mark, e.g. "over 8 h" on the TBTs (hooks.board_marks)


@dataclass
class Row:
    agent_id: int
    employee_id: str
    name: str
    site: str
    tl: str
    active: bool
    employment: str
    cells: list[Cell] = field(default_factory=list)
    late: bool = False  # a cell carries the late mark ("Late only", issue 17 item 5)
    oldest_age: int = 0
    url: str = ""  # the agent page's path (set by the board view, issue 14)
    tbt_access_on: date | None = None  # the day TBT access works (hooks.board_marks)

    @property
    def late_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.late or c.over]


def _with_marks(rows: list[Row], program, as_of: date) -> list[Row]:
    """The higher apps' marks on the rows (esp.progress.hooks.board_marks): a marked cell
    makes its row late (the "Late only" filter keeps it)."""
    marks = hooks.board_marks(program, as_of, [row.agent_id for row in rows])
    for row in rows:
        extra = marks.get(row.agent_id, {})
        row.tbt_access_on = extra.get("access_on")
        for cell in row.cells:
            cell.over = extra.get("marks", {}).get(cell.task, "")
        row.late = row.late or any(cell.over for cell in row.cells)
    return rows


def task_cell(
    progress: AgentProgress, task, ctx: rules.Context, late_tasks: set[str], name: str
) -> Cell:
    """The board cell of `task`: its chip (esp.rules.board) with a label and a colour."""
    chip = task_chip(progress, task, ctx)
    label, css = CHIPS[chip.status]
    based_on = "" if chip.based_on is None else str(chip.based_on)
    # Marked only where the board shows the age: a task of the "transfer needed" section not
    # yet due ("Not yet", no age) is not late, so "Late only" leaves its agent out (issue 17).
    late = task.key in late_tasks and chip.age is not None
    return Cell(task.key, name, chip.status, label, css, chip.age, late, based_on, chip.detail)


def _rows(records, ctx: rules.Context, agents: dict[str, Agent], program) -> list[Row]:
    policy = ctx.policy
    names = task_names(program)
    section_tasks = {s.key: s.tasks for s in policy.sections}
    rows = []
    for record in records:
        progress = AgentProgress(record, policy)
        agent = agents[record.employee_id]
        late_sections = rules.incompletion_lines(progress, ctx)
        late_tasks = {
            task
            for key in late_sections
            if key != policy.transfer_section
            for task in section_tasks.get(key, ())
        }
        transfer = late_sections.get(policy.transfer_section)
        if transfer and not_transferred(
            policy.transfer_section, transfer["age_business_days"], policy
        ):  # R-I1a: late once it waits longer than allowed, not from its first day
            late_tasks.add(policy.transfer_task)
        employment = latest(progress.facts("status"), ctx.as_of)
        row = Row(
            agent_id=agent.pk,
            employee_id=agent.employee_id,
            name=agent.name,
            site=agent.site.code if agent.site else "",
            tl=(agent.tl.get_full_name() or agent.tl.email) if agent.tl else "",
            active=progress.is_active(ctx.as_of),
            employment=employment.value if employment else "active",
        )
        row.cells = [
            task_cell(progress, task, ctx, late_tasks, names.get(task.key, task.key))
            for task in policy.tasks
        ]
        row.late = any(c.late for c in row.cells)
        row.oldest_age = max((c.age or 0 for c in row.cells if c.late), default=0)
        rows.append(row)
    return rows


@dataclass
class Board:
    training_class: TrainingClass
    as_of: date
    tasks: list
    rows: list[Row]
    sites: list[str]
    tls: list[str]


SORTS = {
    "name": lambda r: (r.name.split()[-1].lower(), r.name.lower()),
    "employee_id": lambda r: r.employee_id,
    "site": lambda r: (r.site, r.name),
    "age": lambda r: (-r.oldest_age, r.name),
}


def board(
    training_class: TrainingClass,
    as_of: date,
    *,
    site: str = "",
    tl: str = "",
    task: str = "",
    late_only: bool = False,
    sort: str = "name",
    agent_ids=None,
) -> Board:
    """One row per agent of the class as of D (moves included), one cell per task; with
    `agent_ids`, only those agents (the viewer's scope today, `access.visible_agent_ids`)."""
    program = training_class.program
    policy = program.policy()
    ctx = rules.Context(policy, calendar_for(program), as_of)
    records = [
        r
        for r in agent_records(program, as_of, class_code=training_class.code, agent_ids=agent_ids)
        if AgentProgress(r, policy).class_dates(as_of).code == training_class.code
    ]
    agents = board_agents(r.employee_id for r in records)
    rows = _with_marks(_rows(records, ctx, agents, program), program, as_of)
    sites = sorted({r.site for r in rows if r.site})
    tls = sorted({r.tl for r in rows if r.tl})
    if site:
        rows = [r for r in rows if r.site == site]
    if tl:
        rows = [r for r in rows if r.tl == tl]
    if task:
        rows = [r for r in rows if any(c.task == task and c.status != DONE for c in r.cells)]
    if late_only:
        rows = [r for r in rows if r.late]
    rows.sort(key=SORTS.get(sort, SORTS["name"]))
    tasks = ordered_tasks(program)
    return Board(training_class, as_of, tasks, rows, sites, tls)


def agent_row(agent: Agent, as_of: date) -> Row:
    """The board row of one agent (for in-place updates)."""
    program = agent.training_class.program
    ctx = rules.Context(program.policy(), calendar_for(program), as_of)
    records = agent_records(program, as_of, agent_ids=[agent.pk])
    return _with_marks(_rows(records, ctx, {agent.employee_id: agent}, program), program, as_of)[0]


@dataclass
class AgentPage:
    agent: Agent
    as_of: date
    row: Row
    class_code: str
    history: dict[str, list[Fact]]
    calls: list[tuple[int, list[Fact]]]
    due_steps: list[dict]
    deliveries: list[Fact]
    employment: list[Fact]
    equipment: list[Fact]
    flags: list[Fact]
    open_flags: list[Fact]
    notes: list[Fact]
    exams: list[Fact]
    n_number_requests: list[Fact]
    moves: list[Fact]
    attendance: list = field(default_factory=list)
    attendance_points: float = 0.0
    for_agent: bool = False
    #: ids of the facts whose note the agent reads (facts_for_agent, the agent's own view)
    agent_reads: frozenset[int] = frozenset()
    #: employment changes recorded with a date after as_of (a term the PM set ahead), in order
    scheduled: list[Fact] = field(default_factory=list)
    #: the rules' record of the agent as of the day (what agent_records reads for them)
    record: AgentRecord | None = None
    #: every fact of the agent, any date, as staff see them, with `by_name`: what the page's
    #: parts (esp.progress.hooks) read of the agent's facts instead of reading them again
    all_facts: list[Fact] = field(default_factory=list)


def _by_kind(facts) -> tuple[dict[str, list[Fact]], dict[str, list[Fact]], list]:
    """The facts by kind, the task statuses by task (their history), the calls by number."""
    by_kind: dict[str, list[Fact]] = {}
    history: dict[str, list[Fact]] = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
        if fact.kind == "task":
            history.setdefault(fact.item, []).append(fact)
    calls: dict[int, list[Fact]] = {}
    for fact in by_kind.get("call", []):
        calls.setdefault(int(fact.item), []).append(fact)
    return by_kind, history, sorted(calls.items())


def _seen_facts(agent: Agent, history: list[Fact], as_of: date, for_agent: bool):
    """The facts the page shows (the agent's own view of them for the agent), the ids of
    those whose note the agent reads, and the employment facts dated after `as_of`, from
    the agent's `history` (every fact, in order)."""
    today = clock.today(agent.training_class.program.time_zone)
    facts = [f for f in history if f.date <= as_of]
    agent_view = facts_for_agent(facts, today=today)
    later = [f for f in history if f.date > as_of and f.kind == "status" and f.item == "employment"]
    if for_agent:
        facts, later = agent_view, facts_for_agent(later, today=today)
    return facts, frozenset(f.pk for f in agent_view if f.note), later


def _name_authors(facts) -> None:
    """Each fact's `by_name`: its author's name when `by` is a known person's e-mail (R-N1,
    issue 17 item 4: imported history names its authors by e-mail)."""
    names = names_by_email(authors(facts))
    for fact in facts:
        fact.by_name = author(fact.by, names)


def agent_record(agent: Agent, history: list[Fact], as_of: date) -> AgentRecord:
    """The agent's record as of D from `history` (every fact of the agent, in order): what
    `agent_records(program, as_of, agent_ids=[agent.pk])[0]` reads, without reading the
    facts again (two queries: the class dates)."""
    wanted = set(FACT_KINDS)
    own = tuple(
        RuleFact(f.date, f.pk, f.kind, f.item, f.value)
        for f in history
        if f.date <= as_of and f.kind in wanted
    )
    code = agent.training_class.code
    dates = class_dates({code} | {f.item for f in own if f.kind == "move"})
    moves = {f.item: dates[f.item] for f in own if f.kind == "move" and f.item in dates}
    return AgentRecord(
        agent.employee_id, agent.first_name, agent.last_name, dates[code], own, moves
    )


def agent_page(agent: Agent, as_of: date, *, for_agent: bool = False) -> AgentPage:
    """The agent page's facts as of `as_of`; `for_agent` is the agent's own view (SPEC §1,
    issue 12 item 5): the notes written to them, no red flags, staff remarks or termination
    reviews (due or delivered), nothing dated after today."""
    program = agent.training_class.program
    policy = program.policy()
    ctx = rules.Context(policy, calendar_for(program), as_of)
    everything = agent_history(agent)  # one read of the facts (issue 14)
    _name_authors(everything)
    record = agent_record(agent, everything, as_of)
    progress = AgentProgress(record, policy)
    row = _rows([record], ctx, {agent.employee_id: agent}, program)[0]
    facts, agent_reads, later = _seen_facts(agent, everything, as_of, for_agent)
    by_kind, history, calls = _by_kind(facts)
    flagged = [f for f in facts if f.kind in ("flag", "exam")]
    return AgentPage(
        agent=agent,
        as_of=as_of,
        row=row,
        class_code=progress.class_dates(as_of).code,
        history=history,
        calls=calls,
        due_steps=[
            line
            for line in rules.action_lines(progress, ctx)
            if not (for_agent and line["step"] in STAFF_ONLY_STEPS)
        ],
        deliveries=by_kind.get("action", []),
        employment=by_kind.get("status", []),
        equipment=by_kind.get("equipment", []),
        flags=by_kind.get("flag", []),
        open_flags=[] if for_agent else open_flags(flagged, exam_attempts=program.exam_attempts),
        notes=[f for f in facts if is_note(f)],  # the timeline (R-N1): no call remarks
        exams=by_kind.get("exam", []),
        n_number_requests=by_kind.get("n_number", []),
        moves=by_kind.get("move", []),
        **_attendance(by_kind.get("attendance", []), policy, as_of),
        for_agent=for_agent,
        agent_reads=agent_reads,
        scheduled=scheduled_employment(row.employment, later),
        record=record,
        all_facts=everything,
    )


def latest_of(facts, kind: str, item: str):
    """The latest of `facts` (in order) of `kind` and `item`, or None."""
    found = None
    for fact in facts:
        if fact.kind == kind and fact.item == item:
            found = fact
    return found


def scheduled_employment(current: str, later: list[Fact]) -> list[Fact]:
    """The employment changes after the as-of day (issue 12 item 3 follow-up, R-P3): of
    `later` (employment facts dated after it, in date order), the last of each day when it
    changes the status then in force, starting from `current`."""
    last_of_day: dict[date, Fact] = {}
    for fact in later:
        last_of_day[fact.date] = fact
    changes, status = [], current
    for day in sorted(last_of_day):
        fact = last_of_day[day]
        if fact.value != status:
            changes.append(fact)
            status = fact.value
    return changes


def _attendance(facts, policy, as_of) -> dict:
    """R-A4: the occurrences in the rolling window with their points, and the total."""
    occurrences = attendance.in_window(
        attendance.occurrences_from_facts(facts),
        as_of,
        window_days=policy.attendance_window_days,
        minimum=policy.occurrence_minimum_minutes,
    )
    table = policy.points_table
    return {
        "attendance": [(o, float(table.get(o.kind, 0))) for o in occurrences],
        "attendance_points": float(
            attendance.points(
                occurrences,
                as_of,
                window_days=policy.attendance_window_days,
                points_table=table,
                minimum=policy.occurrence_minimum_minutes,
            )
        ),
    }


def local_url(request, target: str) -> bool:
    """A path on this site ("//host/..." and "/\\host" lead elsewhere: no open redirect)."""
    return target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def decidable(user, proofs) -> list[Proof]:
    """`proofs` as a list, each marked `can_decide`: whether `user` may accept or reject it
    (issue 12 follow-up item 1). The proofs are of agents the user sees, and every
    "proof_review" grant reaches the agents one sees, so the role-level check of the write
    matrix decides, with no query per proof."""
    proofs = list(proofs)
    for proof in proofs:
        proof.can_decide = may_write(user, "proof_review", proof.item)
    return proofs


def second_fail_warning(agent, task: str, status: str) -> str:
    """Issue 15 item 13 wherever a fail is recorded: the same-day warning when an exam's
    task set to failed makes a second fail of that exam today ("": none)."""
    if status != FAILED:
        return ""
    today = clock.today(agent.training_class.program.time_zone)
    facts = facts_by_agent([agent.pk], today).get(agent.pk, [])
    return same_day_warning(agent.name, today) if failed_twice_on(facts, task, today) else ""
