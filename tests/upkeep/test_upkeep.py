"""Which teams keep up (R-N7): the ESP Manager's team-upkeep page and the gap report.

The scenario, as of Friday 12/04/2026 1:00 PM (America/Chicago):

- LIC-B started Wednesday 11/25 (licensing 11/30, training from 12/04): its agent E101's
  licensing coaching fell due Thursday 12/03 and is overdue today; TL tl.two;
- LIC-C started Wednesday 12/02 and is in its licensing phase from today: agent E201, TL
  tl.three, the licensing team's scope;
- ESP-D started 11/09 and is in its ESP phase (12/03 to 12/07): agent E301, TL tl.four, the
  cert coordinator's scope.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esp.audit.models import AuditEntry
from esp.callqueue.services import connection_open
from esp.mailing.models import DistributionList, OutboxMessage
from esp.mailing.services.lists import list_set
from esp.mailing.services.outbox import Message, enqueue
from esp.pace.services import proctored_arrange
from esp.progress.services import fact_record, note_add, step_deliver
from esp.progress.services.proofs import proof_review, proof_submit
from esp.roster.models import Agent
from esp.roster.roles import (
    CERT_COORDINATOR,
    CERTIFIER,
    ESP_MANAGER,
    LICENSING,
    PM,
    TBT_SME,
    TL,
    WFM,
)
from esp.upkeep.models import GapReport
from esp.upkeep.selectors import team_upkeep
from esp.upkeep.services import gap_report_key
from tests.web_support import messages_of, png, staff

CHICAGO = ZoneInfo("America/Chicago")
AS_OF = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 13, tzinfo=CHICAGO)
GAPS = OutboxMessage.objects.filter(report="upkeep_gaps")

CLASSES = """
class_code,program,campaign,site,start_date,tl_emails,pm_email
LIC-B,esp-aetna,Aetna,PRV,2026-11-25,tl.two@cxp.example,pm.two@cxp.example
LIC-C,esp-aetna,Aetna,PRV,2026-12-02,tl.three@cxp.example,pm.two@cxp.example
ESP-D,esp-aetna,Aetna,SLC,2026-11-09,tl.four@cxp.example,pm.two@cxp.example
"""

ROSTER = """
employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email
E101,Liz,Lane,liz@cxp.example,liz@mail.example,LIC-B,tl.two@cxp.example
E201,Cy,Cole,cy@cxp.example,cy@mail.example,LIC-C,tl.three@cxp.example
E301,Di,Dunn,di@cxp.example,di@mail.example,ESP-D,tl.four@cxp.example
"""


@pytest.fixture(autouse=True)
def friday_december_4(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(program, write, esp, settings, tmp_path):
    settings.ESP_PROOF_DIR = str(tmp_path / "proofs")
    for kind, text in (("classes", CLASSES), ("roster", ROSTER)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    manager = staff("esp.manager@cxp.example", ESP_MANAGER)
    staff("licensing@cxp.example", LICENSING)
    staff("cert.coordinator@cxp.example", CERT_COORDINATOR)
    for email in ("tl.two@cxp.example", "tl.three@cxp.example", "tl.four@cxp.example"):
        staff(email, TL)
    return manager


def upkeep(program, email: str, role: str, as_of: date = AS_OF, now: datetime = NOW):
    rows = [r for r in team_upkeep(program, as_of, now) if r.email == email and r.role == role]
    assert len(rows) == 1, (email, role)
    return {check.key: check for check in rows[0].checks}


def names(check) -> list[str]:
    return [line.get("employee_id", line["name"]) for line in check.open]


def agent(employee_id: str) -> Agent:
    return Agent.objects.get(employee_id=employee_id)


# -- TLs (R-N5 items, per TL) ---------------------------------------------------------------------


def test_it_shows_a_tls_overdue_coaching_until_it_is_delivered(program, world):
    """R-N7: the TL's due ladder step is a gap until delivered; delivering it clears it."""
    steps = upkeep(program, "tl.two@cxp.example", TL)["steps"]
    assert names(steps) == ["E101"]
    assert (
        "Documented coaching on the Licensing timeframe ladder, overdue, due 12/03/2026"
        in steps.open[0]["detail"]
    )
    assert steps.status == "1 open"

    step_deliver(
        agent=agent("E101"),
        ladder="licensing",
        step="coaching",
        expectation="Finish AHIP today",
        day=AS_OF,
        actor=world,
    )
    steps = upkeep(program, "tl.two@cxp.example", TL)["steps"]
    assert steps.done and steps.status == "done"
    assert steps.remark == "1 delivered today"
    # Another TL's classes are not theirs.
    assert names(upkeep(program, "tl.three@cxp.example", TL)["steps"]) == []


