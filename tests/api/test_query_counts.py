"""Issue 14 goal: the classes list and each API list's first page read the database a fixed
number of times, whatever the number of agents: a class of N agents and one of 3N agents make
the same number of queries (the season of tests/progress/test_query_counts.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.progress.test_query_counts import _counts, season, wednesday_december_2  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("progress:classes", []),
        ("api:classes", []),
        ("api:agents", []),
        ("api:tasks", ["Q001"]),
        ("api:calls", ["Q001"]),
        ("api:notes", ["Q001"]),
        ("api:ladder_steps", ["Q001"]),
        ("api:flags", ["Q001"]),
        ("api:class_readiness", ["AET-A"]),
    ],
)
def test_it_reads_a_list_in_a_fixed_number_of_queries(season, name, args):  # noqa: F811
    small, large = _counts(season, reverse(name, args=args))
    assert small == large
