"""Fixtures for the pure rules (esp.rules): no database, no clock, no Django.

Everything here is session-scoped and immutable, so hypothesis tests may use it too.
Helpers are handed out as fixtures (not imported from a module) so the suite works under
every pytest import mode and never shadows the `rules` package (django-rules) on sys.path.

Facts are written as tuples in entry order: ``(day, kind, item, value)`` where `day` is a
``date`` or an ISO string; ``make_agent`` numbers them (`seq`) and sorts them by (date, seq),
the order the selector layer hands records to the rules in.
"""

from __future__ import annotations

from datetime import date

import pytest

from esp.rules.calendar import BusinessCalendar, PhaseLength, phase_starts
from esp.rules.records import (
    COMPLETION_CALLS,
    COMPLETION_COURSES,
    COMPLETION_EQUIPMENT,
    COMPLETION_MARKED,
    AgentRecord,
    ClassDates,
    Fact,
    Policy,
    Section,
    TaskRule,
    TimeframeLadder,
)
from esp.rules.reports import Context

# SPEC §3: the phases of the default program and their lengths in business days.
DEFAULT_PHASES = (
    PhaseLength("onboarding", 2),
    PhaseLength("licensing", 3.5),
    PhaseLength("training", 10),
    PhaseLength("esp", 3),
    PhaseLength("production", None),
)


def default_policy() -> Policy:
    """The default ESP — Aetna policy (SPEC §3 tasks, R-I1 sections, R-L1 ladders)."""
    return Policy(
        tasks=(
            TaskRule("producer_world", "licensing", COMPLETION_MARKED),
            TaskRule("ahip", "licensing", COMPLETION_MARKED),
            TaskRule("carrier_cert", "licensing", COMPLETION_MARKED),
            TaskRule("tbt", "esp", COMPLETION_COURSES),
            TaskRule("call_cert", "esp", COMPLETION_CALLS),
            TaskRule("equipment", "esp", COMPLETION_EQUIPMENT),
            TaskRule("rts", "esp", COMPLETION_MARKED),
            TaskRule("transfer", "production", COMPLETION_MARKED),
        ),
        sections=(
            Section("producer_world", ("producer_world",), 1),
            Section("ahip_carrier", ("ahip", "carrier_cert"), 4),
            Section("tbt", ("tbt",), 3),
            Section("call_cert", ("call_cert",), 3),
            Section("transfer_needed", ("transfer",), None),
        ),
        ladders=(
            TimeframeLadder(
                "licensing", "licensing", ("producer_world", "ahip", "carrier_cert"), 3
            ),
            TimeframeLadder("esp", "esp", ("tbt", "call_cert"), 3),
        ),
    )


def as_date(day: date | str) -> date:
    return day if isinstance(day, date) else date.fromisoformat(day)


def build_agent(
    employee_id: str,
    home_class: ClassDates,
    facts=(),
    *,
    first: str = "Test",
    last: str = "Agent",
    move_classes=(),
) -> AgentRecord:
    numbered = [
        Fact(as_date(day), seq, kind, item, value)
        for seq, (day, kind, item, value) in enumerate(facts)
    ]
    return AgentRecord(
        employee_id=employee_id,
        first_name=first,
        last_name=last,
        home_class=home_class,
        facts=tuple(sorted(numbered)),
        move_classes={klass.code: klass for klass in move_classes},
    )


@pytest.fixture(scope="session")
def calendar() -> BusinessCalendar:
    """R-T1: US federal holidays as observed, no program closures."""
    return BusinessCalendar.us()


@pytest.fixture(scope="session")
def policy() -> Policy:
    return default_policy()


@pytest.fixture(scope="session")
def phases() -> tuple[PhaseLength, ...]:
    return DEFAULT_PHASES


@pytest.fixture(scope="session")
def make_class(calendar):
    """``make_class(code, start, **given)`` -> ClassDates derived per SPEC §3."""

    def make(code: str, start: date | str, **given: date | str) -> ClassDates:
        starts = phase_starts(
            calendar,
            as_date(start),
            DEFAULT_PHASES,
            {key: as_date(day) for key, day in given.items()},
        )
        return ClassDates(code, starts)

    return make


@pytest.fixture(scope="session")
def make_agent():
    """``make_agent(employee_id, klass, facts, first=, last=, move_classes=)``."""
    return build_agent


@pytest.fixture(scope="session")
def context(policy, calendar):
    """``context(as_of)`` -> reports.Context with the default policy and calendar."""

    def make(as_of: date | str, *, with_policy: Policy | None = None) -> Context:
        return Context(with_policy or policy, calendar, as_date(as_of))

    return make
