"""`esp init` is idempotent and loads the default program (SPEC §3, §16)."""

import os

import pytest

from esp.programs.models import Program

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_loads_the_default_program_and_is_idempotent(esp):
    code, out, _ = esp("init", "--no-input")
    assert code == 0 and "esp-aetna" in out
    assert esp("init", "--no-input")[0] == 0
    program = Program.objects.get(key="esp-aetna")
    assert [p.key for p in program.phases.order_by("order")] == [
        "onboarding",
        "licensing",
        "training",
        "esp",
        "production",
    ]
    policy = program.policy()
    assert [(s.key, s.tasks, s.threshold_days) for s in policy.sections] == [
        ("producer_world", ("producer_world",), 1),
        ("ahip_carrier", ("ahip", "carrier_cert"), 4),
        ("tbt", ("tbt",), 3),
        ("call_cert", ("call_cert",), 3),
        ("transfer_needed", ("transfer",), None),
    ]
    assert [(x.key, x.phase, x.tasks, x.timeframe_days) for x in policy.ladders] == [
        ("licensing", "licensing", ("producer_world", "ahip", "carrier_cert"), 3),
        ("esp", "esp", ("tbt", "call_cert"), 3),
    ]
    assert policy.exam_steps == ("coaching", "written_cap", "final_cap")
    assert policy.transfer_task == "transfer"
    assert (policy.call_pass_mark, policy.program_pass_rate, policy.environment_days) == (85, 80, 5)


def test_it_says_bad_dates_are_bad_input(esp):
    esp("init", "--no-input")
    with pytest.raises(SystemExit) as exit_info:
        esp("report", "incompletions", "--as-of", "2026-13-40")
    assert exit_info.value.code == 2


def test_it_refuses_an_unknown_class_with_exit_code_2(esp):
    esp("init", "--no-input")
    code, _, err = esp("report", "incompletions", "--class", "NOPE")
    assert code == 2 and "unknown class 'NOPE'" in err


def test_xlsx_needs_an_output_file(esp):
    esp("init", "--no-input")
    code, _, err = esp("report", "actions", "--format", "xlsx")
    assert code == 2 and "--output" in err


def test_init_offers_to_create_the_first_esp_manager(esp, monkeypatch):
    from django.contrib.auth import get_user_model

    answers = iter(["boss@cxp.example"])
    passwords = iter(["short", "short", "a-long-Passphrase-9", "a-long-Passphrase-9"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(passwords))
    code, out, _ = esp("init")
    assert code == 0 and "ESP Manager boss@cxp.example created" in out
    user = get_user_model().objects.get(email="boss@cxp.example")
    assert user.is_active and user.is_superuser and user.check_password("a-long-Passphrase-9")
    assert list(user.groups.values_list("name", flat=True)) == ["ESP Manager"]
    # With a manager present, init asks nothing.
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked again"))
    assert esp("init")[0] == 0


def test_the_demo_mails_links_to_its_own_port(monkeypatch):
    """The self-report links and invitations the demo mails open the demo's own server (found
    trying the demo on another port: the links pointed at port 8000)."""
    from esp.cli import _setup

    monkeypatch.setenv("ESP_DATABASE_URL", os.environ.get("ESP_DATABASE_URL", "sqlite://"))
    monkeypatch.setenv("ESP_SECRET_KEY", "kept")
    monkeypatch.setenv("ESP_BASE_URL", "")  # restored (removed) after the test
    monkeypatch.delenv("ESP_BASE_URL")
    _setup(demo=True, port=8123)
    assert os.environ["ESP_BASE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("ESP_BASE_URL", "https://esp.example.com")
    _setup(demo=True, port=8124)
    assert os.environ["ESP_BASE_URL"] == "https://esp.example.com"  # a set address is kept


@pytest.mark.django_db
def test_the_demo_leaves_an_invitation_pending_for_the_esp_manager_to_see():
    """Issue 12 item 8: the demo's invitations page has something to cancel."""
    from esp.accounts.selectors import pending_invitations
    from esp.demo.load import load_demo

    load_demo(login=("manager@esp.example", "demo-manager"), agents=12)
    assert [p.user.get_full_name() for p in pending_invitations()] == ["Dana Lopez"]
