"""Issue 14 items 2, 3 and 6: the class board's cells carry a chip and a link, not a form
(HTML of a 50-agent class well under 300 KB); the status form comes from the cell's link,
based on what the board showed; the classes list reads a fixed number of queries whatever
the number of agents (the season of tests/progress/test_query_counts.py)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from esp.progress.pages import agent_row
from esp.roster.models import Agent
from tests.progress.test_query_counts import (  # noqa: F401 - fixtures
    NOW,
    _counts,
    season,
    wednesday_december_2,
)


@pytest.mark.django_db
def test_a_50_agent_board_is_light_chips_and_links_and_no_form_per_cell(season):  # noqa: F811
    client = season(75)  # one in three moved to AET-B: 50 in AET-A
    response = client.get(reverse("progress:board", args=["AET-A"]))
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'<tr id="row-(Q\d+)"', page)
    assert len(rows) == 50
    assert len(response.content) < 200_000, len(response.content)  # was about 9 KB a row
    assert page.count("<form") == 2  # sign-out and the filters; no form, no menu in a cell
    assert '<select name="status"' not in page
    links = re.findall(r'<a class="status-form" href="(/agents/Q\d+/tasks/[\w-]+/\?[^"]+)"', page)
    assert len(links) == page.count('<summary class="chip')


@pytest.mark.django_db
def test_the_cells_link_brings_its_form_based_on_what_the_board_showed(season):  # noqa: F811
    client = season(3)
    page = client.get(reverse("progress:board", args=["AET-A"])).content.decode()
    action = reverse("progress:task_status", args=["Q001", "producer_world"])
    link = html.unescape(re.search(rf'href="({re.escape(action)}\?[^"]*)"', page).group(1))
    cell = next(c for c in agent_row(Agent.objects.get(employee_id="Q001"), NOW.date()).cells
                if c.task == "producer_world")  # fmt: skip
    assert f"based_on={cell.based_on}" in link and "next=%2Fclasses%2FAET-A%2F" in link
    fragment = client.get(link, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith(f'<form method="post" action="{action}" hx-post="{action}"')
    assert f'name="based_on" value="{cell.based_on}"' in fragment
    assert '<option value="done" selected>Done</option>' in fragment
    assert 'name="next" value="/classes/AET-A/"' in fragment
    # without JavaScript the link opens a page of its own: a plain form that comes back
    own_page = client.get(link).content.decode()
    assert "<h1>Producer World registration" in own_page and "hx-post" not in own_page
    assert 'name="next" value="/classes/AET-A/"' in own_page


@pytest.mark.django_db
def test_it_reads_the_classes_list_in_a_fixed_number_of_queries(season):  # noqa: F811
    small, large = _counts(season, reverse("progress:classes"))
    assert small == large


@pytest.mark.django_db
def test_the_classes_list_pages_its_classes_latest_first(season, monkeypatch):  # noqa: F811
    """Issue 14 item 2: a season's classes a page at a time; first, last and a page past the
    end (the last), every class once over the pages, the same queries per page."""
    from esp.progress import views
    from esp.roster.models import TrainingClass

    client = season(3)
    monkeypatch.setattr(views, "CLASSES_PER_PAGE", 1)
    codes = list(
        TrainingClass.objects.order_by("-start_date", "code").values_list("code", flat=True)
    )
    assert len(codes) >= 2
    url = reverse("progress:classes")
    seen = []
    for page in range(1, len(codes) + 1):
        text = client.get(url, {"page": page}).content.decode()
        seen += [code for code in codes if f">{code}</a>" in text]
        assert f"Page {page} of {len(codes)}" in text
        assert ('rel="next"' in text) == (page < len(codes))
        assert ('rel="prev"' in text) == (page > 1)
    assert seen == codes
    past_the_end = client.get(url, {"page": 99}).content.decode()
    assert f"Page {len(codes)} of {len(codes)}" in past_the_end
    assert "Page 1 of" in client.get(url, {"page": "x"}).content.decode()
