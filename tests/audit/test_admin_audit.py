"""Changes made in the admin land in the audit history (issue 12 item 16, STYLE §4): who,
create / update / delete, and each changed field's old and new value, in the same table as
the app's own writes (imports, services).

Class AET-A (program esp-aetna) starts Monday 11/02/2026 with TL tl.one and PM pm.one; agent
E001 Ann Able is in it. The ESP Manager edits them in the admin, posting the change forms as
a browser would (every field and inline row the page shows).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import CheckboxInput, MultiWidget
from django.test import Client
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.programs.models import Program, Site
from esp.roster.models import Agent, TrainingClass
from esp.roster.roles import PM, TL
from esp.roster.services.staff import create_esp_manager
from tests.web_support import staff

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
AET-A,esp-aetna,Aetna,SLC,2026-11-02,tl.one@cxp.example,pm.one@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E001,Ann,Able,ann@cxp.example,ann@mail.example,AET-A,tl.one@cxp.example
"""


@pytest.fixture
def scenario(program, write, esp):
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    return program


@pytest.fixture
def manager(db):
    return create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1")


@pytest.fixture
def client(manager):
    client = Client()
    client.force_login(manager)
    return client


def _put(data, form, name, field):
    """One field of a bound-to-initial form as the browser posts it."""
    key, value = form.add_prefix(name), form[name].value()
    if field.disabled:
        return
    if isinstance(field.widget, CheckboxInput):
        if value:
            data[key] = "on"
    elif isinstance(field.widget, MultiWidget):
        for i, part in enumerate(field.widget.decompress(value)):
            data[f"{key}_{i}"] = "" if part is None else str(part)
    elif isinstance(value, list | tuple):
        data[key] = [str(v) for v in value]
    else:
        data[key] = "" if value is None else str(value)


def change_form(client, url) -> dict:
    """What the change page at `url` posts when saved unchanged: its fields and inline rows."""
    page = client.get(url)
    assert page.status_code == 200, url
    data = {}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        _put(data, form, name, field)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for row in formset.initial_forms:
            for name, field in row.fields.items():
                if name != "DELETE":
                    _put(data, row, name, field)
    return data


def entries(object_type, object_id=None):
    rows = AuditEntry.objects.filter(object_type=object_type, actor_label="admin")
    if object_id is not None:
        rows = rows.filter(object_id=object_id)
    return list(rows.order_by("pk"))


def test_it_audits_an_agent_changed_in_the_admin_with_old_and_new_values(scenario, client):
    """Issue 12 item 16: an admin edit of an agent is an audit row with who and old → new."""
    agent = Agent.objects.get(employee_id="E001")
    url = reverse("admin:roster_agent_change", args=[agent.pk])
    data = change_form(client, url)
    data.update(last_name="Abel", npn="1234567")

    assert client.post(url, data).status_code == 302

    (entry,) = entries("agent", "E001")
    assert entry.action == "update"
    assert entry.actor.email == "esp.manager@cxp.example"
    assert entry.changes == {"last_name": ["Able", "Abel"], "npn": ["", "1234567"]}
    # The same history as the roster import's rows for the agent.
    assert AuditEntry.objects.filter(object_type="agent", object_id="E001").count() == 2


def test_it_writes_no_row_for_an_admin_save_that_changed_nothing(scenario, client):
    """Issue 12 item 16: saving an unchanged page is not a change."""
    agent = Agent.objects.get(employee_id="E001")
    url = reverse("admin:roster_agent_change", args=[agent.pk])
    assert client.post(url, change_form(client, url)).status_code == 302
    assert entries("agent") == []


def test_it_audits_a_class_s_tls_and_pms_changed_in_the_admin(scenario, client):
    """Issue 12 item 16: a class's many-to-many TLs and PMs, old and new sets by name."""
    tl_two = staff("tl.two@cxp.example", TL)
    training_class = TrainingClass.objects.get(code="AET-A")
    url = reverse("admin:roster_trainingclass_change", args=[training_class.pk])
    data = change_form(client, url)
    data["tls"] = [str(tl_two.pk)]
    data["pms"] = []
    data["start_date"] = "2026-11-09"

    assert client.post(url, data).status_code == 302

    (entry,) = entries("trainingclass", "AET-A")
    assert entry.action == "update"
    assert entry.actor.email == "esp.manager@cxp.example"
    assert entry.changes == {
        "start_date": ["2026-11-02", "2026-11-09"],
        "tls": [["tl.one@cxp.example"], ["tl.two@cxp.example"]],
        "pms": [["pm.one@cxp.example"], []],
    }


