"""The outlook as of a day (issue 18 items 2, 3 and 6): per agent in flight the probability
of needing a training-environment extension and the ESP-complete p50/p90 dates, per class
the expected extensions and the p50/p90 day its last agent is through Call Certs. Pure."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..calendar import BusinessCalendar, CalendarError
from ..records import AgentRecord, Policy
from .fallback import Work, fallback_forecast, fallback_p_extension
from .learn import (
    FIRST_AGE,
    LAST_AGE,
    NEVER,
    Analog,
    Durations,
    Forecast,
    ahead,
    clipped,
    first_level,
    outcome_phase,
)
from .state import COMPLETE, READINESS, THROUGH, State, Timeline, day_at, esp_age

ESP_DAY_5_AGE = 4  # R-E1: "ESP day 5" is the day whose ESP age is 4 (R-T6)
FAN = (0.1, 0.25, 0.5, 0.75, 0.9)


@dataclass
class AgentOutlook:
    employee_id: str
    name: str
    class_code: str
    esp_start: date
    age: int  # ESP age as of the day (negative before ESP)
    state: State
    p_extension: float | None
    complete: Forecast | None  # None: already complete (`complete_on`)
    complete_on: date | None
    through: Forecast | None  # None: already through (`through_on`)
    through_on: date | None
    timeline: Timeline = field(repr=False)
    work: Work | None = field(default=None, repr=False)  # what is left (the fallback's)
    as_of: date | None = None  # the day the state was read on

    def reason(self, policy: Policy) -> str:
        """One line in words: "2 of 5 calls, TBTs open, ESP day 3"; "ESP complete" once
        complete."""
        if self.complete is None:
            return "ESP complete"
        state = self.state
        done = self.as_of is not None and self.timeline.is_done(policy.call_task, self.as_of)
        parts = [_calls_words(state, policy, done)]
        parts.append("TBTs done" if state.tbt else "TBTs open")
        if not state.licensing:
            parts.append("licensing open")
        if state.issue:
            parts.append("equipment issue open")
        elif not state.ready and not state.calls and not state.through:
            parts.append("not yet ready for certification")
        if state.through and state.tbt and not state.rts:
            parts.append("RTS open")
        if self.age >= 0:
            parts.append(f"ESP day {self.age + 1}")
        else:
            parts.append(f"ESP starts {self.esp_start:%m/%d/%Y}")
        return ", ".join(parts)


def _calls_words(state: State, policy: Policy, done: bool) -> str:
    if state.fails >= 2:
        return f"{state.calls} of {policy.calls_per_agent} calls, call certs failed"
    if done:
        return "call certs passed" if state.calls else "call certs done"
    if not state.calls:
        return "no calls yet"
    failed = f", {state.fails} failed" if state.fails else ""
    return f"{state.calls} of {policy.calls_per_agent} calls{failed}"


@dataclass
class ClassOutlook:
    class_code: str
    agents: list[AgentOutlook]
    extensions_expected: float
    p_spin_up: float  # the chance that `spin_up_min_agents` or more need an extension
    day5: date | None
    done: dict[float, date | None]  # quantile -> the day the last agent is through


@dataclass
class Outlook:
    as_of: date
    agents: list[AgentOutlook]
    classes: list[ClassOutlook]
    durations: Durations
    certifiers: list = field(default_factory=list)  # capacity.CertifierDay, filled by callers
    weeks: list = field(default_factory=list)  # capacity.CertifierWeek, planned classes too


def _age_days(calendar: BusinessCalendar, start: date) -> dict[int, date]:
    days = {}
    for age in range(FIRST_AGE, LAST_AGE + 1):
        try:
            days[age] = day_at(calendar, start, age)
        except CalendarError:
            continue
    return days


def history(timelines: list[Timeline], calendar: BusinessCalendar, as_of: date) -> list[Analog]:
    """The finished agents (ESP day 5 over as of the day) as analogs."""
    analogs: list[Analog] = []
    age_days: dict[date, dict[int, date]] = {}
    for timeline in timelines:
        start = timeline.phase_start("esp", as_of)
        if start is None or esp_age(calendar, start, as_of) <= ESP_DAY_5_AGE:
            continue
        starts = {"esp": start}
        licensing = timeline.phase_start("licensing", as_of)
        if licensing is not None:
            starts["licensing"] = licensing
        days, states = {}, {}
        if start not in age_days:
            age_days[start] = _age_days(calendar, start)
        for age, day in age_days[start].items():
            if day <= as_of:
                days[age], states[age] = day, timeline.state(day)
        day5 = day_at(calendar, start, ESP_DAY_5_AGE)
        extension = timeline.needs_extension(day5) if day5 < as_of else None
        outcomes = timeline.outcome_dates()
        offsets = {}
        for outcome, reached in outcomes.items():
            phase_start = starts.get(outcome_phase(outcome))
            if reached is None or phase_start is None:
                offsets[outcome] = NEVER
            else:
                offsets[outcome] = esp_age(calendar, phase_start, reached)
        analogs.append(Analog(starts, outcomes, offsets, timeline.ended, extension, days, states))
    return analogs


def _offsets(durations: Durations, outcome: str, age: int, state: State, work: Work) -> Forecast:
    found = durations.offsets(outcome, clipped(age), state, first_level(age))
    if found is not None:
        return found
    if state.fails >= 2 and outcome == COMPLETE:  # failed call certification: not complete
        return Forecast.of((NEVER,), None)
    return fallback_forecast(outcome, age, work)


def agent_outlook(
    timeline: Timeline,
    durations: Durations,
    policy: Policy,
    as_of: date,
    class_code: str,
    readiness_marked: bool = True,
) -> AgentOutlook | None:
    calendar = durations.calendar
    start = timeline.phase_start("esp", as_of)
    if start is None:
        return None
    age = esp_age(calendar, start, as_of)
    state = timeline.state(as_of)
    outcomes = timeline.outcome_dates()
    left, calls_left, failed = timeline.open_work(as_of, age=age, marked=readiness_marked)
    work = Work(left, calls_left, policy.calls_per_agent, failed)
    p_extension = None
    if age < ESP_DAY_5_AGE and not timeline.is_done(policy.call_task, as_of):
        learned = durations.p_extension(clipped(age), state, first_level(age))
        if learned is not None:
            p_extension = learned[0]
        else:
            p_extension = fallback_p_extension(age, work)
    complete_on = outcomes[COMPLETE]
    through_on = timeline.through_on
    record = timeline.record
    return AgentOutlook(
        employee_id=record.employee_id,
        name=record.name,
        class_code=class_code,
        esp_start=start,
        age=age,
        state=state,
        p_extension=p_extension,
        complete=None if complete_on else _offsets(durations, COMPLETE, age, state, work),
        complete_on=complete_on,
        through=None if through_on else _offsets(durations, THROUGH, age, state, work),
        through_on=through_on,
        timeline=timeline,
        work=work,
        as_of=as_of,
    )


def offset_day(calendar: BusinessCalendar, start: date, offset: float | None, age: int):
    """The day `offset` business days from `start`, never before the agent's current day;
    None for NEVER (not reached within the history)."""
    if offset is None or offset == NEVER:
        return None
    try:
        return day_at(calendar, start, max(int(ahead(offset, age)), 0))
    except CalendarError:
        return None


def complete_dates(agent: AgentOutlook, calendar: BusinessCalendar, q: float) -> date | None:
    if agent.complete is None:
        return agent.complete_on
    return offset_day(calendar, agent.esp_start, agent.complete.quantile(q), agent.age)


def _at_least(probabilities: list[float], count: int) -> float:
    """P(at least `count` of independent events with these probabilities happen)."""
    dist = [1.0] + [0.0] * len(probabilities)
    for p in probabilities:
        for k in range(len(dist) - 1, 0, -1):
            dist[k] = dist[k] * (1 - p) + dist[k - 1] * p
        dist[0] *= 1 - p
    return sum(dist[count:])


def _through_cdf(agent: AgentOutlook, calendar: BusinessCalendar):
    """(business-day ordinals, cumulative counts, total) of the agent's through day."""
    start = calendar.ordinal(agent.esp_start)
    if agent.through is None:
        day = agent.through_on
        return [calendar.ordinal(day) if day else NEVER], [1], 1
    through = agent.through
    values = [ahead(o, agent.age) + start for o in through.values]
    return values, list(through.cumulative), through.total


