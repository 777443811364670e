"""R-E2 and R-X2 (issue 13: the checklists' order, worked out in esp/rules): each step waits
for the ones before it; a failed verification adds the restart, recheck and IT steps."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace as Row

from esp.rules.operations import spin_up_items, transfer_items, uptraining_items

TODAY = date(2026, 12, 2)
ANN = Row(pk=1, name="Ann Able")


def steps(items) -> list[tuple[str, bool, str]]:
    return [(i.step, bool(i.done), i.blocked) for i in items]


def test_a_transfer_waits_step_by_step_and_branches_after_a_failed_check_R_X2():
    done = {key: Row(outcome="") for key in ("cc_department", "cc_effective")}
    items = transfer_items(ANN, done, "SLC Aetna", TODAY)
    assert [i.step for i in items][:6] == [
        "cc_department",
        "cc_effective",
        "hc_department",
        "hc_effective",
        "saved",
        "verify_1",
    ]
    assert steps(items)[2] == ("hc_department", False, "")
    assert steps(items)[3] == ("hc_effective", False, "Do the steps above first.")
    assert "today's date 12/02/2026" in items[1].label
    failed = {"verify_1": Row(outcome="failed"), "verify_2": Row(outcome="failed")}
    keys = [i.step for i in transfer_items(ANN, failed, "SLC Aetna", TODAY)]
    assert keys[6:] == ["restart_1", "verify_2", "recheck", "restart_2", "verify_3"]


def test_a_spin_up_waits_for_every_agents_new_end_date_R_E2():
    items = spin_up_items([ANN], {}, date(2026, 12, 4))
    assert steps(items)[1] == ("dashboard_check", False, "Extend every agent's ESP end date first.")
    done = {("extend_end", 1): Row(value="2026-12-18")}
    later = steps(spin_up_items([ANN], done, date(2026, 12, 4)))
    assert later[1] == ("dashboard_check", False, "")
    assert (
        later[2][2] == "First: check the class in the dashboard (training environment → classes)."
    )


def test_uptraining_waits_until_graduation_and_the_esp_end_have_passed_R_E2():
    [set_item, verify] = uptraining_items(ANN, {}, date(2026, 11, 20), date(2026, 12, 2), TODAY)
    assert set_item.blocked == "Not yet: the ESP end date (12/02/2026) must have passed."
    assert verify.blocked == "Set the uptraining class first."
    [ready, _] = uptraining_items(ANN, {}, date(2026, 11, 20), date(2026, 12, 1), TODAY)
    assert ready.blocked == ""
