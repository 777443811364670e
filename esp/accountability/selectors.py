"""Reads for CAP documents: the values a template is filled with, and the documents a user
may download (through the agent's access, esp.access.scopes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import Http404

from esp.access import scopes
from esp.access.writes import may_write
from esp.lib import clock
from esp.lib.display import words
from esp.lib.request_memo import once_kept
from esp.programs.calendars import calendar_for
from esp.programs.models import Ladder
from esp.progress.models import Fact, ReportLine
from esp.progress.selectors import STAFF_ONLY_STEPS, agent_records, class_moved_to
from esp.roster.models import Agent
from esp.rules import caps
from esp.rules.progress import AgentProgress
from esp.rules.report_lines import FACT_KINDS

from .models import CapDocument, TerminationDecision


def _people(agent_user, class_users) -> str:
    users = [agent_user] if agent_user is not None else list(class_users)
    return ", ".join(u.get_full_name() or u.email for u in users) or "n/a"


def _current_phase(starts: dict[str, date], day: date) -> str | None:
    begun = [(start, key) for key, start in starts.items() if start <= day]
    return max(begun)[1] if begun else None


@dataclass
class _Cap:
    """What a delivered step's CAP is filled from, read once."""

    fact: Fact
    agent: Agent
    program: object
    policy: object
    calendar: object
    progress: AgentProgress
    deliveries: list
    ladder: Ladder | None
    steps: list
    phase_names: dict

    @property
    def day(self) -> date:
        return self.fact.date

    @property
    def step_names(self) -> dict[str, str]:
        return {s.key: s.name for s in self.steps}

    @property
    def class_dates(self):
        return self.progress.class_dates(self.day)

    @property
    def phase_key(self) -> str | None:
        if self.ladder is not None and self.ladder.phase:
            return self.ladder.phase.key
        return _current_phase(dict(self.class_dates.phase_starts), self.day)

    @property
    def phase_start(self) -> date | None:
        key = self.phase_key
        return self.class_dates.phase_starts.get(key) if key else None


def _cap_inputs(fact: Fact) -> _Cap:
    agent = Agent.objects.select_related("training_class__program", "site", "tl", "pm").get(
        pk=fact.agent_id
    )
    program = agent.training_class.program
    policy = program.policy()
    kinds = (*FACT_KINDS, "attendance")
    record = agent_records(program, fact.date, agent_ids=[agent.pk], kinds=kinds)[0]
    progress = AgentProgress(record, policy)
    ladder = (
        Ladder.objects.filter(program=program, key=fact.value)
        .select_related("phase")
        .prefetch_related("steps")
        .first()
    )
    return _Cap(
        fact=fact,
        agent=agent,
        program=program,
        policy=policy,
        calendar=calendar_for(program),
        progress=progress,
        deliveries=[f for f in progress.facts("action") if f.seq != fact.pk],
        ladder=ladder,
        steps=sorted(ladder.steps.all(), key=lambda s: s.order) if ladder else [],
        phase_names=dict(program.phases.values_list("key", "name")),
    )


def _timeframe_facts(cap: _Cap) -> caps.CapFacts:
    rule = next((lv for lv in cap.policy.ladders if lv.key == cap.ladder.key), None)
    if rule is None:
        return caps.CapFacts(None, (), "")
    task_names = dict(cap.program.tasks.values_list("key", "name"))
    return caps.timeframe_facts(
        cap.calendar,
        rule,
        phase_name=cap.phase_names.get(rule.phase, rule.phase),
        phase_start=cap.phase_start,
        deliveries=cap.deliveries,
        day=cap.day,
        step=cap.fact.item,
        not_done=[task_names[t] for t in rule.tasks if not cap.progress.is_done(t, cap.day)],
        step_names=cap.step_names,
    )


def _attendance_facts(cap: _Cap) -> caps.CapFacts:
    program = cap.program
    kinds = program.occurrence_kinds.all()
    policy = caps.AttendancePolicy(
        points={k.key: Decimal(k.points) for k in kinds},
        labels={k.key: k.label for k in kinds},
        window_days=program.attendance_window_days,
        minimum_minutes=program.occurrence_minimum_minutes,
        levels=tuple(
            caps.Level(lv.step, Decimal(lv.points), lv.ncns)
            for lv in program.attendance_levels.order_by("order")
        ),
    )
    return caps.attendance_facts(
        cap.calendar,
        policy,
        facts=cap.progress.facts("attendance"),
        deliveries=cap.deliveries,
        ladder=cap.ladder.key,
        day=cap.day,
        step=cap.fact.item,
        step_names=cap.step_names,
    )


def _exam_facts(cap: _Cap) -> caps.CapFacts:
    return caps.exam_facts(
        cap.calendar,
        exam_facts=cap.progress.facts("exam"),
        deliveries=cap.deliveries,
        ladder=cap.ladder.key,
        steps=cap.policy.exam_steps,
        attempts=cap.program.exam_attempts,
        day=cap.day,
        step=cap.fact.item,
        step_names=cap.step_names,
    )


