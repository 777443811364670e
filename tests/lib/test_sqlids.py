"""esp.lib.sqlids.read_once: a scope read once for the queries of a page (issue 14)."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models.expressions import RawSQL

from esp.lib.sqlids import read_once


@pytest.mark.django_db
def test_it_reads_the_ids_once_and_binds_them_as_one_parameter(django_assert_num_queries):
    User = get_user_model()
    users = [User.objects.create(username=f"u{n}@esp.example") for n in range(3)]
    with django_assert_num_queries(1):
        ids = read_once(User.objects.filter(username__startswith="u"), limit=3)
    assert isinstance(ids, RawSQL)
    with django_assert_num_queries(1):
        found = set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert found == {user.pk for user in users}


@pytest.mark.django_db
def test_beyond_the_limit_it_keeps_the_query():
    User = get_user_model()
    users = [User.objects.create(username=f"u{n}@esp.example") for n in range(3)]
    ids = read_once(User.objects.filter(username__startswith="u"), limit=2)
    assert not isinstance(ids, RawSQL)
    assert set(User.objects.filter(pk__in=ids).values_list("pk", flat=True)) == {
        user.pk for user in users
    }
