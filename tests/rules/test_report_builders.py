"""The report builders (SPEC §15) over a hand-built season, with every expected JSON dict
written out literally.

The season (real 2026 dates; MLK Day Mon 01-19, Presidents' Day Mon 02-16):

    class     licensing   training    esp         production
    MEM-0120  Thu 01-22   Wed 01-28   Wed 02-11   Tue 02-17
    PRV-0105  Wed 01-07   Tue 01-13   Wed 01-28   Mon 02-02
    SLC-0205  Mon 02-09   Fri 02-13   Mon 03-02   Thu 03-05

Ages as of Mon 02-16 (a holiday: the same as Tue 02-17, R-T4): PRV licensing 27, PRV ESP
13, SLC licensing 5, MEM ESP 3. Employee ids are compared as plain text ("E100" < "E20").
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from esp.rules.progress import AgentProgress
from esp.rules.records import ClassDates
from esp.rules.reports import (
    actions,
    callcert,
    extensions,
    incompletions,
    transferred_since_previous_business_day,
)

D = date.fromisoformat

MEM = ClassDates(
    "MEM-0120",
    {
        "onboarding": D("2026-01-20"),
        "licensing": D("2026-01-22"),
        "training": D("2026-01-28"),
        "esp": D("2026-02-11"),
        "production": D("2026-02-17"),
    },
)
PRV = ClassDates(
    "PRV-0105",
    {
        "onboarding": D("2026-01-05"),
        "licensing": D("2026-01-07"),
        "training": D("2026-01-13"),
        "esp": D("2026-01-28"),
        "production": D("2026-02-02"),
    },
)
SLC = ClassDates(
    "SLC-0205",
    {
        "onboarding": D("2026-02-05"),
        "licensing": D("2026-02-09"),
        "training": D("2026-02-13"),
        "esp": D("2026-03-02"),
        "production": D("2026-03-05"),
    },
)


def calls(day, **scores):
    """calls("2026-02-02", c1=100, c2=90) -> call facts for calls 1 and 2 of that day."""
    return [(day, "call", number[1:], str(score)) for number, score in scores.items()]


@pytest.fixture(scope="module")
def season(make_agent):
    agent = make_agent
    return [
        # -- PRV-0105 -------------------------------------------------------------------------
        agent(
            "E20",
            PRV,
            [
                ("2026-01-08", "task", "producer_world", "done"),
                ("2026-01-12", "task", "ahip", "done"),
                ("2026-01-12", "task", "carrier_cert", "done"),
                ("2026-01-29", "equipment", "verified", ""),
                ("2026-01-30", "task", "rts", "done"),
                ("2026-01-30", "task", "tbt", "done"),
                *calls("2026-02-02", c1=100, c2=90, c3=80),
                *calls("2026-02-03", c4=70),
                ("2026-02-02", "action", "coaching", "esp"),
                ("2026-02-04", "action", "written_cap", "esp"),  # a day late
                ("2026-02-05", "action", "final_cap", "esp"),
                *calls("2026-02-18", c3=88, c5=95),  # call 3 re-scored
            ],
            first="Jane",
            last="Doe",
        ),
        agent(
            "E100",
            PRV,
            [
                ("2026-01-09", "task", "producer_world", "done"),
                ("2026-01-13", "task", "ahip", "done"),
                ("2026-01-14", "task", "carrier_cert", "done"),
                ("2026-01-28", "equipment", "received", ""),
                *calls("2026-02-18", c1=100, c2=0, c3=84, c4=85, c5=70),
            ],
            first="John",
            last="Roe",
        ),
        agent(
            "E3",
            PRV,
            [
                ("2026-01-08", "task", "producer_world", "done"),
                ("2026-01-12", "task", "ahip", "done"),
                ("2026-01-12", "task", "carrier_cert", "done"),
                ("2026-01-28", "equipment", "verified", ""),
                ("2026-01-29", "task", "rts", "done"),
                ("2026-01-30", "task", "tbt", "done"),
                *calls("2026-02-10", c1=100, c2=95, c3=85, c4=100),
                *calls("2026-02-11", c5=60),  # 4/5: passed, ESP complete on Wed 02-11
            ],
            first="Ana",
            last="Lima",
        ),
        agent(
            "E4",
            PRV,
            [
                ("2026-01-08", "task", "producer_world", "done"),
                ("2026-01-12", "task", "ahip", "done"),
                ("2026-01-12", "task", "carrier_cert", "done"),
                ("2026-01-28", "equipment", "verified", ""),
                ("2026-01-29", "task", "rts", "done"),
                ("2026-01-30", "task", "tbt", "done"),
                ("2026-02-05", "task", "call_cert", "done"),  # migrated, no scores
                ("2026-02-13", "task", "transfer", "done"),
            ],
            first="Bob",
            last="Chen",
        ),
        agent(
            "E5",
            PRV,
            [
                ("2026-01-08", "task", "producer_world", "done"),
                ("2026-02-12", "status", "employment", "termed"),
            ],
            first="Cy",
            last="Park",
        ),
        # -- SLC-0205 -------------------------------------------------------------------------
        agent(
            "E7",
            SLC,
            [
                ("2026-02-12", "action", "coaching", "licensing"),
                ("2026-02-13", "action", "written_cap", "licensing"),
            ],
            first="Dee",
            last="Fox",
        ),
        agent(
            "E8",
            SLC,
            [
                ("2026-02-09", "task", "producer_world", "done"),
                ("2026-02-11", "task", "ahip", "done"),
                ("2026-02-12", "action", "coaching", "licensing"),
                ("2026-02-13", "exam", "carrier_cert", "failed"),
                ("2026-02-17", "exam", "carrier_cert", "failed"),
            ],
            first="Eve",
            last="Gil",
        ),
        agent(
            "E9",
            SLC,
            [
                ("2026-02-10", "task", "ahip", "done"),
                ("2026-02-13", "task", "carrier_cert", "done"),
                ("2026-02-16", "task", "producer_world", "done"),  # dated on the holiday
            ],
            first="Fay",
            last="Hu",
        ),
        agent(
            "E10",
            SLC,
            [
                ("2026-02-12", "task", "ahip", "done"),
                ("2026-02-12", "task", "carrier_cert", "done"),
                ("2026-02-17", "task", "producer_world", "done"),
            ],
            first="Ivan",
            last="Kim",
        ),
        # -- MEM-0120 -------------------------------------------------------------------------
        agent(
            "E11",
            MEM,
            [
                ("2026-01-23", "task", "producer_world", "done"),
                ("2026-01-27", "task", "ahip", "done"),
                ("2026-01-27", "task", "carrier_cert", "done"),
                ("2026-02-11", "equipment", "verified", ""),
                ("2026-02-12", "task", "rts", "done"),
            ],
            first="Gus",
            last="Ivy",
        ),
        agent(
            "E12",
            MEM,
            [
                ("2026-01-23", "task", "producer_world", "done"),
                ("2026-01-26", "task", "ahip", "done"),
                ("2026-01-26", "task", "carrier_cert", "done"),
                ("2026-02-11", "equipment", "verified", ""),
                ("2026-02-11", "task", "rts", "done"),
                ("2026-02-11", "exam", "tbt:101", "failed"),
                ("2026-02-12", "exam", "tbt:101", "failed"),
                ("2026-02-12", "action", "coaching", "exams"),
                *calls("2026-02-12", c1=100, c2=85, c3=84, c4=90, c5=86),  # 4/5
                ("2026-02-13", "exam", "tbt:101", "passed"),
                ("2026-02-13", "task", "tbt", "done"),  # ESP complete on Fri 02-13
            ],
            first="Hal",
            last="Jo",
        ),
    ]


def line(employee_id, name, class_code, age):
    return {
        "employee_id": employee_id,
        "name": name,
        "class_code": class_code,
        "age_business_days": age,
    }


# -- the classes of the season follow SPEC §3 -------------------------------------------------


@pytest.mark.parametrize(
    "klass, start", [(MEM, "2026-01-20"), (PRV, "2026-01-05"), (SLC, "2026-02-05")]
)
def test_it_derives_the_season_class_dates_from_their_start_dates_SPEC_3(make_class, klass, start):
    assert make_class(klass.code, start) == klass


# -- incompletions (R-I1, R-I2, R-P2, R-P3) ----------------------------------------------------

INCOMPLETIONS_2026_02_16 = {
    "report": "incompletions",
    "as_of": "2026-02-16",
    "sections": [
        {
            "key": "producer_world",
            "threshold_days": 1,
            "agents": [
                line("E10", "Ivan Kim", "SLC-0205", 5),
                line("E7", "Dee Fox", "SLC-0205", 5),
            ],
        },
        {
            "key": "ahip_carrier",
            "threshold_days": 4,
            "agents": [
                line("E7", "Dee Fox", "SLC-0205", 5),
                line("E8", "Eve Gil", "SLC-0205", 5),
            ],
        },
        {
            "key": "tbt",
            "threshold_days": 3,
            "agents": [
                line("E11", "Gus Ivy", "MEM-0120", 3),
                line("E100", "John Roe", "PRV-0105", 13),
            ],
        },
        {
            "key": "call_cert",
            "threshold_days": 3,
            "agents": [
                line("E11", "Gus Ivy", "MEM-0120", 3),
                line("E100", "John Roe", "PRV-0105", 13),
                line("E20", "Jane Doe", "PRV-0105", 13),
            ],
        },
        {
            "key": "transfer_needed",
            "threshold_days": None,
            "agents": [
                line("E12", "Hal Jo", "MEM-0120", 1),
                line("E3", "Ana Lima", "PRV-0105", 3),
            ],
        },
    ],
}


def test_it_builds_the_incompletion_report_on_presidents_day_R_I1(season, context):
    assert incompletions(season, context("2026-02-16")) == INCOMPLETIONS_2026_02_16


def test_it_builds_the_incompletion_report_the_day_after_presidents_day_R_I1_R_T4(season, context):
    # Every age is the same as on the holiday; only E10's Producer World, dated Tue 02-17,
    # now counts (R-T5).
    expected = {
        "report": "incompletions",
        "as_of": "2026-02-17",
        "sections": [
            {
                "key": "producer_world",
                "threshold_days": 1,
                "agents": [line("E7", "Dee Fox", "SLC-0205", 5)],
            },
            *INCOMPLETIONS_2026_02_16["sections"][1:],
        ],
    }
    assert incompletions(season, context("2026-02-17")) == expected


def test_it_builds_the_incompletion_report_with_an_empty_section_present_R_I1(season, context):
    # Fri 02-06: SLC-0205's licensing has not started, MEM-0120's ESP neither; E5 is still
    # employed (termed Thu 02-12); E4 is ESP complete since Thu 02-05 (call cert marked done)
    # and not yet transferred.
    assert incompletions(season, context("2026-02-06")) == {
        "report": "incompletions",
        "as_of": "2026-02-06",
        "sections": [
            {"key": "producer_world", "threshold_days": 1, "agents": []},
            {
                "key": "ahip_carrier",
                "threshold_days": 4,
                "agents": [line("E5", "Cy Park", "PRV-0105", 21)],
            },
            {
                "key": "tbt",
                "threshold_days": 3,
                "agents": [
                    line("E100", "John Roe", "PRV-0105", 7),
                    line("E5", "Cy Park", "PRV-0105", 7),
                ],
            },
            {
                "key": "call_cert",
                "threshold_days": 3,
                "agents": [
                    line("E100", "John Roe", "PRV-0105", 7),
                    line("E20", "Jane Doe", "PRV-0105", 7),
                    line("E3", "Ana Lima", "PRV-0105", 7),
                    line("E5", "Cy Park", "PRV-0105", 7),
                ],
            },
            {
                "key": "transfer_needed",
                "threshold_days": None,
                "agents": [line("E4", "Bob Chen", "PRV-0105", 1)],
            },
        ],
    }


def test_it_lists_every_section_even_with_no_agents_R_I1(context):
    assert incompletions([], context("2026-02-16")) == {
        "report": "incompletions",
        "as_of": "2026-02-16",
        "sections": [
            {"key": "producer_world", "threshold_days": 1, "agents": []},
            {"key": "ahip_carrier", "threshold_days": 4, "agents": []},
            {"key": "tbt", "threshold_days": 3, "agents": []},
            {"key": "call_cert", "threshold_days": 3, "agents": []},
            {"key": "transfer_needed", "threshold_days": None, "agents": []},
        ],
    }


def test_it_does_not_depend_on_the_order_of_the_records_R_I1(season, context):
    assert incompletions(list(reversed(season)), context("2026-02-16")) == (
        INCOMPLETIONS_2026_02_16
    )


@pytest.mark.parametrize(
    "as_of, listed",
    [
        ("2026-01-07", False),  # licensing day 1, age 0
        ("2026-01-08", True),  # age 1: Producer World threshold
    ],
)
def test_it_lists_producer_world_from_age_1_R_I1(make_agent, context, as_of, listed):
    agent = make_agent("E1", PRV, [], first="Jane", last="Doe")
    section = incompletions([agent], context(as_of))["sections"][0]
    assert section["key"] == "producer_world"
    assert section["agents"] == ([line("E1", "Jane Doe", "PRV-0105", 1)] if listed else [])


@pytest.mark.parametrize(
    "as_of, age",
    [
        ("2026-01-12", None),  # age 3
        ("2026-01-13", 4),  # age 4: the AHIP/Aetna threshold
    ],
)
def test_it_lists_ahip_aetna_from_age_4_while_either_is_open_R_I1(make_agent, context, as_of, age):
    agent = make_agent(
        "E1", PRV, [("2026-01-08", "task", "ahip", "done")], first="Jane", last="Doe"
    )
    section = incompletions([agent], context(as_of))["sections"][1]
    assert section["key"] == "ahip_carrier"
    assert section["agents"] == ([] if age is None else [line("E1", "Jane Doe", "PRV-0105", age)])


def test_it_leaves_out_an_agent_from_the_date_of_their_termination_on_R_P3(make_agent, context):
    agent = make_agent("E1", PRV, [("2026-01-12", "status", "employment", "resigned")])
    assert incompletions([agent], context("2026-01-09"))["sections"][0]["agents"] != []
    report = incompletions([agent], context("2026-01-12"))
    assert all(section["agents"] == [] for section in report["sections"])


def test_it_lists_a_re_activated_agent_again_R_P3(make_agent, context):
    agent = make_agent(
        "E1",
        PRV,
        [
            ("2026-01-12", "status", "employment", "withdrawn"),
            ("2026-01-14", "status", "employment", "active"),
        ],
        first="Jane",
        last="Doe",
    )
    assert incompletions([agent], context("2026-01-13"))["sections"][0]["agents"] == []
    assert incompletions([agent], context("2026-01-14"))["sections"][0]["agents"] == [
        line("E1", "Jane Doe", "PRV-0105", 5)
    ]


def test_it_lists_transfer_needed_from_the_start_of_the_current_complete_run_R_P2_R_P4(
    make_agent, context
):
    facts = [
        ("2026-01-08", "task", "producer_world", "done"),
        ("2026-01-12", "task", "ahip", "done"),
        ("2026-01-12", "task", "carrier_cert", "not_applicable"),
        ("2026-01-28", "equipment", "verified", ""),
        ("2026-01-29", "task", "rts", "not_applicable"),
        ("2026-01-30", "task", "tbt", "done"),
        ("2026-01-30", "task", "call_cert", "done"),  # complete Fri 01-30
        ("2026-02-03", "equipment", "issue", "INC1"),  # broken Tue 02-03
        ("2026-02-05", "equipment", "verified", ""),  # complete again Thu 02-05
        ("2026-02-10", "task", "transfer", "done"),
    ]
    agent = make_agent("E1", PRV, facts, first="Jane", last="Doe")

    def transfer_needed(as_of):
        return incompletions([agent], context(as_of))["sections"][4]["agents"]

    assert transfer_needed("2026-01-29") == []
    assert transfer_needed("2026-01-30") == [line("E1", "Jane Doe", "PRV-0105", 0)]
    assert transfer_needed("2026-02-02") == [line("E1", "Jane Doe", "PRV-0105", 1)]
    assert transfer_needed("2026-02-04") == []
    assert transfer_needed("2026-02-05") == [line("E1", "Jane Doe", "PRV-0105", 0)]
    assert transfer_needed("2026-02-06") == [line("E1", "Jane Doe", "PRV-0105", 1)]
    assert transfer_needed("2026-02-07") == [line("E1", "Jane Doe", "PRV-0105", 2)]  # Saturday
    assert transfer_needed("2026-02-09") == [line("E1", "Jane Doe", "PRV-0105", 2)]
    assert transfer_needed("2026-02-10") == []


def test_it_lists_agents_transferred_since_the_previous_business_day_R_I1a(season, context):
    bob = [
        {
            "employee_id": "E4",
            "name": "Bob Chen",
            "class_code": "PRV-0105",
            "transferred_on": "2026-02-13",
        }
    ]
    assert transferred_since_previous_business_day(season, context("2026-02-12")) == []
    assert transferred_since_previous_business_day(season, context("2026-02-16")) == bob
    assert transferred_since_previous_business_day(season, context("2026-02-17")) == bob
    assert transferred_since_previous_business_day(season, context("2026-02-18")) == []


def test_it_leaves_a_transferred_agent_who_resigned_out_of_the_transferred_list_R_I1a_R_P3(
    make_agent, context
):
    facts = [
        ("2026-02-13", "task", "transfer", "done"),
        ("2026-02-17", "status", "employment", "resigned"),
    ]
    agent = make_agent("E1", PRV, facts, first="Jane", last="Doe")
    assert transferred_since_previous_business_day([agent], context("2026-02-16")) == [
        {
            "employee_id": "E1",
            "name": "Jane Doe",
            "class_code": "PRV-0105",
            "transferred_on": "2026-02-13",
        }
    ]
    assert transferred_since_previous_business_day([agent], context("2026-02-17")) == []


# -- actions (R-L2 to R-L4, R-N4a) -------------------------------------------------------------


def test_it_builds_the_action_report_with_every_ladder_step_R_L3a_R_N4a(season, context):
    assert actions(season, context("2026-02-17")) == {
        "report": "actions",
        "as_of": "2026-02-17",
        "actions": [
            {
                "employee_id": "E11",
                "ladder": "esp",
                "step": "coaching",
                "due_on": "2026-02-17",
                "status": "due",
            },
            {
                "employee_id": "E12",
                "ladder": "exams",
                "step": "written_cap",
                "due_on": "2026-02-13",
                "status": "overdue",
            },
            {
                "employee_id": "E100",
                "ladder": "esp",
                "step": "coaching",
                "due_on": "2026-02-02",
                "status": "overdue",
            },
            {
                "employee_id": "E20",
                "ladder": "esp",
                "step": "termination_review",
                "due_on": "2026-02-06",
                "status": "overdue",
            },
            {
                "employee_id": "E7",
                "ladder": "licensing",
                "step": "final_cap",
                "due_on": "2026-02-17",
                "status": "due",
            },
            {
                "employee_id": "E8",
                "ladder": "exams",
                "step": "coaching",
                "due_on": "2026-02-17",
                "status": "due",
            },
            {
                "employee_id": "E8",
                "ladder": "licensing",
                "step": "written_cap",
                "due_on": "2026-02-13",
                "status": "overdue",
            },
        ],
    }


def test_it_builds_the_action_report_on_presidents_day_R_L3a(season, context):
    # Nothing falls due on a holiday: the steps due Tue 02-17 do not show yet, and E10,
    # whose Producer World is dated Tue 02-17, still owes the licensing coaching.
    assert actions(season, context("2026-02-16")) == {
        "report": "actions",
        "as_of": "2026-02-16",
        "actions": [
            {
                "employee_id": "E12",
                "ladder": "exams",
                "step": "written_cap",
                "due_on": "2026-02-13",
                "status": "overdue",
            },
            {
                "employee_id": "E100",
                "ladder": "esp",
                "step": "coaching",
                "due_on": "2026-02-02",
                "status": "overdue",
            },
            {
                "employee_id": "E20",
                "ladder": "esp",
                "step": "termination_review",
                "due_on": "2026-02-06",
                "status": "overdue",
            },
            {  # Producer World still open until Tue 02-17
                "employee_id": "E10",
                "ladder": "licensing",
                "step": "coaching",
                "due_on": "2026-02-12",
                "status": "overdue",
            },
            {
                "employee_id": "E8",
                "ladder": "licensing",
                "step": "written_cap",
                "due_on": "2026-02-13",
                "status": "overdue",
            },
        ],
    }


def test_it_builds_the_action_report_early_in_licensing_R_L2(season, context):
    # Fri 01-09: PRV-0105 licensing started Wed 01-07; coaching falls due Mon 01-12.
    assert actions(season, context("2026-01-09")) == {
        "report": "actions",
        "as_of": "2026-01-09",
        "actions": [],
    }
    # Mon 01-12: coaching due for the PRV agents with licensing tasks still open that day
    # (E100: carrier cert Wed 01-14; E5: AHIP and carrier cert never done).
    assert actions(season, context("2026-01-12")) == {
        "report": "actions",
        "as_of": "2026-01-12",
        "actions": [
            {
                "employee_id": "E100",
                "ladder": "licensing",
                "step": "coaching",
                "due_on": "2026-01-12",
                "status": "due",
            },
            {
                "employee_id": "E5",
                "ladder": "licensing",
                "step": "coaching",
                "due_on": "2026-01-12",
                "status": "due",
            },
        ],
    }


def test_it_drops_a_terminated_agent_from_the_action_report_R_P3(season, context):
    report = actions(season, context("2026-02-12"))
    assert "E5" not in {a["employee_id"] for a in report["actions"]}
    report = actions(season, context("2026-02-11"))
    assert {
        "employee_id": "E5",
        "ladder": "licensing",
        "step": "coaching",
        "due_on": "2026-01-12",
        "status": "overdue",
    } in report["actions"]


# -- callcert (R-C4, R-C5) ------------------------------------------------------------------------


def callcert_line(employee_id, scored, passed, rate, result, scorecard):
    return {
        "employee_id": employee_id,
        "calls_scored": scored,
        "calls_passed": passed,
        "pass_rate": rate,
        "result": result,
        "scorecard_name": scorecard,
    }


def test_it_builds_the_callcert_report_for_agents_whose_esp_phase_started_R_C4(season, context):
    assert callcert(season, context("2026-02-16")) == {
        "report": "callcert",
        "as_of": "2026-02-16",
        "agents": [
            callcert_line("E11", 0, 0, None, "pending", None),
            callcert_line("E12", 5, 4, 80, "passed", "Jo_Hal_80%"),
            callcert_line("E100", 0, 0, None, "pending", None),
            callcert_line("E20", 4, 2, None, "pending", None),
            callcert_line("E3", 5, 4, 80, "passed", "Lima_Ana_80%"),
            callcert_line("E4", 0, 0, None, "passed", None),  # marked done directly
        ],
    }


def test_it_builds_the_callcert_report_after_a_re_score_and_a_failure_R_C4_R_C5(season, context):
    assert callcert(season, context("2026-02-18")) == {
        "report": "callcert",
        "as_of": "2026-02-18",
        "agents": [
            callcert_line("E11", 0, 0, None, "pending", None),
            callcert_line("E12", 5, 4, 80, "passed", "Jo_Hal_80%"),
            callcert_line("E100", 5, 2, 40, "failed", "Roe_John_40%"),
            callcert_line("E20", 5, 4, 80, "passed", "Doe_Jane_80%"),
            callcert_line("E3", 5, 4, 80, "passed", "Lima_Ana_80%"),
            callcert_line("E4", 0, 0, None, "passed", None),
        ],
    }


def test_it_builds_an_empty_callcert_report_before_any_esp_phase_starts_R_C4(season, context):
    assert callcert(season, context("2026-01-27")) == {
        "report": "callcert",
        "as_of": "2026-01-27",
        "agents": [],
    }


# -- extensions (R-E1, R-E2) ----------------------------------------------------------------------


def test_it_builds_the_extension_report_for_the_season_R_E1_R_E2(season, context):
    # ESP day 5 of MEM-0120 (ESP Wed 02-11) is Wed 02-18, after Presidents' Day.
    prv_only = {
        "report": "extensions",
        "as_of": "2026-02-17",
        "classes": [
            {
                "class_code": "PRV-0105",
                "method": "uptraining_class",
                "employee_ids": ["E100", "E20"],
            }
        ],
    }
    assert extensions(season, context("2026-02-17")) == prv_only
    assert extensions(season, context("2026-02-16")) == {**prv_only, "as_of": "2026-02-16"}
    assert extensions(season, context("2026-02-18")) == {
        "report": "extensions",
        "as_of": "2026-02-18",
        "classes": [
            {"class_code": "MEM-0120", "method": "uptraining_class", "employee_ids": ["E11"]},
            {"class_code": "PRV-0105", "method": "uptraining_class", "employee_ids": ["E100"]},
        ],
    }


@pytest.fixture(scope="module")
def thanksgiving(make_class, make_agent):
    """Three classes whose ESP phase straddles Thanksgiving 2026 (Thu 11-26).

    PRV-1123 and SLC-1123 start ESP Mon 11-23 (day 5 = Mon 11-30); MEM-1124 Tue 11-24
    (day 5 = Tue 12-01). Veterans Day (Wed 11-11) falls in their training.
    """
    prv = make_class("PRV-1123", "2026-10-29")
    slc = make_class("SLC-1123", "2026-10-29")
    mem = make_class("MEM-1124", "2026-10-30")
    passed_calls = [("2026-11-25", "call", str(n), "100") for n in range(1, 6)]
    agents = [make_agent(code, prv) for code in ("P1", "P2", "P3", "P4", "P10")]
    agents += [
        make_agent("P6", prv, passed_calls),
        make_agent("P7", prv, [("2026-11-20", "status", "employment", "withdrawn")]),
    ]
    agents += [make_agent(code, slc) for code in ("Q1", "Q2", "Q3", "Q4")]
    agents += [
        make_agent("Q5", slc, [("2026-11-25", "task", "call_cert", "done")]),
        make_agent("Q6", slc, [("2026-11-24", "task", "call_cert", "not_applicable")]),
        make_agent("Q9", slc, [("2026-11-25", "move", "MEM-1124", "")], move_classes=(mem,)),
        make_agent("M1", mem),
    ]
    return (prv, slc, mem), agents


def test_it_derives_the_thanksgiving_classes_esp_starts_SPEC_3(thanksgiving):
    (prv, slc, mem), _ = thanksgiving
    assert prv.phase_starts["esp"] == D("2026-11-23")
    assert slc.phase_starts["esp"] == D("2026-11-23")
    assert mem.phase_starts["esp"] == D("2026-11-24")


def test_it_needs_no_extension_before_esp_day_5_R_E1(thanksgiving, context):
    _, agents = thanksgiving
    # Fri 11-27: ESP age 3 (Mon, Tue, Wed; Thanksgiving is closed).
    assert extensions(agents, context("2026-11-27")) == {
        "report": "extensions",
        "as_of": "2026-11-27",
        "classes": [],
    }


def test_it_needs_extensions_on_the_weekend_before_esp_day_5_R_E1_R_E2(thanksgiving, context):
    _, agents = thanksgiving
    # Sat 11-28 counts as Mon 11-30, ESP day 5 (age 4). P6 passed, P7 withdrawn, Q5 and Q6
    # done, Q9 moved to MEM-1124 (age 3 there).
    assert extensions(agents, context("2026-11-28")) == {
        "report": "extensions",
        "as_of": "2026-11-28",
        "classes": [
            {
                "class_code": "PRV-1123",
                "method": "class_spin_up",
                "employee_ids": ["P1", "P10", "P2", "P3", "P4"],
            },
            {
                "class_code": "SLC-1123",
                "method": "uptraining_class",
                "employee_ids": ["Q1", "Q2", "Q3", "Q4"],
            },
        ],
    }


def test_it_needs_extensions_for_a_moved_agent_in_their_new_class_R_E1_R_T3(thanksgiving, context):
    _, agents = thanksgiving
    assert extensions(agents, context("2026-11-30"))["classes"][0]["class_code"] == "PRV-1123"
    assert extensions(agents, context("2026-12-01")) == {
        "report": "extensions",
        "as_of": "2026-12-01",
        "classes": [
            {"class_code": "MEM-1124", "method": "uptraining_class", "employee_ids": ["M1", "Q9"]},
            {
                "class_code": "PRV-1123",
                "method": "class_spin_up",
                "employee_ids": ["P1", "P10", "P2", "P3", "P4"],
            },
            {
                "class_code": "SLC-1123",
                "method": "uptraining_class",
                "employee_ids": ["Q1", "Q2", "Q3", "Q4"],
            },
        ],
    }


def test_it_lists_a_moved_agent_under_the_new_class_with_its_ages_R_T3(thanksgiving, context):
    _, agents = thanksgiving
    q9 = [agent for agent in agents if agent.employee_id == "Q9"]

    def esp_sections(as_of):
        report = incompletions(q9, context(as_of))
        sections = report["sections"]
        return {s["key"]: s["agents"] for s in sections if s["key"] in ("tbt", "call_cert")}

    # Fri 11-27: in SLC-1123 the ESP age would be 3; in MEM-1124 it is 2 (Tue, Wed).
    assert esp_sections("2026-11-27") == {"tbt": [], "call_cert": []}
    q9_line = line("Q9", "Test Agent", "MEM-1124", 3)
    assert esp_sections("2026-11-30") == {"tbt": [q9_line], "call_cert": [q9_line]}


def test_it_switches_to_class_spin_up_at_five_agents_R_E2(make_class, make_agent, context):
    klass = make_class("SAT-0302", "2026-03-02")  # ESP Tue 03-24, day 5 Mon 03-30
    four = [make_agent(f"A{n}", klass) for n in range(1, 5)]
    fifth = make_agent("A5", klass)
    assert extensions(four, context("2026-03-30"))["classes"] == [
        {
            "class_code": "SAT-0302",
            "method": "uptraining_class",
            "employee_ids": ["A1", "A2", "A3", "A4"],
        }
    ]
    assert extensions(four + [fifth], context("2026-03-30"))["classes"] == [
        {
            "class_code": "SAT-0302",
            "method": "class_spin_up",
            "employee_ids": ["A1", "A2", "A3", "A4", "A5"],
        }
    ]
    assert extensions(four + [fifth], context("2026-03-27"))["classes"] == []


def test_it_reads_the_incompletion_thresholds_from_the_policy_R_I1(season, policy, context):
    sections = tuple(
        dataclasses.replace(s, threshold_days=4) if s.key == "call_cert" else s
        for s in policy.sections
    )
    stricter = dataclasses.replace(policy, sections=sections)
    report = incompletions(season, context("2026-02-16", with_policy=stricter))
    assert report["sections"][3] == {
        "key": "call_cert",
        "threshold_days": 4,
        "agents": [
            line("E100", "John Roe", "PRV-0105", 13),
            line("E20", "Jane Doe", "PRV-0105", 13),
        ],
    }


def test_it_reads_the_training_environment_days_from_the_policy_R_E1(season, policy, context):
    # With 4 environment days, MEM-0120 needs extensions from ESP day 4 (Tue 02-17).
    shorter = dataclasses.replace(policy, environment_days=4)
    assert extensions(season, context("2026-02-17", with_policy=shorter))["classes"] == [
        {"class_code": "MEM-0120", "method": "uptraining_class", "employee_ids": ["E11"]},
        {"class_code": "PRV-0105", "method": "uptraining_class", "employee_ids": ["E100", "E20"]},
    ]


def test_it_dates_e12_esp_complete_from_friday_in_the_season_R_P4(season, policy):
    # A guard for the scenario itself: E12 became ESP complete on Fri 02-13.
    e12 = next(record for record in season if record.employee_id == "E12")
    assert AgentProgress(e12, policy).esp_complete_since(D("2026-02-16")) == D("2026-02-13")