def test_it_lists_agents_without_a_status_update_or_a_self_report_today(program, world):
    checks = upkeep(program, "tl.two@cxp.example", TL)
    assert names(checks["updates"]) == ["E101"] and names(checks["self_reports"]) == ["E101"]
    fact_record(agent=agent("E101"), day=AS_OF, kind="task", item="ahip", value="in_progress")
    note_add(agent=agent("E101"), text="Module 3 done", day=AS_OF, actor=None, source="self_report")
    checks = upkeep(program, "tl.two@cxp.example", TL)
    assert checks["updates"].done and checks["self_reports"].done
    # Yesterday's updates do not count for today.
    assert names(upkeep(program, "tl.two@cxp.example", TL, as_of=date(2026, 12, 7))["updates"]) == [
        "E101"
    ]


def _tickable_module(program):
    from esp.pace.defaults import load_default_pace
    from esp.pace.models import PaceModule

    load_default_pace(program)
    module = next(
        (m for m in PaceModule.objects.order_by("pk") if not getattr(m, "task_only", False)), None
    )
    assert module is not None, "the default program has no pace module to tick"
    return module


def test_it_counts_a_pace_grid_tick_as_an_update(program, world):
    """Licensing's ticks on the pace grid (R-I1b) are the tracker being updated."""
    from esp.pace.services import module_progress_set

    module = _tickable_module(program)
    # A tick recorded on Thursday for Thursday is not an update of Friday.
    with time_machine.travel(datetime(2026, 12, 3, 16, tzinfo=CHICAGO), tick=False):
        module_progress_set(
            agent=agent("E201"), module=module, done=True, day=date(2026, 12, 3), actor=world
        )
    assert names(upkeep(program, "licensing@cxp.example", LICENSING)["updates"]) == ["E201"]
    assert "E201" in names(upkeep(program, "tl.three@cxp.example", TL)["updates"])

    module_progress_set(agent=agent("E201"), module=module, done=False, day=AS_OF, actor=world)
    assert upkeep(program, "licensing@cxp.example", LICENSING)["updates"].done
    assert upkeep(program, "tl.three@cxp.example", TL)["updates"].done
    # A tick recorded on Monday as done on Friday updates Friday.
    with time_machine.travel(datetime(2026, 12, 7, 9, tzinfo=CHICAGO), tick=False):
        module_progress_set(agent=agent("E101"), module=module, done=True, day=AS_OF, actor=world)
    assert upkeep(program, "tl.two@cxp.example", TL)["updates"].done


