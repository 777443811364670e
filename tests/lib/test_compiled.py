"""esp.lib.compiled.rows: a read built and compiled once per process, run on every call
(issue 14). Its rows are the queryset's, converted alike, whatever parameters the key names."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import Length

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


# -- compiled.objects and compiled.count: model instances and counts (issue 14) ---------------


def gap_report_objects(day: date):
    return (
        GapReport.objects.filter(day__gte=day)
        .select_related("person")
        .annotate(name_length=Length("person__username"))
        .order_by("day", "gaps")
    )


@pytest.mark.django_db
def test_objects_are_the_querysets_instances_with_their_related_objects(
    reports, django_assert_num_queries
):
    compiled.forget()
    for day in (date(2026, 11, 1), date(2026, 11, 28), date(2026, 12, 1)):
        expected = list(gap_report_objects(day))
        with django_assert_num_queries(1):  # the people came with the rows
            found = compiled.objects(("gaps", day), lambda day=day: gap_report_objects(day))
            people = [report.person.username for report in found]
        assert [r.pk for r in found] == [r.pk for r in expected]
        assert people == [r.person.username for r in expected]
        assert [(r.day, r.gaps, r.recipients) for r in found] == [
            (r.day, r.gaps, r.recipients) for r in expected
        ]
        assert [r.name_length for r in found] == [len(name) for name in people]
        assert all(not r._state.adding and r._state.db == "default" for r in found)


@pytest.mark.django_db
def test_objects_are_built_once_read_each_time_and_sliced_as_asked(
    reports, django_assert_num_queries
):
    compiled.forget()
    built = []

    def build():
        built.append(1)
        return gap_report_objects(date(2026, 11, 1))[:2]

    first = compiled.objects(("sliced",), build)
    GapReport.objects.filter(gaps=0).update(gaps=9)
    with django_assert_num_queries(1):
        second = compiled.objects(("sliced",), build)
    assert len(built) == 1
    assert [r.gaps for r in first] == [0, 1]
    assert [r.gaps for r in second] == [9, 1]  # read again, in the order asked


@pytest.mark.django_db
def test_objects_refuses_what_is_not_a_plain_queryset_of_instances():
    compiled.forget()
    with pytest.raises(ValueError, match="model instances"):
        compiled.objects(("values",), lambda: GapReport.objects.values_list("pk"))


@pytest.mark.django_db
def test_count_is_the_querysets_count_read_each_time(reports, django_assert_num_queries):
    compiled.forget()
    november = lambda: GapReport.objects.filter(day__lt=date(2026, 12, 1))  # noqa: E731
    assert compiled.count(("november",), november) == november().count() == 3
    GapReport.objects.filter(day=date(2026, 11, 27)).update(day=date(2026, 12, 2))
    with django_assert_num_queries(1):
        assert compiled.count(("november",), november) == 2
    with django_assert_num_queries(0):  # known empty: not run
        assert compiled.count(("empty",), GapReport.objects.none) == 0
        assert compiled.objects(("empty",), GapReport.objects.none) == []


def of_people(ids):
    """The reports of the people `ids`, bound as one parameter (esp.lib.sqlids)."""
    from esp.lib.sqlids import ids_table

    table = ids_table(ids)
    return table.params[0], lambda: gap_reports(date(2026, 11, 1)).filter(person__in=table)


@pytest.mark.django_db
def test_a_bound_parameter_is_compiled_once_and_bound_again_on_each_run(reports):
    """issue 14: a user's agents in a key (compiled.Bound): one compiled query for every
    list of ids of the same shape, each run reading the call's ids, never the first's."""
    compiled.forget()
    people = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
    built = []
    for ids in ([people[0]], [people[1], people[2]], [people[2]], people):
        value, build = of_people(ids)
        found = compiled.rows(
            ("of_people", compiled.Bound("ids", value)),
            lambda build=build: built.append(1) or build(),
        )
        assert found == list(build())
        assert [row[2] for row in found] == [f"tl.{pk - people[0]}@cxp.example" for pk in ids]
    assert len(built) == 1


@pytest.mark.django_db
def test_a_bound_parameter_the_query_does_not_hold_is_refused(reports):
    """A query whose SQL holds the value some other way than its parameter would be run
    with the first call's value for every call: refused."""
    compiled.forget()
    value, _ = of_people([1])
    with pytest.raises(ValueError, match="no parameter for its Bound"):
        compiled.rows(
            ("unbound", compiled.Bound("ids", value)), lambda: gap_reports(date(2026, 11, 1))
        )


@pytest.mark.django_db
def test_a_query_known_empty_for_one_bound_value_is_not_kept_for_the_others(reports):
    compiled.forget()
    people = list(get_user_model().objects.order_by("pk").values_list("pk", flat=True))
    value, _ = of_people([people[0]])
    empty = compiled.rows(
        ("maybe", compiled.Bound("ids", value)),
        lambda: gap_reports(date(2026, 11, 1)).none(),
    )
    assert empty == []
    value, build = of_people([people[0]])
    assert compiled.rows(("maybe", compiled.Bound("ids", value)), build) == list(build())
