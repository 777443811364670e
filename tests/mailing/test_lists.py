"""Distribution lists as data: `esp lists show` and `esp lists set LIST ADDRESS...` (SPEC §16,
§1), checked before anything changes (§17 "bad input"), every change audited."""

from datetime import date

import pytest

from esp.audit.models import AuditEntry
from esp.mailing.models import DistributionList
from esp.mailing.services.schedules import ensure_lists_and_schedules

KEYS = [
    "carrier_leadership",
    "esp_managers",
    "licensing",
    "ops_leadership",
    "ops_management",
    "wfm",
]


@pytest.fixture
def lists(program):
    ensure_lists_and_schedules(program, active_from=date(2026, 11, 2))


def shown(esp) -> dict[str, str]:
    code, out, err = esp("lists", "show")
    assert code == 0, err
    return dict(line.split(": ", 1) for line in out.splitlines())


def audits():
    return AuditEntry.objects.filter(object_type="distributionlist")


def test_it_creates_the_six_lists_with_init(db, esp):
    code, _, err = esp("init", "--no-input")
    assert code == 0, err
    assert shown(esp) == {key: "(empty)" for key in KEYS}


def test_it_sets_a_list_and_shows_it(lists, esp):
    code, out, err = esp(
        "lists", "set", "esp_managers", "Second.Manager@CXP.example", "esp.manager@cxp.example",
        " esp.manager@cxp.example ",
    )  # fmt: skip
    assert code == 0, err
    assert out == "esp_managers: esp.manager@cxp.example, second.manager@cxp.example\n"
    assert DistributionList.objects.get(key="esp_managers").addresses == [
        "esp.manager@cxp.example",
        "second.manager@cxp.example",
    ]
    lines = shown(esp)
    assert lines["esp_managers"] == "esp.manager@cxp.example, second.manager@cxp.example"
    assert lines["wfm"] == "(empty)"
    assert list(lines) == KEYS

    [entry] = audits()
    assert (entry.action, entry.object_id, entry.actor_label) == (
        "update",
        "esp_managers",
        "esp lists set",
    )
    assert entry.changes == {
        "before": [],
        "after": ["esp.manager@cxp.example", "second.manager@cxp.example"],
    }


def test_it_replaces_a_list_and_audits_only_real_changes(lists, esp):
    assert esp("lists", "set", "licensing", "a@cxp.example", "b@cxp.example")[0] == 0
    assert esp("lists", "set", "licensing", "b@cxp.example", "a@cxp.example")[0] == 0  # same
    assert audits().count() == 1
    assert esp("lists", "set", "licensing", "c@cxp.example")[0] == 0
    assert shown(esp)["licensing"] == "c@cxp.example"
    code, out, _ = esp("lists", "set", "licensing")  # no address: the list is emptied
    assert code == 0 and out == "licensing: (empty)\n"
    assert [e.changes for e in audits().order_by("pk")] == [
        {"before": [], "after": ["a@cxp.example", "b@cxp.example"]},
        {"before": ["a@cxp.example", "b@cxp.example"], "after": ["c@cxp.example"]},
        {"before": ["c@cxp.example"], "after": []},
    ]


def test_it_rejects_a_bad_address_and_changes_nothing(lists, esp):
    assert esp("lists", "set", "wfm", "wfm@cxp.example")[0] == 0
    code, out, err = esp("lists", "set", "wfm", "new@cxp.example", "not-an-address")
    assert code == 2
    assert "'not-an-address' is not an e-mail address" in err and out == ""
    assert shown(esp)["wfm"] == "wfm@cxp.example"
    assert audits().count() == 1


def test_it_rejects_an_unknown_list_naming_the_known_ones(lists, esp):
    code, _, err = esp("lists", "set", "managers", "m@cxp.example")
    assert code == 2
    assert "unknown list 'managers'" in err
    assert all(key in err for key in KEYS)
    assert not audits().exists()
    assert set(shown(esp).values()) == {"(empty)"}