FACTS_OF_LADDER = {
    Ladder.TIMEFRAME: _timeframe_facts,
    Ladder.ATTENDANCE: _attendance_facts,
    Ladder.EXAMS: _exam_facts,
}


def _next_step(cap: _Cap, found: caps.CapFacts) -> str:
    keys = [s.key for s in cap.steps]
    item = cap.fact.item
    following = keys[keys.index(item) + 1] if item in keys[:-1] else None
    if following is None:
        return "none: this is the last step of the ladder"
    next_step = cap.step_names[following]
    if following == "termination_review":
        next_step += " (a recommendation to the program manager, who decides)"
    if found.next_when:
        next_step += f", {found.next_when}"
    return next_step


def _site(agent: Agent) -> str:
    if agent.site:
        return agent.site.code
    return ", ".join(agent.training_class.sites.values_list("code", flat=True)) or "n/a"


def cap_values(fact: Fact) -> dict[str, str]:
    """Every placeholder's value for the delivered step `fact` (an `action` fact), as of
    its date: the agent, class, dates and the facts the rules say made the step owed."""
    cap = _cap_inputs(fact)
    facts_of = FACTS_OF_LADDER.get(cap.ladder.kind) if cap.ladder is not None else None
    found = facts_of(cap) if facts_of else caps.CapFacts(None, (), "")
    agent, training_class, phase_key = cap.agent, cap.agent.training_class, cap.phase_key
    return {
        "agent_name": agent.name,
        "first_name": agent.first_name,
        "last_name": agent.last_name,
        "employee_id": agent.employee_id,
        "class_code": cap.class_dates.code,
        "site": _site(agent),
        "tl_name": _people(agent.tl, training_class.tls.all()),
        "pm_name": _people(agent.pm, training_class.pms.all()),
        "program": cap.program.name,
        "today": caps.us(cap.day),
        "due_date": caps.us(found.due_on),
        "phase": cap.phase_names.get(phase_key, "n/a") if phase_key else "n/a",
        "phase_start": caps.us(cap.phase_start),
        "facts": "\n".join(f"- {line}" for line in found.lines),
        "step": cap.step_names.get(fact.item, fact.item.replace("_", " ")),
        "ladder": cap.ladder.name if cap.ladder else fact.value,
        "expectation": fact.note,
        "next_step": _next_step(cap, found),
        "delivered_by": fact.by or "n/a",
    }


def get_cap_document_for_user(user, pk: int) -> CapDocument:
    """A CAP document whose agent `user` may see (404 otherwise, as for the agent page); an
    agent only one of a step delivered by today (issue 12 item 5: never one ahead of it)."""
    document = (
        CapDocument.objects.select_related("fact__agent__training_class__program")
        .filter(pk=pk, fact__agent__in=scopes.visible_agents(user))
        .first()
    )
    if document is not None and scopes.sees_as_agent(user):
        fact = document.fact
        today = clock.today(fact.agent.training_class.program.time_zone)
        if fact.date > today or fact.item in STAFF_ONLY_STEPS:
            document = None
    if document is None:
        raise Http404("no such CAP document")
    return document


def cap_documents_by_fact(agent: Agent, *, delivered=None) -> dict[int, int]:
    """The agent's CAP documents: delivered step's fact id → document id (for links); only
    those of the `delivered` step facts when given (the ones the page shows)."""
    documents = CapDocument.objects.filter(fact__agent=agent)
    if delivered is not None:
        documents = documents.filter(fact__in=[f.pk for f in delivered])
    return dict(documents.values_list("fact_id", "pk"))


def pending_termination_reviews(user, agents=None):
    """R-L5: the delivered termination reviews not yet decided, of the agents `user` sees (or
    of `agents`), oldest first, for the people who may decide them (esp.access.writes)."""
    if not may_write(user, "termination_decision"):
        return Fact.objects.none()
    scope = scopes.visible_agent_ids(user) if agents is None else agents
    reviews = Fact.objects.filter(
        kind="action", item="termination_review", termination_decision__isnull=True
    )
    if scope is not None:  # None: the user sees every agent (no filter to add)
        reviews = reviews.filter(agent__in=scope)
    return reviews.select_related("agent").order_by("date", "pk")


def waiting_termination_review(agent: Agent) -> Fact | None:
    """R-L5: the agent's termination review delivered and not yet decided (at most one waits:
    esp.accountability.services.step_deliver), whoever looks."""
    return (
        Fact.objects.filter(
            agent=agent,
            kind="action",
            item="termination_review",
            termination_decision__isnull=True,
        )
        .order_by("date", "pk")
        .first()
    )