def last_through(
    agents: list[AgentOutlook], calendar: BusinessCalendar, as_of: date
) -> dict[float, date | None]:
    """The quantiles of the day the class's last agent is through Call Certs: the agents'
    days independent, P(last <= t) is the product of each agent's P(through <= t)."""
    cdfs = [_through_cdf(agent, calendar) for agent in agents]
    candidates = sorted({t for values, _, _ in cdfs for t in values if t != NEVER})
    reference = calendar.on_or_after(as_of)
    base = calendar.ordinal(reference)
    done: dict[float, date | None] = dict.fromkeys(FAN)
    for t in candidates:
        p = 1.0
        for values, cumulative, total in cdfs:
            index = bisect_right(values, t)
            p *= cumulative[index - 1] / total if index else 0.0
        for q in FAN:
            if done[q] is None and p >= q - 1e-9:
                done[q] = day_at(calendar, reference, int(t) - base)
    return done


def class_outlook(
    code: str, agents: list[AgentOutlook], calendar: BusinessCalendar, policy: Policy, as_of
) -> ClassOutlook:
    known, open_ps = 0, []
    for agent in agents:
        if agent.p_extension is not None:
            open_ps.append(agent.p_extension)
        elif agent.age >= ESP_DAY_5_AGE:
            day5 = day_at(calendar, agent.esp_start, ESP_DAY_5_AGE)
            known += agent.timeline.needs_extension(day5)
    needed = max(0, policy.spin_up_min_agents - known)
    p_spin_up = _at_least(open_ps, needed) if open_ps or not needed else 0.0
    done = last_through(agents, calendar, as_of)
    starts = sorted(a.esp_start for a in agents)
    day5 = day_at(calendar, starts[0], ESP_DAY_5_AGE) if starts else None
    expected = known + sum(open_ps)
    return ClassOutlook(code, agents, round(expected, 3), p_spin_up, day5, done)


