"""Licensing pace (R-I1b) through the whole path: the pace table as program data → the quick
grid (services, audit) → the behind-pace list, its downloads, the Licensing Today page and the
midday mail to the licensing list.

Class LIC-A starts Friday 11/20/2026: onboarding 11/20 and 11/23, licensing from Tuesday
11/24, so day 2 is Wednesday 11/25, Thanksgiving is skipped, day 3 is Friday 11/27 and day 4
Monday 11/30. Class ESP-B started 11/02 and is in its ESP phase (outside licensing's scope).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from esp.audit.models import AuditEntry
from esp.demo.pace import demo_pace
from esp.mailing.models import OutboxMessage
from esp.mailing.services.schedules import DEFAULT_SCHEDULES, ensure_lists_and_schedules, plan_due
from esp.pace import selectors
from esp.pace.defaults import MODULES, load_default_pace
from esp.pace.models import ModuleProgress, PaceModule
from esp.programs.services import program_copy
from esp.roster.roles import ESP_MANAGER, LICENSING, TL
from esp.roster.services.staff import create_esp_manager
from tests.web_support import staff

CHICAGO = ZoneInfo("America/Chicago")
FRIDAY = date(2026, 11, 27)  # licensing day 3 of LIC-A

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
LIC-A,esp-aetna,Aetna,PRV,2026-11-20,tl.one@cxp.example,pm.one@cxp.example
ESP-B,esp-aetna,Aetna,SLC,2026-11-02,tl.two@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code
E201,Ann,Able,ann@cxp.example,ann@mail.example,LIC-A
E202,Bob,Baker,bob@cxp.example,bob@mail.example,LIC-A
E203,Cy,Cole,cy@cxp.example,cy@mail.example,LIC-A
E301,Dee,Dunn,dee@cxp.example,dee@mail.example,ESP-B
"""

# E203's AHIP certification is done: the AHIP modules count as done through the task.
ACTIVITY = """
date,employee_id,kind,item,value,by,note
2026-11-25,E203,task,ahip,done,licensing@cxp.example,
"""

AHIP_1_TO_4 = ("ahip_1", "ahip_2", "ahip_3", "ahip_4")


@pytest.fixture
def scenario(program, write, esp, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_default_pace(program)
    for kind, text in (("classes", CLASSES), ("roster", ROSTER), ("activity", ACTIVITY)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=CHICAGO), tick=False):
        yield program


def sign_in(client, email, *roles):
    user = staff(email, *roles)
    client.force_login(user)
    return user


def cell(employee_id, key):
    return f"{employee_id}:{key}"


def save(client, code, *, shown, was=(), done=(), as_of=FRIDAY):
    return client.post(
        reverse("pace:grid", args=[code]),
        {"as_of": as_of.isoformat(), "shown": list(shown), "was": list(was), "done": list(done)},
    )


def record(client, employee_id, keys, *, as_of=FRIDAY):
    cells = [cell(employee_id, k) for k in keys]
    return save(client, "LIC-A", shown=cells, done=cells, as_of=as_of)


def done_days(employee_id):
    return dict(
        ModuleProgress.objects.filter(agent__employee_id=employee_id).values_list(
            "module__key", "done_on"
        )
    )


# -- the pace table is program data ------------------------------------------------------------


def test_it_loads_the_default_pace_table_once_and_keeps_edits(scenario):
    """R-I1b defaults: end of day 1, 2, 3 and the first half of day 4."""
    rows = list(PaceModule.objects.filter(phase__program=scenario).order_by("order"))
    assert [(m.key, m.due_by) for m in rows] == [
        (key, Decimal(due)) for key, _, due, _, _ in MODULES
    ]
    assert {m.phase.key for m in rows} == {"licensing"}
    assert rows[0].proof == "practice-quiz screenshot"
    assert rows[-1].due_by == Decimal("3.5")
    PaceModule.objects.filter(key="ahip_5").update(due_by=Decimal("2"))
    load_default_pace(scenario)
    assert PaceModule.objects.count() == len(MODULES)
    assert PaceModule.objects.get(key="ahip_5").due_by == Decimal("2")