def test_it_charges_a_tl_only_once_their_class_has_started(program, world, write, esp):
    """LIC-F starts Monday 12/07: on Friday its TL owes nothing for its agent; from Monday on,
    they do."""
    classes = (
        "class_code,program,campaign,site,start_date,tl_emails,pm_email\n"
        "LIC-F,esp-aetna,Aetna,PRV,2026-12-07,tl.five@cxp.example,pm.two@cxp.example"
    )
    roster = (
        "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n"
        "E501,Fay,Ford,fay@cxp.example,fay@mail.example,LIC-F,tl.five@cxp.example"
    )
    for kind, text in (("classes", classes), ("roster", roster)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err
    staff("tl.five@cxp.example", TL)
    friday = [r for r in team_upkeep(program, AS_OF, NOW) if r.email == "tl.five@cxp.example"]
    assert [(r.agents, r.gaps) for r in friday] == [(0, 0)]
    monday = datetime(2026, 12, 7, 9, tzinfo=CHICAGO)
    checks = upkeep(program, "tl.five@cxp.example", TL, as_of=monday.date(), now=monday)
    assert names(checks["updates"]) == ["E501"] and names(checks["self_reports"]) == ["E501"]


def test_it_flags_an_equipment_issue_without_an_it_ticket(program, world):
    fact_record(agent=agent("E101"), day=AS_OF, kind="equipment", item="issue", value="")
    assert names(upkeep(program, "tl.two@cxp.example", TL)["tickets"]) == ["E101"]
    fact_record(agent=agent("E101"), day=AS_OF, kind="equipment", item="issue", value="INC42")
    assert upkeep(program, "tl.two@cxp.example", TL)["tickets"].done


# -- licensing ------------------------------------------------------------------------------------


def test_it_shows_licensing_a_proof_waiting_for_review_until_it_is_reviewed(program, world):
    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=CHICAGO), tick=False):
        proof = proof_submit(
            agent=agent("E201"), item="carrier_cert", name="checks.png", data=png(), actor=world
        )
    proofs = upkeep(program, "licensing@cxp.example", LICENSING)["proofs"]
    assert names(proofs) == ["E201"]
    assert proofs.open[0]["detail"] == "carrier cert proof waiting 2 business day(s)"
    # E101 (training since today) is no longer licensing's: only E201 is to update.
    assert names(upkeep(program, "licensing@cxp.example", LICENSING)["updates"]) == ["E201"]

    # Reviewed on Monday: Friday still shows it waiting (the day's state), Monday does not.
    monday = datetime(2026, 12, 7, 9, tzinfo=CHICAGO)
    with time_machine.travel(monday, tick=False):
        proof_review(proof=proof, accept=True, actor=world, day=monday.date())
    assert names(upkeep(program, "licensing@cxp.example", LICENSING)["proofs"]) == ["E201"]
    checks = upkeep(program, "licensing@cxp.example", LICENSING, as_of=monday.date(), now=monday)
    assert checks["proofs"].done


def test_it_shows_licensing_a_proctored_last_attempt_to_arrange(program, world):
    for _ in range(2):
        fact_record(agent=agent("E201"), day=AS_OF, kind="exam", item="ahip", value="failed")
    arrange = upkeep(program, "licensing@cxp.example", LICENSING)["proctored"]
    assert names(arrange) == ["E201"] and arrange.open[0]["detail"] == "ahip: proctored attempt"


def test_it_counts_a_proctored_last_attempt_as_arranged_once_licensing_marks_it(program, world):
    """R-N4a, issue 15 item 13: "a proctored third attempt to arrange (licensing)" — once
    Licensing marks it arranged for a day, the check is done."""
    for _ in range(2):
        fact_record(agent=agent("E201"), day=AS_OF, kind="exam", item="ahip", value="failed")
    with time_machine.travel(NOW, tick=False):
        proctored_arrange(
            agent=agent("E201"), exam="ahip", arranged_for=AS_OF, today=AS_OF, actor=world
        )
    arrange = upkeep(program, "licensing@cxp.example", LICENSING)["proctored"]
    assert names(arrange) == [] and arrange.done


# -- the cert coordinator -------------------------------------------------------------------------


def test_it_shows_the_coordinator_an_agent_past_the_4_hour_clock(program, world):
    certifier = staff("certifier@cxp.example", CERTIFIER)
    connection_open(
        certifier=certifier, agent=agent("E301"), now=NOW - timedelta(hours=3), actor=world
    )
    assert upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR)["clock"].done
    later = NOW + timedelta(hours=1, minutes=1)
    with time_machine.travel(later, tick=False):
        clock = upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR, now=later)[
            "clock"
        ]
    assert names(clock) == ["E301"]
    assert "10:00 AM with Certifier" in clock.open[0]["detail"]
    assert "0 of 5 calls scored" in clock.open[0]["detail"]