def _timeline(record: AgentRecord, policy: Policy, kept: dict | None) -> Timeline:
    """The record's timeline, or the one kept for the same facts (a record as of a day holds
    its facts dated on or before it: the same count, the same facts)."""
    if kept is None:
        return Timeline(record, policy)
    key = (record.employee_id, len(record.facts))
    found = kept.get(key)
    if found is None or found.record != record:
        found = kept[key] = Timeline(record, policy)
    return found


def readiness_marked(records: list[AgentRecord]) -> bool:
    """Whether the program marks the readiness tasks at all (the fallback reads the ESP
    calendar instead where it does not)."""
    return any(
        fact.kind == "task" and fact.item in READINESS
        for record in records
        for fact in record.facts
    )


def build_outlook(
    records: list[AgentRecord],
    *,
    policy: Policy,
    calendar: BusinessCalendar,
    as_of: date,
    class_code: str | None = None,
    in_flight: set[str] | None = None,
    min_analogs: int | None = None,
    timelines_kept: dict | None = None,
) -> Outlook:
    """The outlook from every agent's record of the program (facts dated on or before
    `as_of`): the history is learned from all of them, the forecasts made for the agents in
    flight (active, not transferred; `in_flight` narrows them to these employee ids).
    `timelines_kept` (the replay's) keeps each record's timeline from one day to the next
    while its facts are the same."""
    timelines = [_timeline(record, policy, timelines_kept) for record in records]
    kwargs = {} if min_analogs is None else {"min_analogs": min_analogs}
    durations = Durations(history(timelines, calendar, as_of), calendar, **kwargs)
    agents: list[AgentOutlook] = []
    marked = readiness_marked(records)
    for timeline in timelines:
        record = timeline.record
        if in_flight is not None and record.employee_id not in in_flight:
            continue
        if not timeline.is_active(as_of) or timeline.is_done(policy.transfer_task, as_of):
            continue
        code = timeline.progress.class_dates(as_of).code
        if class_code and code != class_code:
            continue
        found = agent_outlook(timeline, durations, policy, as_of, code, marked)
        if found is not None:
            agents.append(found)
    agents.sort(key=lambda a: (a.class_code, a.employee_id))
    by_class: dict[str, list[AgentOutlook]] = defaultdict(list)
    for agent in agents:
        by_class[agent.class_code].append(agent)
    classes = [class_outlook(c, a, calendar, policy, as_of) for c, a in sorted(by_class.items())]
    return Outlook(as_of, agents, classes, durations)