def test_it_audits_a_user_s_roles_and_active_flag_changed_in_the_admin(scenario, client):
    """Issue 12 item 16: a user's roles (groups) and active flag, old and new."""
    user = get_user_model().objects.get(email="tl.one@cxp.example")
    user.is_active = True
    user.save()
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = change_form(client, url)
    data["groups"] = [str(Group.objects.get(name=PM).pk)]
    data.pop("is_active", None)

    assert client.post(url, data).status_code == 302

    (entry,) = entries("user", "tl.one@cxp.example")
    assert entry.action == "update"
    assert entry.actor.email == "esp.manager@cxp.example"
    assert entry.changes == {"is_active": [True, False], "groups": [[TL], [PM]]}


def test_it_audits_a_password_set_in_the_admin_without_the_hash(scenario, client):
    """Issue 12 item 16: the admin's password page; the history says it changed, no hash."""
    user = get_user_model().objects.get(email="tl.one@cxp.example")
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    new = "Another-Long-Passw0rd"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302

    (entry,) = entries("user", "tl.one@cxp.example")
    assert entry.changes == {"password": ["(hidden)", "(changed)"]}
    user.refresh_from_db()
    assert user.password not in str(AuditEntry.objects.values_list("changes", flat=True)[::1])


def test_it_audits_a_user_and_a_role_created_in_the_admin(scenario, client):
    """Issue 12 item 16: creations record the new values (old: none); passwords hidden."""
    response = client.post(reverse("admin:auth_group_add"), {"name": "Trainers", "permissions": []})
    assert response.status_code == 302
    (role,) = entries("group", "Trainers")
    assert (role.action, role.changes) == ("create", {"name": [None, "Trainers"]})

    new = "Another-Long-Passw0rd"
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "new.tl@cxp.example",
            "password1": new,
            "password2": new,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    (user,) = entries("user", "new.tl@cxp.example")
    assert user.action == "create"
    assert user.changes["username"] == [None, "new.tl@cxp.example"]
    assert user.changes["password"] == [None, "(hidden)"]