def test_it_shows_a_call_not_passed_until_it_is_followed_up(program, world):
    fact_record(agent=agent("E301"), day=AS_OF, kind="call", item="2", value="70")
    follow_up = upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR)["follow_up"]
    assert names(follow_up) == ["E301"]
    assert follow_up.open[0]["detail"] == "call 2 scored 70 on 12/04/2026"
    note_add(agent=agent("E301"), text="Coached on rebuttals", day=AS_OF, actor=world)
    assert upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR)["follow_up"].done


def test_it_shows_whether_the_end_of_day_call_cert_report_went_out(program, world):
    report = upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR)["callcert_report"]
    assert report.open == [{"name": "End-of-day Call Cert report", "detail": "not sent yet"}]
    row = enqueue(
        key=f"callcert_summary|ops_leadership|{AS_OF}",
        report="callcert_summary",
        list_key="ops_leadership",
        to=["ops@cxp.example"],
        message=Message(subject="Call Cert", text="..."),
        now=NOW,
        business_day=AS_OF,
    )
    report = upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR)["callcert_report"]
    assert report.open[0]["detail"] == "queued"
    OutboxMessage.objects.filter(pk=row.pk).update(status=OutboxMessage.SENT)
    assert upkeep(program, "cert.coordinator@cxp.example", CERT_COORDINATOR)["callcert_report"].done


# -- the page and the gap report ------------------------------------------------------------------


def test_it_shows_the_page_with_the_gaps_linked_to_the_agents(program, world, client):
    client.force_login(world)
    page = client.get(reverse("upkeep:teams"), {"as_of": "2026-12-04"}).content.decode()
    assert "Which teams keep up, Friday 12/04/2026" in page
    assert 'href="/agents/E101/"' in page
    assert (
        "Documented coaching on the Licensing timeframe ladder, overdue" in page
    )  # names, not keys
    today = client.get(reverse("web:today")).content.decode()
    assert "Which teams keep up today" in today
    assert f"{reverse('upkeep:teams')}?as_of=2026-12-04" in today


def test_it_links_the_today_page_without_computing_the_checks(program, world, client, monkeypatch):
    """The checks take a long time on a big season: the ESP Manager's Today page only links
    to them (with the count of gap reports sent), it does not compute them."""
    import esp.upkeep.selectors
    import esp.web.today

    def not_here(*args, **kwargs):
        raise AssertionError("the Today page computed the team checks")

    monkeypatch.setattr(esp.upkeep.selectors, "team_upkeep", not_here)
    monkeypatch.setattr(esp.web.today, "team_upkeep", not_here, raising=False)
    client.force_login(world)
    page = client.get(reverse("web:today")).content.decode()
    assert "Which teams keep up today" in page and "gap report sent" not in page
    tl = Agent.objects.get(employee_id="E101").tl
    GapReport.objects.create(person=tl, day=AS_OF, gaps=1, sent_by=world, sent_at=NOW)
    page = client.get(reverse("web:today")).content.decode()
    assert "(1 gap report sent for the day)" in page


def test_it_lets_only_esp_managers_open_the_page_or_send_a_report(program, world, client):
    for role in (PM, TL, LICENSING, CERT_COORDINATOR, CERTIFIER, TBT_SME, WFM):
        client.force_login(staff(f"{role.lower().replace(' ', '.')}.x@cxp.example", role))
        assert client.get(reverse("upkeep:teams")).status_code == 404, role
        person = Agent.objects.get(employee_id="E101").tl
        response = client.post(
            reverse("upkeep:report"), {"person": person.pk, "recipients": "person"}
        )
        assert response.status_code == 404, role
    assert not GAPS.exists() and not GapReport.objects.exists()
    client.logout()
    assert client.get(reverse("upkeep:teams")).status_code == 302


