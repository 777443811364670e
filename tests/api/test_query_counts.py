"""Issue 14 goal: the classes list and each API list's first page read the database a fixed
number of times, whatever the number of agents: a class of N agents and one of 3N agents make
the same number of queries (the season of tests/progress/test_query_counts.py, with
attendance occurrences for every agent: the attendance list is one of the lists)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.progress.test_query_counts import (  # noqa: F401
    ACTIVITY_HEADER,
    _counts,
    season,
    wednesday_december_2,
)

pytestmark = pytest.mark.django_db


def _attendance(count: int) -> str:
    """Occurrences of several kinds for every agent (R-A2: one tardy under the minimum,
    recorded but no occurrence), on class days before today."""
    lines = [ACTIVITY_HEADER]
    for n in range(1, count + 1):
        who = f"Q{n:03}"
        lines += [
            f"2026-11-12,{who},attendance,tardy,15,tl.one@cxp.example,Traffic",
            f"2026-11-13,{who},attendance,left_early,5,tl.one@cxp.example,",
            f"2026-11-17,{who},attendance,absent,,tl.one@cxp.example,Sick",
        ]
    return "\n".join(lines)


@pytest.fixture
def attended(season, write, esp):  # noqa: F811
    """`season(count)`, and each agent's attendance occurrences imported as well."""

    def make(count: int):
        client = season(count)
        text = _attendance(count)
        code, _, err = esp("import", "activity", write(text, f"attendance-{count}.csv"))
        assert code == 0, err
        return client

    return make


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
        ("api:attendance", ["Q001"]),
        ("api:flags", ["Q001"]),
        ("api:class_readiness", ["AET-A"]),
    ],
)
def test_it_reads_a_list_in_a_fixed_number_of_queries(attended, name, args):
    small, large = _counts(attended, reverse(name, args=args))
    assert small == large


def test_the_attendance_list_counted_holds_the_agents_occurrences(attended):
    """The attendance list counted above is not empty: the agent's three occurrences."""
    client = attended(3)
    response = client.get(reverse("api:attendance", args=["Q001"]))
    assert response.status_code == 200
    assert [f["item"] for f in response.json()] == ["tardy", "left_early", "absent"]