def test_it_audits_a_program_and_its_inline_rows_changed_in_the_admin(scenario, client):
    """Issue 12 item 16: the program's own fields and each inline row (phases, tasks, report
    sections ...) changed, added or deleted, each a row with its old and new values."""
    url = reverse("admin:programs_program_change", args=[scenario.pk])
    data = change_form(client, url)
    prefix = {
        inline.formset.model._meta.model_name: inline.formset.prefix
        for inline in client.get(url).context["inline_admin_formsets"]
    }
    phases = list(scenario.phases.order_by("order", "pk"))
    index = next(i for i, p in enumerate(phases) if p.key == "training")
    data[f"{prefix['phase']}-{index}-name"] = "Product training"
    tasks = list(scenario.tasks.all())
    index = next(i for i, t in enumerate(tasks) if t.key == "rts")
    data[f"{prefix['task']}-{index}-name"] = "RTS / No More Forms (all carriers)"
    sections = list(scenario.sections.all())
    index = next(i for i, s in enumerate(sections) if s.key == "tbt")
    data[f"{prefix['reportsection']}-{index}-threshold_days"] = "5"
    closures = prefix["closure"]
    count = int(data[f"{closures}-TOTAL_FORMS"])
    data[f"{closures}-TOTAL_FORMS"] = str(count + 1)
    data.update({f"{closures}-{count}-date": "2026-12-24", f"{closures}-{count}-reason": "Eve"})
    data[f"{closures}-{count}-program"] = str(scenario.pk)
    data["name"] = "ESP — Aetna 2027"

    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""

    (program_row,) = entries("program", "esp-aetna")
    assert program_row.changes == {"name": ["ESP — Aetna", "ESP — Aetna 2027"]}
    (phase_row,) = entries("phase", "training")
    assert (phase_row.action, phase_row.changes) == (
        "update",
        {"name": ["Training", "Product training"]},
    )
    (task_row,) = entries("task", "rts")
    assert task_row.changes == {
        "name": ["RTS / No More Forms", "RTS / No More Forms (all carriers)"]
    }
    (section_row,) = entries("reportsection", "tbt")
    assert section_row.changes == {"threshold_days": [3, 5]}
    (closure_row,) = entries("closure")
    assert closure_row.action == "create"
    assert closure_row.changes["date"] == [None, "2026-12-24"]
    assert closure_row.changes["reason"] == [None, "Eve"]
    assert {e.actor.email for e in entries("program") + entries("phase")} == {
        "esp.manager@cxp.example"
    }

    # Deleting the closure again from the inline.
    data = change_form(client, url)
    closure = scenario.closures.get(date="2026-12-24")
    row = next(i for i, c in enumerate(scenario.closures.all()) if c.pk == closure.pk)
    data[f"{closures}-{row}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    deleted = entries("closure")[-1]
    assert deleted.action == "delete"
    assert deleted.object_id == str(closure.pk)
    assert deleted.changes["reason"] == ["Eve", None]


def test_it_audits_deletions_in_the_admin_one_and_several(scenario, client, manager):
    """Issue 12 item 16: deleting on the object's page and with the list's delete action."""
    site_url = reverse("admin:programs_site_changelist")
    spare = [Site.objects.create(code=code, name=f"Spare {code}") for code in ("XA1", "XA2")]
    response = client.post(
        site_url,
        {"action": "delete_selected", "_selected_action": [s.pk for s in spare], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Site.objects.filter(code__in=["XA1", "XA2"]).exists()
    gone = entries("site")
    assert {(e.action, e.object_id) for e in gone} == {("delete", "XA1"), ("delete", "XA2")}
    assert gone[0].changes["name"] == ["Spare XA1", None]
    assert gone[0].actor == manager

    user = get_user_model().objects.get(email="pm.one@cxp.example")
    url = reverse("admin:auth_user_delete", args=[user.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    (entry,) = entries("user", "pm.one@cxp.example")
    assert entry.action == "delete"
    assert entry.changes["email"] == ["pm.one@cxp.example", None]


def test_it_audits_a_program_copied_from_the_admin(program, client, manager):
    """Issue 12 item 16: the admin's "Copy this program" action is a creation by its user."""
    url = reverse("admin:programs_program_changelist")
    chosen = {"action": "copy_program", "_selected_action": [program.pk], "apply": "1"}
    assert client.post(url, {**chosen, "key": "esp-humana", "name": "ESP — Humana"}).status_code
    entry = AuditEntry.objects.get(object_type="program", object_id="esp-humana")
    assert (entry.action, entry.actor) == ("create", manager)
    assert entry.changes["copied_from"] == [None, "esp-aetna"]
    assert entry.changes["name"] == [None, "ESP — Humana"]


def test_it_audits_each_admin_registered_model(db):
    """Issue 12 item 16: every model admin of the site, Django's User and Group ones too,
    carries the audit hooks, so an admin added later is audited as well."""
    from django.contrib import admin

    from esp.audit.adminsite import AuditedAdminMixin

    assert admin.site._registry
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AuditedAdminMixin), model
    assert Program in admin.site._registry


def test_it_opens_the_objects_audit_history_from_its_history_button(scenario, client):
    """Issue 12 item 16: the admin's "History" of an agent lists its audit rows — the
    roster import's and the admin's — with the changes as old → new."""
    agent = Agent.objects.get(employee_id="E001")
    url = reverse("admin:roster_agent_change", args=[agent.pk])
    data = change_form(client, url)
    data["last_name"] = "Abel"
    client.post(url, data)

    history = client.get(reverse("admin:roster_agent_history", args=[agent.pk]), follow=True)
    assert history.status_code == 200
    rows = list(history.context["cl"].result_list)
    assert {(r.action, r.object_id) for r in rows} == {("create", "E001"), ("update", "E001")}
    assert "last_name: Able → Abel" in history.content.decode()