def test_it_sends_the_gap_report_once_per_person_and_day(program, world, client):
    DistributionList.objects.get_or_create(key="ops_management", defaults={"name": "Ops"})
    list_set("ops_management", ["ops.mgmt@cxp.example"])
    tl = Agent.objects.get(employee_id="E101").tl
    client.force_login(world)
    data = {"person": tl.pk, "recipients": "both", "as_of": "2026-12-04", "note": "Please fix"}
    response = client.post(reverse("upkeep:report"), data)
    assert response.status_code == 302
    assert response["Location"] == "/upkeep/?as_of=2026-12-04"
    message = GAPS.get()
    assert message.key == gap_report_key(tl.pk, AS_OF)
    assert message.to == ["ops.mgmt@cxp.example", "tl.two@cxp.example"]
    assert message.business_day == AS_OF and message.report == "upkeep_gaps"
    assert "open item" in message.subject and "12/04/2026" in message.subject
    assert "Note: Please fix" in message.text
    assert "Due corrective actions delivered: 1 open" in message.text
    assert (
        "Liz Lane (E101): Documented coaching on the Licensing timeframe ladder, overdue, due 12/03/2026"
        in message.text
    )
    report = GapReport.objects.get()
    assert (report.person, report.day, report.message, report.sent_by) == (
        tl,
        AS_OF,
        message,
        world,
    )
    entry = AuditEntry.objects.get(action="report_gaps")
    assert entry.actor == world and entry.changes["to"] == message.to

    again = client.post(reverse("upkeep:report"), data)
    assert "already reported" in " ".join(messages_of(again))
    assert GAPS.count() == 1 and GapReport.objects.count() == 1
    page = client.get(reverse("upkeep:teams"), {"as_of": "2026-12-04"}).content.decode()
    assert "Gaps reported on 12/04/2026" in page
    # Another (past business) day is another key.
    client.post(reverse("upkeep:report"), {**data, "as_of": "2026-12-03"})
    assert GAPS.count() == 2
    assert GapReport.objects.filter(day=date(2026, 12, 3)).exists()


def test_it_refuses_a_report_without_gaps_or_recipients(program, world, client):
    client.force_login(world)
    coordinator_free = Agent.objects.get(employee_id="E201").tl
    fact_record(agent=agent("E201"), day=AS_OF, kind="task", item="ahip", value="in_progress")
    note_add(agent=agent("E201"), text="On track", day=AS_OF, actor=None, source="self_report")
    refused = client.post(
        reverse("upkeep:report"),
        {"person": coordinator_free.pk, "recipients": "person", "as_of": "2026-12-04"},
    )
    assert "has nothing open" in " ".join(messages_of(refused))
    tl = Agent.objects.get(employee_id="E101").tl
    refused = client.post(
        reverse("upkeep:report"),
        {"person": tl.pk, "recipients": "ops_management", "as_of": "2026-12-04"},
    )
    assert "ops management list is empty" in " ".join(messages_of(refused))
    refused = client.post(
        reverse("upkeep:report"), {"person": "x", "recipients": "person", "as_of": "2026-12-04"}
    )
    assert "Choose a person" in " ".join(messages_of(refused))
    assert not GAPS.exists() and not GapReport.objects.exists()


def test_it_names_the_person_without_an_e_mail_address_as_the_reason(program, world, client):
    DistributionList.objects.get_or_create(key="ops_management", defaults={"name": "Ops"})
    tl = Agent.objects.get(employee_id="E101").tl
    type(tl).objects.filter(pk=tl.pk).update(email="")
    client.force_login(world)
    data = {"person": tl.pk, "recipients": "person", "as_of": "2026-12-04"}
    said = " ".join(messages_of(client.post(reverse("upkeep:report"), data)))
    assert "Tl Two has no e-mail address" in said
    assert "ops management" not in said
    said = " ".join(
        messages_of(client.post(reverse("upkeep:report"), {**data, "recipients": "both"}))
    )
    assert "Tl Two has no e-mail address and the ops management list is empty" in said
    assert not GAPS.exists() and not GapReport.objects.exists()