def termination_review_ladders(program) -> list[tuple[str, str]]:
    """The program's ladders that end in a termination review, as (key, name): the ones a TL
    may propose a review on at any time (issue 12 item 3 follow-up, docs/decisions.md).
    Settings: kept per settings version on a page that opted in (esp.lib.request_memo)."""
    return list(
        once_kept(
            ("termination_review_ladders", program.pk, program.policy_stamp),
            lambda: tuple(
                Ladder.objects.filter(program=program, steps__key="termination_review")
                .order_by("pk")
                .values_list("key", "name")
            ),
        )
    )


def termination_proposal(agent: Agent, pk) -> Fact | None:
    """The agent's delivered termination review `pk` (None when there is no such one)."""
    return Fact.objects.filter(pk=pk, agent=agent, kind="action", item="termination_review").first()


# -- termination reviews due by the rules, Term documents (issue 15 item 10) -----------------

TERMINATION_REVIEW = "termination_review"


def due_termination_reviews(lines):
    """R-L5: among the day's `actions` read-model lines, the termination reviews the rules say
    are due or overdue (none delivered yet), oldest due first, with their agents."""
    return (
        lines.filter(step=TERMINATION_REVIEW).select_related("agent").order_by("due_on", "agent_id")
    )


def due_review_lines(program, as_of: date):
    """Every due termination review of the program as of the day (the read model's lines,
    which must be built for that day: esp.progress.services.projection)."""
    return due_termination_reviews(
        ReportLine.objects.filter(program=program, as_of=as_of, report="actions")
    )


def due_review_of(agent: Agent, ladder: str, as_of: date):
    """The agent's termination review due by the rules on `ladder` as of the day, or None."""
    return (
        due_review_lines(agent.training_class.program, as_of)
        .filter(agent=agent, ladder=ladder)
        .first()
    )


def term_values(decision: TerminationDecision, today: date) -> dict[str, str]:
    """What the Term document of a decision to term, made on `today`, is filled with (R-L5)."""
    proposal = decision.proposal
    agent = Agent.objects.select_related("training_class__program", "site", "tl", "pm").get(
        pk=proposal.agent_id
    )
    program = agent.training_class.program
    ladder = Ladder.objects.filter(program=program, key=proposal.value).first()
    earlier = Fact.objects.filter(agent=agent, kind="action", date__lte=decision.effective)
    history = [
        f"- {f.date:%m/%d/%Y}: {words(f.item)} ({words(f.value)} ladder) by {f.by or 'n/a'}"
        + (f": {f.note}" if f.note else "")
        for f in earlier.exclude(pk=proposal.pk).order_by("date", "pk")
    ]
    who = decision.decided_by
    return {
        "agent_name": agent.name,
        "employee_id": agent.employee_id,
        "class_code": class_moved_to(agent, decision.effective) or agent.training_class.code,
        "site": _site(agent),
        "tl_name": _people(agent.tl, agent.training_class.tls.all()),
        "pm_name": _people(agent.pm, agent.training_class.pms.all()),
        "program": program.name,
        "today": caps.us(today),
        "effective_date": caps.us(decision.effective),
        "reason": decision.reason,
        "review_line": f"Termination review on the {ladder.name if ladder else proposal.value} "
        f"ladder, delivered {proposal.date:%m/%d/%Y} by {proposal.by or 'n/a'}.",
        "review_note": proposal.note or "none written",
        "history": "\n".join(history) or "- none on record",
        "decided_by": (who.get_full_name() or who.email) if who else "n/a",
    }


def review_decisions(reviews) -> dict[int, TerminationDecision]:
    """The decisions on `reviews` (delivered termination reviews): fact id -> decision."""
    if not reviews:
        return {}
    decided = TerminationDecision.objects.filter(proposal__in=[f.pk for f in reviews])
    return {decision.proposal_id: decision for decision in decided}


def agent_page_context(user, agent: Agent, page) -> dict:
    """The agent page's accountability part (esp.progress.hooks): the termination reviews the
    user may decide, the one waiting, the ladders a review may be proposed on, the decision
    on each delivered review and the CAP documents of the delivered steps the page shows.
    The reviews are the page's facts (`page.all_facts`: any date), their decisions one read
    (issue 14: no query per review)."""
    reviews = [f for f in page.all_facts if f.kind == "action" and f.item == TERMINATION_REVIEW]
    decisions = review_decisions(reviews)
    undecided = [f for f in reviews if f.pk not in decisions]
    return {
        "termination_reviews": undecided if may_write(user, "termination_decision") else [],
        "termination_decisions": TerminationDecision.DECISIONS,
        "waiting_review": None if page.for_agent or not undecided else undecided[0],
        "review_decisions": decisions,
        "review_ladders": termination_review_ladders(agent.training_class.program),
        "cap_documents": cap_documents_by_fact(agent, delivered=page.deliveries),
    }
