"""Pasted e-mailed self-reports, read without a database (issue 15 item 5, seed 000).

Seed 000: "if an agent does not have access to the shared sheet ... they must report their
progress via email to the Cert Coordinator. The agent progress report as well as the direct
emails from agents should be updated in the ESP tracker."
"""

from __future__ import annotations

from esp.rules.emailed_reports import Person, folded, parse

PEOPLE = [
    Person("E1001", "Ann", "Able"),
    Person("E1002", "Bob", "Baker"),
    Person("E1003", "José", "Núñez"),
]


def test_it_reads_one_report_per_agent_named_by_employee_id_or_name_either_way_round():
    """A line naming the agent (ID, "First Last", "Last, First"; accents and case folded),
    a colon or a dash, then the text; later lines continue it, joined with " | "."""
    parsed = parse(
        "E1001: Finished TBTs 3 and 4\n"
        "Waiting for a certifier.\n"
        "\n"
        "bob baker - AHIP module 5 done\n"
        "Nunez, Jose: all TBTs complete\n",
        PEOPLE,
        "AET-A",
    )
    assert parsed.errors == []
    assert [(r.line, r.employee_id, r.text) for r in parsed.reports] == [
        (1, "E1001", "Finished TBTs 3 and 4 | Waiting for a certifier."),
        (4, "E1002", "AHIP module 5 done"),
        (5, "E1003", "all TBTs complete"),
    ]


def test_it_keeps_a_colon_inside_the_text_and_warns_of_a_line_that_looks_like_an_unknown_name():
    """'Blocked: Citrix' is text; 'Bob Bakr: ...' names nobody: kept as text, with a warning
    the preview shows."""
    parsed = parse("Ann Able: Finished TBT 3\nBlocked: Citrix\nBob Bakr: hello", PEOPLE, "AET-A")
    assert parsed.errors == []
    assert parsed.reports[0].text == "Finished TBT 3 | Blocked: Citrix | Bob Bakr: hello"
    assert parsed.warnings == [
        "Line 3 starts with 'Bob Bakr', which names no agent of AET-A: it is kept as part of "
        "Ann Able's text."
    ]


def test_it_names_the_line_of_every_problem():
    """All or nothing, with errors naming their lines: text before any agent, an unknown
    employee ID, an agent named twice, a name two agents share, an agent with no text."""
    people = [*PEOPLE, Person("E1004", "Ann", "Able")]
    parsed = parse(
        "Hello Grace,\nE1002: done\nE1009: done too\nE1002: again\nAnn Able: hi\nE1003:\n",
        people,
        "AET-A",
    )
    assert parsed.errors == [
        "Line 1: start with the agent's employee ID or name and a colon, e.g. 'E1001: Finished "
        "TBT 3' or 'Ann Able: Finished TBT 3'.",
        "Line 3: no agent of AET-A has the employee ID 'E1009'.",
        "Line 4: Bob Baker is named again (first on line 2): put each agent's text under one line.",
        "Line 5: 'Ann Able' names 2 agents of AET-A (E1001, E1004): use the employee ID.",
        "Line 6: no text for José Núñez.",
    ]


def test_it_asks_for_something_when_the_block_is_empty():
    assert parse("  \n\n", PEOPLE).errors == [
        "Paste at least one report: a line naming the agent, then the text."
    ]


def test_it_folds_accents_case_and_spaces():
    assert folded("  José   NÚÑEZ ") == "jose nunez"