def test_it_refuses_a_note_with_a_nul_character(program, world, client):
    tl = Agent.objects.get(employee_id="E101").tl
    client.force_login(world)
    data = {"person": tl.pk, "recipients": "person", "as_of": "2026-12-04", "note": "a\x00b"}
    said = " ".join(messages_of(client.post(reverse("upkeep:report"), data)))
    assert "NUL character" in said
    assert not GAPS.exists() and not GapReport.objects.exists()


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("2026-12-07", "12/07/2026 is after today (12/04/2026)"),
        ("2026-11-28", "Saturday 11/28/2026 is not a business day"),
        ("2026-11-26", "Thursday 11/26/2026 is not a business day"),  # Thanksgiving
        ("2026-12-32", "'2026-12-32' is not a date"),
        ("tomorrow", "'tomorrow' is not a date"),
        ("1900-01-02", "01/02/1900 is outside the business calendar"),
        ("", "Give the day of the gaps to report"),
    ],
)
def test_it_refuses_a_report_for_a_future_non_business_or_bad_day(
    program, world, client, as_of, reason
):
    tl = Agent.objects.get(employee_id="E101").tl
    client.force_login(world)
    response = client.post(
        reverse("upkeep:report"), {"person": tl.pk, "recipients": "person", "as_of": as_of}
    )
    assert response.status_code == 302
    assert reason in " ".join(messages_of(response))
    assert not GAPS.exists() and not GapReport.objects.exists()


def test_it_expects_nothing_on_a_weekend(program, world, client):
    client.force_login(world)
    page = client.get(reverse("upkeep:teams"), {"as_of": "2026-12-05"}).content.decode()
    assert "Saturday 12/05/2026 is not a business day" in page
    assert "Report the gaps" not in page and 'data-check="' not in page
    assert team_upkeep(program, date(2026, 12, 5), NOW) == []
    # The Friday before does list expectations.
    page = client.get(reverse("upkeep:teams"), {"as_of": "2026-12-04"}).content.decode()
    assert 'data-check="updates"' in page and "not a business day" not in page


# -- queries --------------------------------------------------------------------------------------


def _more_tls(write, esp, count: int) -> None:
    classes = "class_code,program,campaign,site,start_date,tl_emails,pm_email\n" + "\n".join(
        f"X{i},esp-aetna,Aetna,PRV,2026-11-25,tl.x{i}@cxp.example,pm.two@cxp.example"
        for i in range(count)
    )
    roster = "employee_id,first_name,last_name,work_email,personal_email,class_code,tl_email\n"
    roster += "\n".join(
        f"X{i}{j},Al{i},Ng{j},x{i}{j}@cxp.example,x{i}{j}@mail.example,X{i},tl.x{i}@cxp.example"
        for i in range(count)
        for j in range(3)
    )
    for kind, text in (("classes", classes), ("roster", roster)):
        code, _, err = esp("import", kind, write(text, f"{kind}.csv"))
        assert code == 0, err


def _queries(program) -> int:
    team_upkeep(program, AS_OF, NOW)  # the per-process caches (policy, calendar) warm
    with CaptureQueriesContext(connection) as captured:
        rows = team_upkeep(program, AS_OF, NOW)
    assert rows
    return len(captured)


def test_it_reads_a_fixed_number_of_queries_whatever_the_number_of_tls(program, world, write, esp):
    """2 TLs or 6 TLs (and their agents and facts): the same number of queries."""
    _more_tls(write, esp, 2)
    two = _queries(program)
    _more_tls(write, esp, 6)  # X0, X1 again plus four more
    for a in Agent.objects.filter(employee_id__startswith="X"):
        fact_record(agent=a, day=AS_OF, kind="equipment", item="issue", value="")
    program.refresh_from_db()  # a fresh instance, as a request has: the policy read again
    six = _queries(program)
    assert six == two
    assert two <= 30  # one query per need (the policy and calendar kept per process)
