"""The board's "Late only" filter and its Late column (issue 17 item 5): the filter keeps
exactly the agents with a late mark, and the Late column names each late task with its age,
next to the agent, so it is read without scrolling the board sideways.

The scenario of tests/progress/test_web_pages.py (as of Wednesday 12/02/2026 noon); on
Wednesday 11/25 E006 has every task done or not applicable but the transfer to production,
due since ESP complete (11/16): "transfer needed" in the incompletion report (R-I1a) for 7
business days, and the board's transfer chip says the same 7 days, marked late.
"""

from __future__ import annotations

import re
from datetime import date

from esp.progress.pages import board
from esp.progress.services import fact_record
from esp.reports.builders import build_report
from esp.roster.models import Agent, TrainingClass
from tests.progress import test_web_pages as pages
from tests.progress.test_web_pages import board as board_page
from tests.progress.test_web_pages import row_html, row_ids

# The fixtures of the tracker pages' tests: their people, a TL signed in, their clock.
people, tl, wednesday_december_2 = pages.people, pages.tl, pages.wednesday_december_2

NOVEMBER_25 = date(2026, 11, 25)


def all_but_the_transfer(employee_id: str) -> None:
    agent = Agent.objects.get(employee_id=employee_id)
    policy = agent.training_class.program.policy()
    for task in policy.tasks:
        if task.key != policy.transfer_task:
            fact_record(
                agent=agent,
                day=date(2026, 11, 16),
                kind="task",
                item=task.key,
                value="not_applicable",
                actor=None,
            )


def marked(page: str) -> list[str]:
    """The rows showing a late mark ("N bd · late")."""
    return [e for e in row_ids(page) if "· late" in row_html(page, e)]


def test_late_only_keeps_exactly_the_agents_with_a_late_mark(tl):
    for as_of in ("2026-11-04", "2026-11-20", "2026-12-02"):
        everyone = board_page(tl, as_of=as_of)
        assert row_ids(board_page(tl, as_of=as_of, late="1")) == marked(everyone), as_of


def test_an_agent_waiting_for_the_transfer_shows_the_lists_age(tl, people):
    """Issue 17: the transfer is due from the day the agent became ESP complete (R-P2, R-P4);
    the board's chip counts from there as "transfer needed" does, so both say 7 days."""
    all_but_the_transfer("E006")
    report = build_report("incompletions", as_of=NOVEMBER_25)
    [transfer] = [s for s in report["sections"] if s["key"] == "transfer_needed"]
    assert [(a["employee_id"], a["age_business_days"]) for a in transfer["agents"]] == [("E006", 7)]
    aet_a = TrainingClass.objects.get(code="AET-A")
    rows = {r.employee_id: r for r in board(aet_a, NOVEMBER_25).rows}
    [cell] = rows["E006"].late_cells
    assert (cell.task, cell.age, cell.status) == ("transfer", 7, "not_started")
    page = board_page(tl, as_of="2026-11-25")
    assert "E006" in marked(page)
    assert "E006" in row_ids(board_page(tl, as_of="2026-11-25", late="1"))


def test_before_esp_complete_the_transfer_is_not_due(tl, people):
    aet_a = TrainingClass.objects.get(code="AET-A")
    rows = {r.employee_id: r for r in board(aet_a, NOVEMBER_25).rows}
    [cell] = [c for c in rows["E006"].cells if c.task == "transfer"]
    assert (cell.status, cell.age, cell.late) == ("not_yet", None, False)


def test_the_late_column_names_each_late_task_with_its_age(tl):
    page = board_page(tl)
    header = re.search(r"<thead>.*?</thead>", page, re.S).group(0)
    columns = re.findall(r'<th scope="col">([^<]+)</th>', header)
    assert columns[:5] == ["Agent", "Site", "TL", "Status", "Late"]
    bob = row_html(page, "E002")
    late = re.search(r'<td class="late-tasks">(.*?)</td>', bob, re.S).group(1)
    assert '<span class="late">Producer World registration: 18 bd</span>' in late
    cy = row_html(page, "E003")  # termed: nothing late
    assert re.search(r'<td class="late-tasks">(.*?)</td>', cy, re.S).group(1) == "—"
    assert 'class="scroll-x board-scroll"' in page and '<table class="board">' in page


def test_a_transfer_within_its_business_day_is_shown_but_not_marked_late(tl, people):
    """R-I1a: "transfer needed" lists the agent from ESP complete, but the transfer is late
    (the board's mark, "Late only") only once it waited longer than 1 business day."""
    all_but_the_transfer("E006")
    aet_a = TrainingClass.objects.get(code="AET-A")
    for day, age, late in ((date(2026, 11, 17), 1, False), (date(2026, 11, 18), 2, True)):
        rows = {r.employee_id: r for r in board(aet_a, day).rows}
        [cell] = [c for c in rows["E006"].cells if c.task == "transfer"]
        assert (cell.age, cell.late) == (age, late), day
