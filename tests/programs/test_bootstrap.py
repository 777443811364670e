"""programs names no higher app (issue 13): each app declares what `esp init` loads for it
(`defaults`) and which of its rows a program copy copies (`copied_with_program`), and
programs runs them in INSTALLED_APPS order."""

from django.contrib.auth.models import Group

from esp.accountability.defaults import load_default_cap_templates
from esp.accountability.models import CapTemplate
from esp.certification.services import load_default_scorecard
from esp.mailing.models import DistributionList, Schedule
from esp.mailing.services.schedules import ensure_lists_and_schedules
from esp.pace.defaults import load_default_pace
from esp.pace.models import PaceModule
from esp.playbooks.defaults import load_default_playbooks
from esp.programs.bootstrap import _call_with, app_defaults, initialize
from esp.programs.services import copied_models
from esp.roster.roles import ESP_MANAGER
from esp.roster.services.staff import ensure_roles


def test_it_runs_the_declared_defaults_in_the_order_of_installed_apps():
    assert app_defaults() == [
        ensure_roles,
        ensure_lists_and_schedules,
        load_default_cap_templates,
        load_default_scorecard,
        load_default_playbooks,
        load_default_pace,
    ]


def test_it_copies_the_rows_the_apps_declare():
    assert copied_models() == [CapTemplate, PaceModule]


def test_it_gives_a_defaults_callable_only_the_arguments_it_names():
    seen = []
    available = {"program": "P", "active_from": "D"}
    _call_with(lambda: seen.append(()), available)
    _call_with(lambda program: seen.append((program,)), available)
    _call_with(lambda program, *, active_from: seen.append((program, active_from)), available)
    assert seen == [(), ("P",), ("P", "D")]


def test_initialize_loads_every_apps_defaults_once(db):
    program = initialize()
    initialize()  # idempotent
    assert program.key == "esp-aetna"
    assert CapTemplate.objects.filter(program=program).count() == 1
    assert PaceModule.objects.filter(phase__program=program).exists()
    assert DistributionList.objects.exists() and Schedule.objects.exists()
    assert Group.objects.filter(name=ESP_MANAGER).count() == 1
