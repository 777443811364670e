"""What the class board and the agent page show, read once per page and handed to the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from esp.lib import clock
from esp.programs.calendars import calendar_for
from esp.progress.models import Fact
from esp.progress.selectors import STAFF_ONLY_STEPS, agent_records, facts_for_agent
from esp.progress.services import open_flags
from esp.roster.models import Agent, TrainingClass
from esp.rules import reports as rules
from esp.rules.progress import Progress, latest
from esp.rules.records import DONE, FAILED, IN_PROGRESS, NOT_APPLICABLE

CHIPS = {
    # status: (label, css class)
    DONE: ("Done", "done"),
    NOT_APPLICABLE: ("N/A", "na"),
    IN_PROGRESS: ("In progress", "progress"),
    FAILED: ("Failed", "failed"),
    "not_started": ("Not started", "todo"),
    "not_yet": ("Not yet", "later"),
}


@dataclass
class Cell:
    task: str
    name: str
    status: str  # the chip's status key
    label: str
    css: str
    age: int | None = None
    late: bool = False
    based_on: str = ""  # id of the latest direct status fact ("" for none)
    detail: str = ""


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
    late: bool = False
    oldest_age: int = 0


def task_cell(
    progress: Progress, task, ctx: rules.Context, late_tasks: set[str], name: str
) -> Cell:
    as_of, calendar = ctx.as_of, ctx.calendar
    direct = latest(progress._by_task.get(task.key, []), as_of)
    based_on = str(direct.seq) if direct else ""
    start = progress.phase_start(task.phase, as_of)
    done = progress.is_done(task.key, as_of)
    detail = ""
    if task.completion == "calls":
        result = progress.call_cert(as_of)
        if result.calls_scored:
            detail = f"{result.calls_passed}/{result.calls_scored} calls passed"
            if result.pass_rate is not None:
                detail += f", {result.pass_rate}%"
    elif task.completion == "equipment":
        equipment = latest(progress.facts("equipment"), as_of)
        if equipment is not None:
            detail = equipment.item.replace("_", " ")
            if equipment.value:
                detail += f" ({equipment.value})"
    if done:
        status = NOT_APPLICABLE if direct and direct.value == NOT_APPLICABLE else DONE
    elif direct and direct.value in (IN_PROGRESS, FAILED):
        status = direct.value
    elif task.completion == "calls" and progress.call_cert(as_of).result == "failed":
        status = FAILED
    elif start is None or start > as_of:
        status = "not_yet"
    else:
        status = "not_started" if not detail else IN_PROGRESS
    label, css = CHIPS[status]
    age = None
    if not done and start is not None and start <= as_of:
        age = calendar.age(start, as_of)
    return Cell(task.key, name, status, label, css, age, task.key in late_tasks, based_on, detail)


def _rows(records, ctx: rules.Context, agents: dict[str, Agent], program) -> list[Row]:
    policy = ctx.policy
    names = dict(program.tasks.values_list("key", "name"))
    section_tasks = {s.key: s.tasks for s in policy.sections}
    rows = []
    for record in records:
        progress = Progress(record, policy)
        agent = agents[record.employee_id]
        late_sections = rules.incompletion_lines(progress, ctx)
        late_tasks = {
            task
            for key in late_sections
            if key != policy.transfer_section
            for task in section_tasks.get(key, ())
        }
        if policy.transfer_section in late_sections:
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
            late=bool(late_sections),
        )
        row.cells = [
            task_cell(progress, task, ctx, late_tasks, names.get(task.key, task.key))
            for task in policy.tasks
        ]
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
        if Progress(r, policy).class_dates(as_of).code == training_class.code
    ]
    agents = {
        a.employee_id: a
        for a in Agent.objects.filter(
            employee_id__in=[r.employee_id for r in records]
        ).select_related("site", "tl")
    }
    rows = _rows(records, ctx, agents, program)
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
    tasks = list(program.tasks.order_by("order", "pk"))
    return Board(training_class, as_of, tasks, rows, sites, tls)


def agent_row(agent: Agent, as_of: date) -> Row:
    """The board row of one agent (for in-place updates)."""
    program = agent.training_class.program
    ctx = rules.Context(program.policy(), calendar_for(program), as_of)
    records = agent_records(program, as_of, agent_ids=[agent.pk])
    return _rows(records, ctx, {agent.employee_id: agent}, program)[0]


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


def agent_page(agent: Agent, as_of: date, *, for_agent: bool = False) -> AgentPage:
    """The agent page's facts as of `as_of`; `for_agent` is the agent's own view (SPEC §1,
    issue 12 item 5): the notes written to them, no red flags, staff remarks or termination
    reviews (due or delivered), nothing dated after today."""
    program = agent.training_class.program
    policy = program.policy()
    ctx = rules.Context(policy, calendar_for(program), as_of)
    records = agent_records(program, as_of, agent_ids=[agent.pk])
    progress = Progress(records[0], policy)
    row = _rows(records, ctx, {agent.employee_id: agent}, program)[0]
    facts = list(
        Fact.objects.filter(agent=agent, date__lte=as_of)
        .select_related("recorded_by", "proof")
        .order_by("date", "pk")
    )
    today = clock.today(program.time_zone)
    agent_view = facts_for_agent(facts, today=today)
    agent_reads = frozenset(f.pk for f in agent_view if f.note)
    if for_agent:
        facts = agent_view
    later = Fact.objects.filter(agent=agent, kind="status", item="employment", date__gt=as_of)
    later = list(later.select_related("recorded_by").order_by("date", "pk"))
    if for_agent:
        later = facts_for_agent(later, today=today)
    by_kind: dict[str, list[Fact]] = {}
    history: dict[str, list[Fact]] = {}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
        if fact.kind == "task":
            history.setdefault(fact.item, []).append(fact)
    calls: dict[int, list[Fact]] = {}
    for fact in by_kind.get("call", []):
        calls.setdefault(int(fact.item), []).append(fact)
    return AgentPage(
        agent=agent,
        as_of=as_of,
        row=row,
        class_code=progress.class_dates(as_of).code,
        history=history,
        calls=sorted(calls.items()),
        due_steps=[
            line
            for line in rules.action_lines(progress, ctx)
            if not (for_agent and line["step"] in STAFF_ONLY_STEPS)
        ],
        deliveries=by_kind.get("action", []),
        employment=by_kind.get("status", []),
        equipment=by_kind.get("equipment", []),
        flags=by_kind.get("flag", []),
        open_flags=[]
        if for_agent
        else open_flags(
            [f for f in facts if f.kind in ("flag", "exam")], exam_attempts=program.exam_attempts
        ),
        notes=[f for f in facts if f.note],  # the timeline: every fact with a note (R-N1)
        exams=by_kind.get("exam", []),
        n_number_requests=by_kind.get("n_number", []),
        moves=by_kind.get("move", []),
        **_attendance(by_kind.get("attendance", []), policy, as_of),
        for_agent=for_agent,
        agent_reads=agent_reads,
        scheduled=scheduled_employment(row.employment, later),
    )


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
    from esp.rules import attendance

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
