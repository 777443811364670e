"""Issue 14: the ESP Manager's Today lists, whose queries are built and compiled once per
process (esp.web.selectors with a `key`, esp.lib.compiled), read the
same lines as when built on each page, and read them again on each page."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esp.lib import clock, compiled
from esp.roster.roles import TL
from esp.rules.report_lines import TODAY, TODAY_SECTIONS
from esp.web import sections, selectors
from esp.web.sections import sources
from esp.web.sections.preview import preview, preview_kept
from tests.web.test_query_counts import season
from tests.web_support import staff

NOW = datetime(2026, 11, 30, 13, tzinfo=ZoneInfo("America/Chicago"))
AS_OF = date(2026, 11, 30)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_november_30(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    compiled.forget()
    with time_machine.travel(NOW, tick=False):
        yield


def manager_basis(program, first):
    user = get_user_model().objects.get(email="esp.manager@cxp.example")
    return sections.basis(user, program, AS_OF, clock.now(program.time_zone), first=first)


@pytest.mark.parametrize("first", [2, None])
def test_keyed_reads_are_the_reads_built_each_time(program, esp, write, first):
    season(esp, write, 2)
    base = manager_basis(program, first)
    assert base.seen is None  # the ESP Manager: the keyed reads
    order = (selectors.OVERDUE_FIRST, "due_on", *sources.REPORT_ORDER)

    def actions():
        return base.lines("actions")

    def flight():
        return base.lines(TODAY, section="flight")

    def escalation():
        return base.lines(TODAY, section="escalation")

    values = [section.key for section in base.policy.sections]
    for _ in range(2):  # compiled the first time, only run the second
        assert selectors.first_lines(actions, order, first, key=("t", 1)) == (
            selectors.first_lines(actions(), order, first)
        )
        assert selectors.first_lines_by_class(flight, first, key=("t", 2)) == (
            selectors.first_lines_by_class(flight(), first)
        )
        found = selectors.first_lines_per(
            lambda: base.lines("incompletions"),
            "section",
            values,
            sources.OLDEST_FIRST,
            first,
            key=("t", 3),
        )
        assert found == selectors.first_lines_per(
            base.lines("incompletions"), "section", values, sources.OLDEST_FIRST, first
        )
        assert found  # the season has late agents
        assert selectors.escalations_due(escalation, AS_OF, key=("t", 4)) == (
            selectors.escalations_due(escalation(), AS_OF)
        )


@pytest.mark.parametrize("first", [1, 2, 3, 4, 6, 7])
def test_not_self_reported_by_the_class_order_index_reads_the_same_lines(
    program, esp, write, first
):
    """R-N5, issue 14: every agent's lines not self-reported, their first classes read from
    the index holding the section in class order, are the first by class then name, with
    the edge falling inside a class (3 agents a class), on it, or past every line."""
    season(esp, write, 3)
    base = manager_basis(program, first)

    def flight():
        return base.lines(TODAY, section="flight")

    def in_class_order():
        return flight().filter(section_order=TODAY_SECTIONS.index("flight"))

    expected = selectors.first_lines(flight(), selectors.BY_CLASS_THEN_NAME, first)
    assert expected[1] == 6 and len(expected[0]) == min(first, 6)
    with CaptureQueriesContext(connection) as captured:
        found = selectors.first_lines_by_class(
            flight, first, key=("t", "edge", first), in_class_order=in_class_order
        )
    assert found == expected
    assert "firsts" in captured[-1]["sql"]  # the edge read, not the generic one


def test_not_self_reported_without_lines_is_empty(program, esp, write):
    season(esp, write, 1)
    base = manager_basis(program, 2)

    def none():
        return base.lines(TODAY, section="flight").filter(state="reported")

    assert selectors.first_lines_by_class(none, 2, key=("t", "none"), in_class_order=none) == (
        [],
        0,
    )


def page_lists(base):
    """Every list of lines a Today page reads through `sources.lines_key`."""
    return (
        sources.actions(base, ""),
        sources.callcert_open(base, ""),
        sources.not_reported(base, ""),
        sources.tbt_behind(base, ""),
        sources.escalations(base),
        base.incompletions,
    )


@pytest.mark.parametrize("first", [1, None])
def test_users_lists_compiled_once_read_each_users_own_agents(program, esp, write, first):
    """issue 14: a user's lists are compiled once for every user seeing a list of agents
    (their ids a compiled.Bound) and read each user's own: the TL of each class, then the
    Cert Coordinator, read what the same lists built for them alone read."""
    season(esp, write, 3)
    staff("tl.two@cxp.example", TL)  # the second class's TL
    users = ["tl.one@cxp.example", "tl.two@cxp.example", "cert.coordinator@cxp.example"]
    User = get_user_model()

    def basis_of(email):
        user = User.objects.get(email=email)
        return sections.basis(user, program, AS_OF, clock.now(program.time_zone), first=first)

    expected = {}
    for email in users:  # built for each user alone: the uncompiled reads
        base = basis_of(email)
        assert sources.lines_key(base, "x") is not None
        base.seen = list(base.seen)  # a plain list: no Bound, built each time
        assert sources.lines_key(base, "x") is None
        expected[email] = page_lists(base)
    assert expected[users[0]] != expected[users[1]]  # two classes, two TLs' agents
    compiled.forget()
    for email in users * 2:  # compiled with the first, run with each
        assert page_lists(basis_of(email)) == expected[email]


def test_a_keyed_list_is_read_again_on_each_page(program, esp, write):
    season(esp, write, 2)
    before = sources.not_reported(manager_basis(program, 2), "")
    season(esp, write, 3)  # one more agent per class, not self-reported either
    after = sources.not_reported(manager_basis(program, 2), "")
    assert after.total == before.total + 2


def test_a_kept_statement_is_run_with_its_parameters_each_time(program, django_assert_num_queries):
    built = []

    def build():
        built.append(1)
        return "SELECT %s + 1", (41,)

    for _ in range(2):
        with django_assert_num_queries(1):
            assert [tuple(row) for row in compiled.statement_rows(("answer",), build)] == [(42,)]
    assert len(built) == 1


def test_over_the_clock_without_a_connection_open_asks_one_row(
    program, esp, write, django_assert_num_queries
):
    """The running connections' query is not even built when no connection is open."""
    from esp.callqueue.models import CertifierConnection
    from esp.web.sections import queues

    season(esp, write, 2)  # connections open, over the clock
    base = manager_basis(program, 2)
    with django_assert_num_queries(2):  # one open: the running connections read
        assert queues.over_the_clock(base).over_the_clock.total == 2
    CertifierConnection.objects.update(closed_at=NOW)
    with django_assert_num_queries(1):
        assert not queues.over_the_clock(base).over_the_clock


@pytest.mark.parametrize("first", [1, 2, 3, None])
def test_a_kept_preview_is_the_preview_built_each_time(program, esp, write, first):
    """preview_kept (the ESP Manager's lists of model instances: termination reviews, the
    reviews due): the same items and count as `preview`, counted only when the first fill
    the list, read again on each page."""
    season(esp, write, 2)
    agents = lambda: get_user_model().objects.order_by("email")  # noqa: E731
    for _ in range(2):
        kept = preview_kept(("t", "people"), agents, "/all/", first)
        built = preview(agents(), "/all/", first)
        assert (kept.items, kept.total, kept.url) == (built.items, built.total, built.url)
        assert preview_kept(None, agents, "/all/", first) == built
    get_user_model().objects.create(username="late.hire", email="zz.late@cxp.example")
    assert preview_kept(("t", "people"), agents, "/all/", first).total == built.total + 1
