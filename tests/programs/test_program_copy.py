"""Copying a program (SPEC §3, issue 8 item 7): the copy has equal policy values and its own
rows; editing the copy leaves the original's classes and reports unchanged.

Class AET-A (program esp-aetna) starts Monday 11/02/2026, licensing Wednesday 11/04; class
HUM-A (the copy, esp-humana) starts the same day. As of Monday 11/09 each agent's licensing
tasks are 11/04..11/06 = 3 business days old: listed under Producer World (threshold 1), not
under AHIP/Aetna (threshold 4) until the copy's threshold is lowered to 2.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from esp.accountability.models import CapTemplate
from esp.programs.models import Campaign, Program
from esp.programs.services import program_copy
from esp.roster.services.staff import create_esp_manager

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
HUM-A,esp-humana,Aetna,SLC,2026-11-02,tl.two@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
E101,Hal,Hart,hal@cxp.example,hal@mail.example,HUM-A,tl.two@cxp.example
"""

RELATED = (
    "phases",
    "tasks",
    "sections",
    "ladders",
    "occurrence_kinds",
    "attendance_levels",
    "closures",
    "tbt_courses",
    "day_schedules",
    "cap_templates",
)


def pks(program, name):
    return set(getattr(program, name).values_list("pk", flat=True))


def test_the_copy_has_equal_policy_values_and_its_own_rows(program):
    program.tbt_courses.create(number="TBT-101", name="Medicare basics", order=1)
    program.closures.create(date="2026-12-24", reason="Christmas Eve")
    if not CapTemplate.objects.filter(program=program).exists():
        CapTemplate.objects.create(program=program, text="{{ agent }}")
    humana = Campaign.objects.create(name="Humana", department_code="520")
    copy = program_copy(program, key="esp-humana", name="ESP — Humana", campaign=humana)

    assert (copy.key, copy.name, copy.campaign) == ("esp-humana", "ESP — Humana", humana)
    assert copy.policy() == program.policy()
    assert copy.call_pass_mark == program.call_pass_mark
    assert copy.time_zone == program.time_zone
    for name in RELATED:
        assert getattr(copy, name).count() == getattr(program, name).count(), name
        assert getattr(program, name).count() > 0 or name == "day_schedules", name
        assert not pks(copy, name) & pks(program, name), name
    # The copy's rows point at the copy's phases and tasks, never the original's.
    for task in copy.tasks.all():
        assert task.phase.program == copy
    for section in copy.sections.all():
        assert {t.program_id for t in section.tasks.all()} <= {copy.pk}
    for ladder in copy.ladders.all():
        assert ladder.phase is None or ladder.phase.program == copy
        assert {t.program_id for t in ladder.tasks.all()} <= {copy.pk}
    steps = [list(ladder.steps.values_list("key", "order")) for ladder in program.ladders.all()]
    assert [list(ladder.steps.values_list("key", "order")) for ladder in copy.ladders.all()] == (
        steps
    )


@pytest.fixture
def scenario(program, write, esp):
    program_copy(program, key="esp-humana", name="ESP — Humana")
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return program


def incompletions(esp, program_key, as_of):
    code, out, err = esp(
        "report", "incompletions", "--as-of", as_of, "--format", "json", "--program", program_key
    )
    assert code == 0, err
    return json.loads(out)


def sections(employee_id, name, class_code, ahip_threshold, ahip_listed):
    listed = {
        "employee_id": employee_id,
        "name": name,
        "class_code": class_code,
        "age_business_days": 3,
    }
    return {
        "report": "incompletions",
        "as_of": "2026-11-09",
        "sections": [
            {"key": "producer_world", "threshold_days": 1, "agents": [listed]},
            {
                "key": "ahip_carrier",
                "threshold_days": ahip_threshold,
                "agents": [listed] if ahip_listed else [],
            },
            {"key": "tbt", "threshold_days": 3, "agents": []},
            {"key": "call_cert", "threshold_days": 3, "agents": []},
            {"key": "transfer_needed", "threshold_days": None, "agents": []},
        ],
    }


def test_editing_the_copys_thresholds_leaves_the_originals_reports_unchanged(scenario, esp):
    ann = sections("E001", "Ann Able", "AET-A", 4, False)
    assert incompletions(esp, "esp-aetna", "2026-11-09") == ann
    assert incompletions(esp, "esp-humana", "2026-11-09") == sections(
        "E101", "Hal Hart", "HUM-A", 4, False
    )

    copy = Program.objects.get(key="esp-humana")
    section = copy.sections.get(key="ahip_carrier")
    section.threshold_days = 2
    section.save()  # as the admin and the settings pages write it: the copy's policy stamped

    assert incompletions(esp, "esp-aetna", "2026-11-09") == ann
    assert incompletions(esp, "esp-humana", "2026-11-09") == sections(
        "E101", "Hal Hart", "HUM-A", 2, True
    )
    assert scenario.sections.get(key="ahip_carrier").threshold_days == 4


def test_the_admin_action_asks_for_the_new_key_and_copies(program):
    client = Client()
    client.force_login(create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1"))
    url = reverse("admin:programs_program_changelist")
    chosen = {"action": "copy_program", "_selected_action": [program.pk]}
    page = client.post(url, chosen)
    assert page.status_code == 200
    assert 'value="esp-aetna-copy"' in page.content.decode()

    taken = client.post(url, {**chosen, "apply": "1", "key": "esp-aetna", "name": "Again"})
    assert "exists already" in taken.content.decode()
    assert Program.objects.count() == 1

    done = client.post(url, {**chosen, "apply": "1", "key": "esp-humana", "name": "ESP — Humana"})
    copy = Program.objects.get(key="esp-humana")
    assert done.status_code == 302
    assert done.url == reverse("admin:programs_program_change", args=[copy.pk])
    assert copy.policy() == program.policy()
    assert copy.campaign == program.campaign


def test_the_admin_warns_that_editing_a_program_in_use_changes_its_classes(scenario):
    client = Client()
    client.force_login(create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1"))
    page = client.get(reverse("admin:programs_program_change", args=[scenario.pk]))
    assert (
        "1 class uses this program: saving changes applies to them too. To change the rules for "
        "new classes only, copy the program"
    ) in page.content.decode()
    unused = program_copy(scenario, key="esp-unused", name="Unused")
    page = client.get(reverse("admin:programs_program_change", args=[unused.pk]))
    assert "uses this program" not in page.content.decode()
