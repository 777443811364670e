"""esp.lib.compiled.rows: a read built and compiled once per process, run on every call
(issue 14). Its rows are the queryset's, converted alike, whatever parameters the key names."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count

from esp.lib import compiled
from esp.upkeep.models import GapReport

SENT = datetime(2026, 11, 30, 18, tzinfo=UTC)


def gap_reports(day: date):
    return (
        GapReport.objects.filter(day__gte=day)
        .order_by("day", "gaps")
        .values_list("day", "gaps", "person__username")
    )


def per_day(day: date):
    return (
        GapReport.objects.filter(day__gte=day)
        .order_by("day")
        .values_list("day")
        .annotate(n=Count("pk"))
    )


@pytest.fixture
def reports():
    User = get_user_model()
    for n, day in enumerate([date(2026, 11, 27), date(2026, 11, 30), date(2026, 11, 30)]):
        person = User.objects.create(username=f"tl.{n}@cxp.example")
        GapReport.objects.create(person=person, day=day, gaps=n, sent_at=SENT)


@pytest.mark.django_db
@pytest.mark.parametrize("build", [gap_reports, per_day])
def test_it_gives_the_querysets_rows_for_each_parameter(reports, build):
    compiled.forget()
    for day in (date(2026, 11, 1), date(2026, 11, 28), date(2026, 12, 1)):
        found = compiled.rows((build.__name__, day), lambda day=day: build(day))
        assert found == list(build(day))
        assert all(isinstance(row[0], date) for row in found)  # converted as Django does


@pytest.mark.django_db
def test_it_builds_the_query_once_and_reads_the_rows_each_time(reports, django_assert_num_queries):
    compiled.forget()
    built = []

    def build():
        built.append(1)
        return gap_reports(date(2026, 11, 28))

    with django_assert_num_queries(1):
        first = compiled.rows(("once",), build)
    GapReport.objects.filter(day=date(2026, 11, 27)).update(day=date(2026, 12, 2))
    with django_assert_num_queries(1):
        second = compiled.rows(("once",), build)
    assert len(built) == 1
    assert len(second) == len(first) + 1  # read again, not remembered


@pytest.mark.django_db
def test_a_query_known_to_be_empty_is_not_run(django_assert_num_queries):
    compiled.forget()
    with django_assert_num_queries(0):
        assert compiled.rows(("none",), lambda: GapReport.objects.none().values_list("pk")) == []
        assert compiled.rows(("none",), lambda: GapReport.objects.none().values_list("pk")) == []
