"""R-E2 and R-X2 (issue 13: the checklists' order, worked out in esp/rules): each step waits
for the ones before it; a failed verification adds the restart, recheck and IT steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace as Row
from zoneinfo import ZoneInfo

from esp.rules.operations import (
    TransferFacts,
    spin_up_items,
    transfer_complete,
    transfer_items,
    undo_due,
    uptraining_items,
)
from esp.rules.progress import AgentProgress

CHICAGO = ZoneInfo("America/Chicago")
TODAY = date(2026, 12, 2)
SAVED = datetime(2026, 12, 2, 13, 55, tzinfo=UTC)  # 7:55 AM in Chicago
LATER = SAVED + timedelta(minutes=20)  # 8:15 AM
ANN = Row(pk=1, name="Ann Able")


def steps(items) -> list[tuple[str, bool, str]]:
    return [(i.step, bool(i.done), i.blocked) for i in items]


def facts(**more) -> TransferFacts:
    values = dict(
        name="Ann Able",
        site="SLC",
        department="SLC — 510 Aetna Contact Center",
        classroom="Aetna",
        today=TODAY,
        zone=CHICAGO,
    )
    return TransferFacts(**{**values, **more})


def recorded(*steps: str, at: datetime = SAVED, **outcomes: str) -> dict:
    return {step: Row(outcome=outcomes.get(step, ""), done_at=at) for step in (*steps, *outcomes)}


SYSTEM_STEPS = ["cc_effective", "cc_department", "cc_done", "hc_effective", "hc_department"]
BOTH_SYSTEMS = [*SYSTEM_STEPS, "hc_done"]


def test_a_transfer_runs_the_contact_center_then_the_headcount_steps_in_the_seeds_order():
    """Seed 003: "agents must be transferred from training ENV in both the Contact Center and
    Headcount ... Enter today's Date ... locate the "Home Department" section, and click "X"
    ... Type the site name ... Select the one that says Contact Center in the name for that
    campaign ... Select "Done" at the bottom of the page"."""
    items = transfer_items(ANN, recorded("cc_effective"), facts(), SAVED)
    assert [i.step for i in items] == [*BOTH_SYSTEMS, "refresh", "verify_1"]
    assert items[0].label == "Contact Center: enter today's date, 12/02/2026"
    assert items[1].label == (
        'Contact Center: under "Home Department" on the right click "X", type the site (SLC) '
        "and select SLC — 510 Aetna Contact Center"
    )
    assert items[5].label == 'Headcount: select "Done" at the bottom of the page'
    assert steps(items)[1] == ("cc_department", False, "")
    assert steps(items)[2] == ("cc_done", False, "Do the steps above first.")


def test_the_check_waits_10_minutes_after_the_refresh_shown_in_the_programs_time():
    """Seed 003: "Refresh the ADP page, wait 10 minutes, check BlackDash to see if the agent
    shows in any training ENV classrooms (Campaign: Aetna, or the ESP class with the specific
    ESP dates)." Refreshed at 7:55 AM Chicago (13:55 UTC): checked from 8:05 AM."""
    done = recorded(*BOTH_SYSTEMS, "refresh")
    verify = transfer_items(ANN, done, facts(), SAVED + timedelta(minutes=9))[-1]
    assert verify.blocked == "Wait 10 minutes: from 8:05 AM."
    assert "(Campaign: Aetna, or the ESP class with their ESP dates)" in verify.label
    ready = transfer_items(ANN, done, facts(), SAVED + timedelta(minutes=10))[-1]
    assert (ready.blocked, ready.extra["ready_text"]) == ("", "8:05 AM")
    assert (
        "Campaign: CareSource"
        in transfer_items(ANN, done, facts(classroom="CareSource"), SAVED)[-1].label
    )


def test_after_a_clean_check_the_agent_restarts_and_the_transfer_is_done():
    """Seed 003: "If no, have agent restart their computer." Then "Update the ESP tracker in
    the Transfer to Production column"."""
    done = recorded(*BOTH_SYSTEMS, "refresh", verify_1="passed")
    items = transfer_items(ANN, done, facts(), LATER)
    assert (
        items[-1].step == "restart_1" and items[-1].label == "Have Ann Able restart their computer"
    )
    assert not transfer_complete(done)
    assert transfer_complete({**done, **recorded("restart_1")})


def test_a_failed_check_rechecks_the_contact_center_waits_again_restarts_then_calls_it():
    """Seed 003: "If yes, go back to ADP and check you have completed all the steps above for
    Contact Center. Wait another 10 minutes and have agent restart their computer. If they are
    still showing in BlackDash in the training ENV, contact IT and see if there is something
    wrong on the backend." """
    done = recorded(*BOTH_SYSTEMS, "refresh", verify_1="failed")
    keys = [i.step for i in transfer_items(ANN, done, facts(), LATER)]
    assert keys[-3:] == ["recheck", "restart_2", "verify_2"]
    done |= recorded("recheck", at=LATER)
    restart = transfer_items(ANN, done, facts(), LATER + timedelta(minutes=5))[-2]
    assert restart.blocked == "Wait 10 minutes: from 8:25 AM."
    done |= recorded("restart_2", at=LATER + timedelta(minutes=10), verify_2="failed")
    items = transfer_items(ANN, done, facts(), LATER + timedelta(minutes=11))
    assert [i.step for i in items][-2:] == ["it_ticket", "verify_3"]
    assert not transfer_complete(done)
    assert transfer_complete({**done, **recorded(verify_3="passed")})
    assert transfer_complete(recorded(verify_1="failed", verify_2="passed"))


