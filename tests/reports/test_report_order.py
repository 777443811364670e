"""A report page's order on PostgreSQL (issue 14): bytewise as Python compares, through the
read model's index when the database's own collation is bytewise already."""

import pytest
from django.db import connection

from esp.lib import collation
from esp.progress import selectors
from esp.progress.models import ReportLine

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the collation question is PostgreSQL's"
)


def _sql(monkeypatch, bytewise: bool) -> str:
    settings = connection.settings_dict
    key = (settings["HOST"], settings["PORT"], settings["NAME"])
    monkeypatch.setitem(collation._BYTEWISE, key, bytewise)
    return str(selectors.in_order(ReportLine.objects.all(), *selectors.ORDER).query)


@postgres_only
@pytest.mark.django_db
def test_it_sorts_by_the_columns_themselves_on_a_bytewise_database(monkeypatch):
    """A COLLATE "C" there would keep the index from serving the order: a first page would
    sort every line of the day."""
    assert "COLLATE" not in _sql(monkeypatch, bytewise=True)


@postgres_only
@pytest.mark.django_db
def test_it_sorts_bytewise_on_a_database_of_another_collation(monkeypatch):
    assert 'COLLATE "C"' in _sql(monkeypatch, bytewise=False)


@postgres_only
@pytest.mark.django_db
def test_it_asks_the_database_its_collation_once_and_counts_no_query_for_it(
    django_assert_num_queries,
):
    settings = connection.settings_dict
    collation._BYTEWISE.pop((settings["HOST"], settings["PORT"], settings["NAME"]), None)
    with django_assert_num_queries(0):
        first = collation.sorts_bytewise()
    with connection.cursor() as cursor:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        own = cursor.fetchone()[0]
    assert first == (own.lower() in collation.BYTEWISE_COLLATIONS)
    assert collation.sorts_bytewise() is first