def test_it_copies_the_pace_table_with_the_program(scenario):
    copy = program_copy(scenario, key="esp-caresource", name="ESP — CareSource")
    copied = PaceModule.objects.filter(phase__program=copy).order_by("order")
    assert [m.key for m in copied] == [key for key, *_ in MODULES]
    assert {m.phase.program_id for m in copied} == {copy.pk}
    assert copied.first().phase != PaceModule.objects.filter(phase__program=scenario).first().phase


# -- the quick grid ----------------------------------------------------------------------------


def test_it_shows_the_grid_with_a_labelled_checkbox_per_cell(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    page = client.get(reverse("pace:grid", args=["LIC-A"])).content.decode()
    assert 'aria-label="AHIP module 1 — Bob Baker (missing)"' in page
    assert 'name="done" value="E201:carrier_products"' in page
    # E203's AHIP task is done: those cells are checked through the task, not editable
    assert 'aria-label="AHIP module 3 — Cy Cole: done (its task is done)"' in page
    assert 'value="E203:ahip_3"' not in page
    assert "Dee Dunn" not in page  # another class
    assert "by first half of day 4" in page


def test_it_records_only_the_changed_cells_and_audits_each(scenario, client):
    user = sign_in(client, "licensing@cxp.example", LICENSING)
    response = record(client, "E201", AHIP_1_TO_4)
    assert response.status_code == 302
    assert done_days("E201") == dict.fromkeys(AHIP_1_TO_4, FRIDAY)
    audits = AuditEntry.objects.filter(action="pace_module_done", object_id="E201")
    assert audits.count() == 4
    assert audits.first().actor == user
    assert {tuple(a.changes["done_on"]) for a in audits} == {(None, "2026-11-27")}

    # the same cells shown again as done, one unchecked: only that one changes (an undo)
    cells = [cell("E201", k) for k in AHIP_1_TO_4]
    response = save(client, "LIC-A", shown=cells, was=cells, done=cells[:3])
    assert response.status_code == 302
    assert done_days("E201")["ahip_4"] is None
    undo = AuditEntry.objects.get(action="pace_module_undone")
    assert undo.changes == {"module": "ahip_4", "done_on": ["2026-11-27", None]}
    assert AuditEntry.objects.filter(action__startswith="pace_module").count() == 5
    row = ModuleProgress.objects.get(agent__employee_id="E201", module__key="ahip_4")
    assert row.recorded_by == user


def test_it_back_dates_a_check_to_the_grid_day(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E202", ("ahip_1",), as_of=date(2026, 11, 24))
    assert done_days("E202") == {"ahip_1": date(2026, 11, 24)}


def test_it_does_not_overwrite_a_cell_changed_meanwhile(scenario, client):
    """§17 no lost work: the page showed it unchecked, someone checked it since."""
    sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E202", ("ahip_1",))
    target = cell("E202", "ahip_1")
    response = save(client, "LIC-A", shown=[target], was=[], done=[])  # stale page: no change
    assert response.status_code == 302
    response = save(client, "LIC-A", shown=[target], was=[], done=[target])  # stale and changed
    assert done_days("E202") == {"ahip_1": FRIDAY}
    assert AuditEntry.objects.filter(action__startswith="pace_module").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "changed by someone else meanwhile" in page


def test_it_refuses_a_cell_of_an_agent_not_on_the_grid(scenario, client):
    sign_in(client, "esp.manager@cxp.example", ESP_MANAGER)
    response = save(client, "LIC-A", shown=[cell("E301", "ahip_1")], done=[cell("E301", "ahip_1")])
    assert response.status_code == 400
    assert not ModuleProgress.objects.exists()


def test_it_answers_404_outside_the_licensing_scope(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    assert client.get(reverse("pace:grid", args=["ESP-B"])).status_code == 404
    target = cell("E301", "ahip_1")
    assert save(client, "ESP-B", shown=[target], done=[target]).status_code == 404
    assert client.get(reverse("pace:grid", args=["NOPE"])).status_code == 404
    assert not ModuleProgress.objects.exists()
    sign_in(client, "tl.one@cxp.example", TL)
    assert client.get(reverse("pace:grid", args=["LIC-A"])).status_code == 404
    assert client.get(reverse("pace:behind")).status_code == 404


# -- the behind-pace list ----------------------------------------------------------------------


def test_it_lists_the_agents_behind_pace_on_day_3(scenario, client):
    """R-I1b: on day 3 the end-of-day-1 and end-of-day-2 minimums count."""
    sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E201", AHIP_1_TO_4)
    record(client, "E202", ("ahip_1", "ahip_2"))
    lines = selectors.behind_pace(scenario, FRIDAY)
    assert [(line["employee_id"], line["licensing_day"], line["missing"]) for line in lines] == [
        ("E202", 3, "AHIP module 3; AHIP module 4")
    ]
    page = client.get(reverse("pace:behind")).content.decode()
    assert "Bob Baker" in page and "AHIP module 3; AHIP module 4" in page
    assert "Ann Able" not in page and "Cy Cole" not in page
    assert reverse("pace:grid", args=["LIC-A"]) in page

    response = client.get(reverse("pace:behind"), {"as_of": "2026-11-27", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "class_code": "LIC-A",
            "employee_id": "E202",
            "name": "Bob Baker",
            "licensing_day": "3",
            "missing": "AHIP module 3; AHIP module 4",
        }
    ]
    response = client.get(reverse("pace:behind"), {"as_of": "2026-11-27", "format": "xlsx"})
    values = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert values[1][:2] == ("LIC-A", "E202")


def test_it_lists_nobody_on_day_1_and_the_half_day_minimum_on_day_4(scenario):
    assert selectors.behind_pace(scenario, date(2026, 11, 24)) == []
    monday = {
        line["employee_id"]: line for line in selectors.behind_pace(scenario, date(2026, 11, 30))
    }
    assert monday["E201"]["licensing_day"] == 4
    assert monday["E201"]["missing"].endswith("Carrier product modules")
    # E203's AHIP is done: only the carrier's minimums are missing
    assert monday["E203"]["missing"] == "Carrier certification; Carrier product modules"
    assert selectors.behind_pace(scenario, date(2026, 12, 1)) == []  # training: R-I1 takes over


def test_it_shows_the_behind_pace_block_on_the_licensing_today_page(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E201", AHIP_1_TO_4)
    page = client.get(reverse("web:today")).content.decode()
    assert "Behind the licensing pace (1)" in page
    assert "Bob Baker</a> (E202), LIC-A, licensing day 3: missing AHIP module 1" in page
    sign_in(client, "tl.one@cxp.example", TL)
    assert "Behind the licensing pace" not in client.get(reverse("web:today")).content.decode()


# -- mailed at midday to the licensing list (R-N2) ---------------------------------------------


def test_it_mails_the_behind_pace_list_to_the_licensing_list_at_midday(scenario, client, esp):
    assert ("licensing_pace", "list", "licensing") == DEFAULT_SCHEDULES[-1][:3]
    ensure_lists_and_schedules(scenario, active_from=FRIDAY)
    code, _, err = esp("lists", "set", "licensing", "licensing.team@cxp.example")
    assert code == 0, err
    sign_in(client, "licensing@cxp.example", LICENSING)
    record(client, "E201", AHIP_1_TO_4)

    plan_due(now=datetime(2026, 11, 27, 12, 0, tzinfo=CHICAGO))
    assert not OutboxMessage.objects.filter(report="licensing_pace").exists()
    plan_due(now=datetime(2026, 11, 27, 12, 35, tzinfo=CHICAGO))
    plan_due(now=datetime(2026, 11, 27, 12, 36, tzinfo=CHICAGO))  # again: nothing new

    message = OutboxMessage.objects.get(report="licensing_pace")
    assert (message.list_key, message.to) == ("licensing", ["licensing.team@cxp.example"])
    assert message.business_day == FRIDAY
    assert "Licensing pace 11/27/2026" in message.subject
    assert "1 of 3 agents behind pace" in message.subject
    assert "Bob Baker (E202), licensing day 3: missing AHIP module 1" in message.text
    assert "Ann Able" not in message.text and "Cy Cole" not in message.text
    assert "Bob Baker" in message.html
    names = sorted(a.filename for a in message.attachments.all())
    assert names == ["licensing-pace-2026-11-27.csv", "licensing-pace-2026-11-27.xlsx"]


def test_it_sends_nothing_on_a_day_nobody_is_in_licensing(scenario, esp):
    ensure_lists_and_schedules(scenario, active_from=date(2026, 12, 2))
    esp("lists", "set", "licensing", "licensing.team@cxp.example")
    plan_due(now=datetime(2026, 12, 2, 13, 0, tzinfo=CHICAGO))
    message = OutboxMessage.objects.get(report="licensing_pace")
    assert message.status == OutboxMessage.EMPTY and message.to == []


# -- the demo ----------------------------------------------------------------------------------


def test_it_records_demo_progress_with_some_agents_behind(scenario):
    recorded = demo_pace(scenario, FRIDAY)
    assert recorded > 0
    behind = {line["employee_id"] for line in selectors.behind_pace(scenario, FRIDAY)}
    assert behind == {"E201"}  # the first of every three is behind; E203's AHIP is done
    assert done_days("E202")["ahip_1"] == date(2026, 11, 24)  # done on the day it was due
    assert AuditEntry.objects.filter(action="pace_module_done").count() == recorded


# -- the admin and the cost of a page ----------------------------------------------------------


def test_it_edits_the_pace_table_in_the_admin_and_checks_the_task_key(scenario, client):
    manager = create_esp_manager("esp.manager@cxp.example", "pw-Long-enough-1")
    client.force_login(manager)
    page = client.get(reverse("admin:pace_pacemodule_changelist")).content.decode()
    assert "Carrier product modules" in page
    module = PaceModule.objects.get(key="carrier_products")
    module.satisfied_by_task = "no_such_task"
    with pytest.raises(ValidationError):
        module.full_clean()


def test_it_reads_the_list_in_a_number_of_queries_that_does_not_grow(
    scenario, esp, write, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as few:
        assert len(selectors.pace_lines(scenario, FRIDAY)[1]) == 3
    more = "\n".join(
        f"E4{n:02d},New,Agent{n},n{n}@cxp.example,n{n}@mail.example,LIC-A" for n in range(12)
    )
    code, _, err = esp("import", "roster", write(ROSTER.strip() + "\n" + more + "\n", "r2.csv"))
    assert code == 0, err
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(selectors.pace_lines(scenario, FRIDAY)[1]) == 15


def test_it_refuses_to_record_progress_on_a_future_day(scenario, client):
    sign_in(client, "licensing@cxp.example", LICENSING)
    response = record(client, "E202", ("ahip_1",), as_of=date(2026, 11, 30))
    assert response.status_code == 302
    assert not ModuleProgress.objects.exists()
    assert "in the future: nothing was saved" in client.get(response["Location"]).content.decode()


# -- modules only an accepted proof completes (R-I1b "with its proof", R-B2) -------------------


def test_it_shows_the_proof_bound_modules_read_only_and_refuses_a_tick(scenario, client):
    """The AHIP final and the carrier certification are done only through their task (its
    proof accepted): no checkbox, a plain note, and a posted tick saves nothing."""
    assert set(PaceModule.objects.filter(task_only=True).values_list("key", flat=True)) == {
        "ahip_final",
        "carrier_cert",
    }
    sign_in(client, "licensing@cxp.example", LICENSING)
    page = client.get(reverse("pace:grid", args=["LIC-A"])).content.decode()
    for key in ("ahip_final", "carrier_cert"):
        assert f'value="E201:{key}"' not in page
    # the AHIP final of E201 and E202, the carrier certification of all three, the intro
    assert page.count("done when the proof is accepted") == 2 + 3 + 1
    assert 'aria-label="AHIP final — Cy Cole: done (its task is done)"' in page
    assert 'value="E201:ahip_5"' in page  # AHIP modules 1–5 stay hand-ticked

    cells = [cell("E201", "ahip_1"), cell("E201", "carrier_cert")]
    response = save(client, "LIC-A", shown=cells, done=cells)
    assert response.status_code == 302
    assert not ModuleProgress.objects.exists()  # the whole save is refused
    assert not AuditEntry.objects.filter(action__startswith="pace_module").exists()
    page = client.get(response["Location"]).content.decode()
    assert (
        "Carrier certification for Ann Able is done only when the proof is accepted "
        "(its task, carrier_cert), not by a check on the grid: nothing was saved."
    ) in page
    response = save(client, "LIC-A", shown=[], done=[cell("E202", "ahip_final")])
    assert not ModuleProgress.objects.exists()
    assert (
        "AHIP final for Bob Baker is done only when"
        in client.get(response["Location"]).content.decode()
    )


def test_it_counts_a_proof_bound_module_only_through_its_task(scenario, esp, write):
    """A hand tick stored for the carrier certification (the service refuses one; an older
    row may exist) does not count; the task done does."""
    ann = selectors.Agent.objects.get(employee_id="E201")
    carrier = PaceModule.objects.get(key="carrier_cert")
    from esp.pace import services

    with pytest.raises(ValidationError, match="done only when the proof is accepted"):
        services.module_progress_set(agent=ann, module=carrier, done=True, day=FRIDAY, actor=None)
    ModuleProgress.objects.create(
        agent=ann,
        module=carrier,
        done_on=FRIDAY,
        recorded_at=datetime(2026, 11, 27, tzinfo=CHICAGO),
    )
    monday = date(2026, 11, 30)
    lines = {line["employee_id"]: line for line in selectors.behind_pace(scenario, monday)}
    assert "Carrier certification" in lines["E201"]["missing"]
    activity = (
        "date,employee_id,kind,item,value,by,note\n2026-11-27,E201,task,carrier_cert,done,x,\n"
    )
    code, _, err = esp("import", "activity", write(activity, "a2.csv"))
    assert code == 0, err
    lines = {line["employee_id"]: line for line in selectors.behind_pace(scenario, monday)}
    assert "Carrier certification" not in lines["E201"]["missing"]


# -- saving under concurrency (§17 no lost work) -----------------------------------------------


def test_it_counts_a_change_made_meanwhile_as_a_conflict_not_as_recorded(
    scenario, client, monkeypatch
):
    """module_progress_set answers None when the stored state already is the wanted one:
    someone else made the change between the read and the write. Not "1 change recorded"."""
    from esp.pace import services

    real = services._module_progress_set

    def someone_else_first(**kwargs):
        real(**{**kwargs, "actor": None})  # the other person's save lands first
        return real(**kwargs)

    monkeypatch.setattr(services, "_module_progress_set", someone_else_first)
    sign_in(client, "licensing@cxp.example", LICENSING)
    response = record(client, "E202", ("ahip_1",))
    page = client.get(response["Location"]).content.decode()
    assert "recorded for" not in page
    assert "AHIP module 1 for Bob Baker was changed by someone else meanwhile" in page
    assert AuditEntry.objects.filter(action="pace_module_done").count() == 1
    assert ModuleProgress.objects.get().recorded_by is None  # the other person's row


def test_it_reports_a_row_inserted_meanwhile_as_a_conflict_not_a_500(scenario, client, monkeypatch):
    from django.db import IntegrityError

    from esp.pace import services

    def inserted_meanwhile(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: one_progress_per_module")

    monkeypatch.setattr(services, "_module_progress_set", inserted_meanwhile)
    sign_in(client, "licensing@cxp.example", LICENSING)
    response = record(client, "E202", ("ahip_1", "ahip_2"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert page.count("was changed by someone else meanwhile") == 2
    assert "recorded for" not in page


def test_it_locks_the_agents_before_reading_their_cells(scenario, monkeypatch):
    """Two saves of the same new cell take turns on the agent's row (as the fact services do):
    the second compares against the first's row instead of inserting a second one."""
    from django.db.models import QuerySet

    from esp.pace import services

    locked = []
    real = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append((self.model.__name__, len(queries.captured_queries)))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    bob = selectors.Agent.objects.get(employee_id="E202")
    module = PaceModule.objects.get(key="ahip_1")
    change = services.CellChange(bob, module, True, False)
    with CaptureQueriesContext(connection) as queries:
        first = services.grid_save(changes=[change], day=FRIDAY, actor=None)
    reads = [i for i, q in enumerate(queries.captured_queries) if "pace_moduleprogress" in q["sql"]]
    assert locked[0][0] == "Agent" and locked[0][1] < reads[0]  # locked before the first read
    second = services.grid_save(changes=[change], day=FRIDAY, actor=None)  # the stale page
    assert (len(first.recorded), len(second.recorded), len(second.conflicts)) == (1, 0, 1)
    assert ModuleProgress.objects.count() == 1


# -- bad input (§17) ---------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", ["11/31/2026x", "yesterday", "", "2026-13-01"])
def test_it_refuses_a_save_whose_day_is_not_a_date(scenario, client, as_of):
    sign_in(client, "licensing@cxp.example", LICENSING)
    target = cell("E202", "ahip_1")
    response = client.post(
        reverse("pace:grid", args=["LIC-A"]), {"as_of": as_of, "shown": [target], "done": [target]}
    )
    assert response.status_code == 302
    assert not ModuleProgress.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "The grid&#x27;s day (as of)" in page and "nothing was saved" in page


# -- scope and the cost of the list ------------------------------------------------------------


def test_it_lists_only_the_agents_visible_today_whatever_the_chosen_day(scenario, client):
    """Issue 12 item 2: the list of 11/27 read on 12/02 names nobody of LIC-A (in licensing
    then, in training now): the picked day never widens Licensing's scope. Read on 11/27, the
    same list names them. (They are done with AHIP and Aetna by 12/01: an agent still late on
    them stays Licensing's past the phase, issue 12 follow-up item 4.)"""
    from esp.progress.services import fact_record

    for agent in selectors.Agent.objects.filter(training_class__code="LIC-A"):
        for task in ("ahip", "carrier_cert"):
            fact_record(
                agent=agent, day=date(2026, 12, 1), kind="task", item=task,
                value="not_applicable", actor=None,
            )  # fmt: skip
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=CHICAGO), tick=False):
        sign_in(client, "licensing@cxp.example", LICENSING)
        response = client.get(reverse("pace:behind"), {"as_of": "2026-11-27"})
    assert response.status_code == 200, response
    page = response.content.decode()
    assert "Bob Baker" not in page and "Ann Able" not in page
    with time_machine.travel(datetime(2026, 11, 27, 10, tzinfo=CHICAGO), tick=False):
        sign_in(client, "licensing@cxp.example", LICENSING)
        page = client.get(reverse("pace:behind"), {"as_of": "2026-11-27"}).content.decode()
    assert "Bob Baker" in page and "Ann Able" in page


def test_it_reads_only_the_agents_of_classes_under_way_in_licensing(
    scenario, esp, write, monkeypatch
):
    """The database narrows to the classes whose licensing is under way (and agents moved into
    one): ESP-B's agents are not read at all, unless moved into LIC-A."""
    read = []
    real = selectors.agent_records

    def spy(*args, **kwargs):
        records = real(*args, **kwargs)
        read.extend(r.employee_id for r in records)
        return records

    monkeypatch.setattr(selectors, "agent_records", spy)
    assert [line["employee_id"] for line in selectors.pace_lines(scenario, FRIDAY)[1]] == [
        "E201",
        "E202",
        "E203",
    ]
    assert sorted(read) == ["E201", "E202", "E203"]
    read.clear()
    assert selectors.pace_lines(scenario, date(2026, 12, 1))[1] == [] and read == []
    activity = "date,employee_id,kind,item,value,by,note\n2026-11-24,E301,move,LIC-A,,x,\n"
    code, _, err = esp("import", "activity", write(activity, "move.csv"))
    assert code == 0, err
    lines = selectors.pace_lines(scenario, FRIDAY)[1]
    assert "E301" in [line["employee_id"] for line in lines]
    grid = selectors.class_grid(scenario, "ESP-B", FRIDAY)  # a grid still shows every agent
    assert [row["employee_id"] for row in grid["rows"]] == []  # E301 moved out of ESP-B