def test_a_spin_up_waits_for_every_agents_new_end_date_R_E2():
    items = spin_up_items([ANN], {}, date(2026, 12, 4))
    assert steps(items)[1] == ("dashboard_check", False, "Extend every agent's ESP end date first.")
    assert items[1].extra["hint"] == (
        'If "Training Environment" is not in your Black Dashboard, ask the NOC team for access.'
    )
    done = {("extend_end", 1): Row(value="2026-12-18", done_at=SAVED)}
    later = steps(spin_up_items([ANN], done, date(2026, 12, 4), now=SAVED, zone=CHICAGO))
    assert later[1] == ("dashboard_check", False, "")
    assert later[2][2] == "Do the steps above first."


def test_the_spin_up_lists_the_agents_after_up_to_10_minutes_then_they_log_out_and_in():
    """Seed 003: "Verify all agents needing the extension are listed. This may take up to 10
    minutes. ... Once NOC confirms the class has been 'Spun Up,' agents must log out and back
    in for their environment to change." End dates extended at 7:55 AM Chicago."""
    done = {
        ("extend_end", 1): Row(value="2026-12-18", done_at=SAVED),
        ("dashboard_check", None): Row(done_at=SAVED),
    }
    items = spin_up_items([ANN], done, date(2026, 12, 4), now=SAVED, zone=CHICAGO)
    assert [i.step for i in items] == [
        "extend_end",
        "dashboard_check",
        "class_listed",
        "email_platform",
        "confirmation",
        "agents_relog",
    ]
    assert items[2].blocked == "Wait 10 minutes: from 8:05 AM."
    assert (
        items[5].label == "Tell the agents to log out and back in: their environment changes then"
    )
    ready = spin_up_items([ANN], done, date(2026, 12, 4), now=LATER, zone=CHICAGO)
    assert (ready[2].blocked, ready[2].extra["ready_text"]) == ("", "8:05 AM")


def test_uptraining_waits_until_graduation_and_the_esp_end_have_passed_R_E2():
    """Seed 003: "Both the "Training Graduation Date" and the "ESP End Date" must be expired for
    this to work." """
    [set_item, verify, relog] = uptraining_items(
        ANN, {}, date(2026, 11, 20), date(2026, 12, 2), TODAY, value="Aetna"
    )
    assert set_item.blocked == "Not yet: the ESP end date (12/02/2026) must have passed."
    assert verify.blocked == "Set the uptraining class first."
    assert relog.blocked == "Verify the agent is listed first."
    [ready, _, _] = uptraining_items(
        ANN, {}, date(2026, 11, 20), date(2026, 12, 1), TODAY, value="Aetna"
    )
    assert ready.blocked == ""
    assert 'type "Aetna" in "Uptraining Class"' in ready.label


def test_the_uptraining_class_is_the_campaigns_and_the_agent_logs_out_and_back_in():
    """Seed 003: "Find the Aetna class. Click the 'smiley face' to the right. Verify all agents
    needing the extension are listed. This may take up to 10 minutes. The agents must log out
    and log back in before their environment is updated." A CareSource class types its own."""
    done = {("uptraining_set", 1): Row(value="CareSource", done_at=SAVED)}
    items = uptraining_items(
        ANN, done, date(2026, 11, 20), date(2026, 12, 1), TODAY,
        value="CareSource", now=SAVED + timedelta(minutes=2), zone=CHICAGO,
    )  # fmt: skip
    assert "find the CareSource class" in items[1].label
    assert items[1].blocked == "Wait 10 minutes: from 8:05 AM."
    assert items[2].label == "Ann Able logs out and back in: their environment is updated then"


def test_the_undo_is_due_once_call_certs_are_finished_passed_or_failed(
    make_agent, make_class, policy
):
    """Seed 003: "The ESP Manager must remember to 'undo' this process by erasing "Aetna" and
    selecting "Done" when the agent has finished all Call Certs." The coached call, then four
    at 80: failed."""
    klass = make_class("AET-U", "2026-10-19")
    scores = [("2026-11-20", "call", str(n), "100" if n == 1 else "80") for n in range(1, 6)]
    failed = AgentProgress(make_agent("E1", klass, scores), policy)
    assert undo_due(failed, date(2026, 11, 19)) == ""
    assert undo_due(failed, date(2026, 11, 20)) == "failed"
    passed = AgentProgress(
        make_agent("E2", klass, [("2026-11-20", "task", "call_cert", "done")]), policy
    )
    assert undo_due(passed, date(2026, 11, 20)) == "passed"
    marked = AgentProgress(
        make_agent("E3", klass, [("2026-11-20", "task", "call_cert", "failed")]), policy
    )
    assert undo_due(marked, date(2026, 11, 20)) == "failed"
    going = AgentProgress(make_agent("E4", klass, scores[:3]), policy)
    assert undo_due(going, date(2026, 11, 20)) == ""
