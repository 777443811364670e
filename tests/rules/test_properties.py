"""Properties of the pure rules, checked with hypothesis (R-T4, R-I1, R-L3, R-N4a, R-P4).

Example counts are kept modest; the hypothesis profile (examples, deadline) is set elsewhere,
and only `max_examples` is pinned here so the whole rules suite stays fast.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from esp.rules.calendar import BusinessCalendar
from esp.rules.ladders import exam_steps, timeframe_step
from esp.rules.progress import AgentProgress
from esp.rules.records import SATISFYING, Fact
from esp.rules.reports import action_lines, incompletion_lines

# Ordinary calendars: US federal holidays 2026-2027 plus random program closures.
YEARS = (2026, 2027)
FIRST, LAST = date(2026, 1, 1), date(2027, 12, 31)
HOLIDAYS = BusinessCalendar.us(first_year=2026, last_year=2027).closed

TASKS = ("producer_world", "ahip", "carrier_cert", "tbt", "call_cert", "equipment", "rts")
STATUSES = ("not_started", "in_progress", "done", "failed", "not_applicable")
STEPS = ("coaching", "written_cap", "final_cap", "termination_review")


@st.composite
def calendars(draw) -> BusinessCalendar:
    closures = draw(st.lists(st.dates(FIRST, LAST), max_size=15))
    openings = draw(st.lists(st.sampled_from(sorted(HOLIDAYS)), max_size=3))
    return BusinessCalendar.build(
        holidays=HOLIDAYS,
        closures=closures,
        openings=openings,
        first_year=YEARS[0],
        last_year=YEARS[1],
    )


inner_dates = st.dates(date(2026, 1, 1), date(2027, 6, 30))


# -- R-T4: ages ---------------------------------------------------------------------------------


@settings(max_examples=100)
@given(calendars(), inner_dates, inner_dates, st.integers(0, 120))
def test_it_never_decreases_an_age_as_the_as_of_date_moves_forward_R_T4(
    calendar, start, as_of, step
):
    later = as_of + timedelta(days=step)
    assert calendar.age(start, as_of) <= calendar.age(start, later)
    # One calendar day never adds more than one business day.
    assert calendar.age(start, as_of + timedelta(days=1)) - calendar.age(start, as_of) in (0, 1)


@settings(max_examples=100)
@given(calendars(), inner_dates, inner_dates)
def test_it_ages_a_closed_as_of_date_like_the_next_business_day_R_T4(calendar, start, as_of):
    if not calendar.is_business_day(as_of):
        assert calendar.age(start, as_of) == calendar.age(start, calendar.on_or_after(as_of))


@settings(max_examples=100)
@given(calendars(), st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.integers(1, 200))
def test_it_inverts_add_business_days_with_age_R_T4(calendar, day, count):
    start = calendar.on_or_after(day)
    later = calendar.add_business_days(start, count)
    assert calendar.is_business_day(later)
    assert calendar.age(start, later) == count
    assert calendar.day_with_age(start, count) == later
    assert calendar.age(start, calendar.previous_business_day(later)) == count - 1


# -- agents drawn at random -------------------------------------------------------------------


@st.composite
def agents(draw, make_class, make_agent, *, extra_kinds: bool = False):
    """An agent of a class starting on a 2026 business day, with random task facts.

    Returns (record, as_of). With `extra_kinds`, the facts also hold calls, equipment,
    deliveries, exam attempts and employment changes.
    """
    start = draw(st.dates(date(2026, 1, 5), date(2026, 11, 30)))
    while start.weekday() >= 5 or start in HOLIDAYS:
        start += timedelta(days=1)
    klass = make_class("C1", start)
    span = st.integers(-5, 70).map(lambda n: start + timedelta(days=n))
    facts = draw(
        st.lists(
            st.tuples(
                span,
                st.just("task"),
                st.sampled_from(TASKS + ("transfer",)),
                st.sampled_from(STATUSES),
            ),
            max_size=14,
        )
    )
    facts += draw(
        st.lists(
            st.tuples(
                span,
                st.just("status"),
                st.just("employment"),
                st.sampled_from(("active", "termed", "resigned", "withdrawn")),
            ),
            max_size=2,
        )
    )
    if extra_kinds:
        facts += draw(
            st.lists(
                st.one_of(
                    st.tuples(
                        span,
                        st.just("call"),
                        st.sampled_from("12345"),
                        st.sampled_from(("0", "84", "85", "100")),
                    ),
                    st.tuples(
                        span,
                        st.just("equipment"),
                        st.sampled_from(("received", "verified", "issue")),
                        st.just(""),
                    ),
                    st.tuples(
                        span,
                        st.just("action"),
                        st.sampled_from(STEPS),
                        st.sampled_from(("licensing", "esp", "exams")),
                    ),
                    st.tuples(
                        span,
                        st.just("exam"),
                        st.sampled_from(("ahip", "tbt:101")),
                        st.sampled_from(("failed", "passed")),
                    ),
                ),
                max_size=14,
            )
        )
    as_of = draw(span)
    return make_agent("E1", klass, facts, first="Jane", last="Doe"), as_of


def latest_value(record, kind, item, as_of):
    """The rule R-P4 written out independently: latest by (date, entry order)."""
    value = None
    for fact in sorted(record.facts, key=lambda f: (f.date, f.seq)):
        if fact.date <= as_of and fact.kind == kind and (item is None or fact.item == item):
            value = fact.value
    return value


# -- R-I1: an open task over its threshold is always listed ---------------------------------------


@settings(max_examples=150)
@given(data=st.data())
def test_it_lists_every_open_task_at_or_over_its_threshold_for_an_active_agent_R_I1(
    data, make_class, make_agent, policy, calendar, context
):
    record, as_of = data.draw(agents(make_class, make_agent))
    ctx = context(as_of)
    lines = incompletion_lines(AgentProgress(record, policy), ctx)
    active = latest_value(record, "status", None, as_of) in (None, "active")
    # Transferred agents leave the due lists (docs/decisions.md).
    transferred = latest_value(record, "task", "transfer", as_of) in SATISFYING
    for section in policy.sections:
        if section.key == policy.transfer_section:
            continue
        phase = policy.task(section.tasks[0]).phase
        start = record.home_class.phase_starts[phase]
        age = calendar.age(start, as_of)
        open_task = any(
            latest_value(record, "task", task, as_of) not in SATISFYING for task in section.tasks
        )
        expected = (
            active
            and not transferred
            and start <= as_of
            and age >= section.threshold_days
            and open_task
        )
        if expected:
            assert lines.get(section.key) == {
                "employee_id": "E1",
                "name": "Jane Doe",
                "class_code": "C1",
                "age_business_days": age,
            }
        else:
            assert section.key not in lines


# -- completing a task never adds work ---------------------------------------------------------


def with_fact(record, fact_tuple):
    day, kind, item, value = fact_tuple
    seq = max((f.seq for f in record.facts), default=-1) + 1
    facts = tuple(sorted(record.facts + (Fact(day, seq, kind, item, value),)))
    return type(record)(
        record.employee_id,
        record.first_name,
        record.last_name,
        record.home_class,
        facts,
        record.move_classes,
    )


def _key(line):
    return tuple(sorted(line.items()))


@settings(max_examples=150)
@given(data=st.data())
def test_it_never_adds_an_incompletion_or_an_action_when_a_task_is_completed_R_I1_R_L4(
    data, make_class, make_agent, policy, context
):
    record, as_of = data.draw(agents(make_class, make_agent, extra_kinds=True))
    task = data.draw(st.sampled_from(TASKS + ("transfer",)))
    value = data.draw(st.sampled_from(sorted(SATISFYING)))
    day = as_of - timedelta(days=data.draw(st.integers(0, 40)))
    completed = with_fact(record, (day, "task", task, value))
    ctx = context(as_of)
    before, after = AgentProgress(record, policy), AgentProgress(completed, policy)

    # transfer_needed is left out: completing the last task is exactly what lists an agent
    # there (R-P2). Completing the transfer itself never adds anything, anywhere.
    skip = () if task == policy.transfer_task else (policy.transfer_section,)
    lines_before = {
        (k, _key(v)) for k, v in incompletion_lines(before, ctx).items() if k not in skip
    }
    lines_after = {(k, _key(v)) for k, v in incompletion_lines(after, ctx).items() if k not in skip}
    assert lines_after <= lines_before

    actions_before = {_key(line) for line in action_lines(before, ctx)}
    actions_after = {_key(line) for line in action_lines(after, ctx)}
    assert actions_after <= actions_before


# -- R-L3, R-L3a: the timeframe ladder ----------------------------------------------------------


@settings(max_examples=150)
@given(
    st.dates(date(2026, 1, 1), date(2026, 11, 30)),
    st.lists(st.tuples(st.integers(-3, 40), st.sampled_from(STEPS)), max_size=6),
    st.integers(0, 45),
)
def test_it_shows_one_step_at_a_time_and_never_the_next_on_the_day_one_is_delivered_R_L3(
    calendar, policy, start, delivered, offset
):
    ladder = policy.ladders[0]
    as_of = start + timedelta(days=offset)
    deliveries = sorted(
        Fact(start + timedelta(days=n), seq, "action", step, ladder.key)
        for seq, (n, step) in enumerate(delivered)
    )
    shown = timeframe_step(calendar, ladder, start, deliveries, as_of, tasks_done=False)
    if shown is None:
        return
    assert calendar.is_business_day(shown.due_on)
    assert calendar.age(start, shown.due_on) >= ladder.timeframe_days
    assert shown.due_on <= as_of
    assert shown.status == ("due" if shown.due_on == as_of else "overdue")
    # Delivering the step that shows, today: the next one falls due a business day later
    # at the soonest (R-L3), so nothing shows today.
    now = deliveries + [Fact(as_of, len(deliveries), "action", shown.step, ladder.key)]
    assert timeframe_step(calendar, ladder, start, sorted(now), as_of, tasks_done=False) is None
    assert timeframe_step(calendar, ladder, start, deliveries, as_of, tasks_done=True) is None


# -- R-N4a: a later pass cancels nothing ------------------------------------------------------


@settings(max_examples=100)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.sampled_from(("ahip", "carrier_cert", "tbt:7"))),
        max_size=6,
    ),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(STEPS[:3])), max_size=4),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(("ahip", "carrier_cert"))), max_size=3),
    st.integers(0, 35),
)
def test_it_keeps_owed_exam_steps_whatever_passes_follow_R_N4a(
    calendar, fails, delivered, passes, offset
):
    base = date(2026, 2, 2)
    as_of = base + timedelta(days=offset)
    exam_rows = [
        Fact(base + timedelta(days=n), i, "exam", e, "failed") for i, (n, e) in enumerate(fails)
    ]
    pass_rows = [
        Fact(base + timedelta(days=n), 100 + i, "exam", e, "passed")
        for i, (n, e) in enumerate(passes)
    ]
    deliveries = sorted(
        Fact(base + timedelta(days=n), i, "action", step, "exams")
        for i, (n, step) in enumerate(delivered)
    )
    without = exam_steps(calendar, sorted(exam_rows), deliveries, as_of)
    with_passes = exam_steps(calendar, sorted(exam_rows + pass_rows), deliveries, as_of)
    assert with_passes == without
    exams_failed = {f.item for f in exam_rows if f.date <= as_of}
    assert len(without) <= len(exams_failed)  # at most one step per exam
